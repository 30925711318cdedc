/**
 * The fake cloud a plan is rendered against: deterministic ids (`<name>-id`, from
 * `test/helpers/mocks.ts`), computed outputs that read as what they stand for, and answers to the
 * few invokes the programs make. Nothing here is random or depends on the machine.
 *
 * A program that reads a computed output or makes an invoke not listed here still renders
 * (a missing output is `undefined`), except that an unknown invoke fails loudly: add it below.
 */
import type { MockOptions } from "../../test/helpers/mocks";

type State = Record<string, unknown>;

/** Stands in for generated passwords; a test asserts it never appears in a plan. */
export const MOCK_PASSWORD = "plan-mock-password-0123456789abcdef";
const ACCOUNT = "123456789012";
const GCP_PROJECT = "mock-project";

export const PLAN_CALLS: NonNullable<MockOptions["calls"]> = {
  "aws:index/getRegion:getRegion": () => ({
    name: "us-east-1",
    region: "us-east-1",
    id: "us-east-1",
  }),
  "aws:index/getPartition:getPartition": () => ({
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    id: "aws",
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: ACCOUNT,
    arn: `arn:aws:iam::${ACCOUNT}:user/plan`,
    id: ACCOUNT,
    userId: "AIDAPLAN",
  }),
  "gcp:organizations/getProject:getProject": () => ({
    projectId: GCP_PROJECT,
    number: "123456789012",
    name: GCP_PROJECT,
    id: `projects/${GCP_PROJECT}`,
  }),
  "gcp:organizations/getClientConfig:getClientConfig": () => ({
    project: GCP_PROJECT,
    region: "us-central1",
    zone: "us-central1-a",
    id: "client-config",
    accessToken: "mock-token",
  }),
  "gcp:compute/getZones:getZones": () => ({
    names: ["us-central1-a", "us-central1-b", "us-central1-c"],
    id: "zones",
  }),
};

/** Computed outputs by type token, for the values other resources or the stack outputs read. */
const TYPE_OUTPUTS: Record<string, (resource: { name: string; inputs: State }) => State> = {
  "awsx:ec2:Vpc": ({ name }) => ({
    vpcId: `${name}-id`,
    publicSubnetIds: [`${name}-public-a-id`, `${name}-public-b-id`],
    privateSubnetIds: [`${name}-private-a-id`, `${name}-private-b-id`],
  }),
  "awsx:ecr:Repository": ({ name }) => ({
    url: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${name}`,
  }),
  "awsx:ecr:Image": ({ inputs }) => ({ imageUri: `${String(inputs.repositoryUrl)}@sha256:mock` }),
  "aws:lb/loadBalancer:LoadBalancer": ({ name }) => ({
    dnsName: `${name}.elb.mock`,
    arnSuffix: `app/${name}/mock`,
  }),
  "aws:lb/targetGroup:TargetGroup": ({ name }) => ({ arnSuffix: `targetgroup/${name}/mock` }),
  "aws:elasticache/replicationGroup:ReplicationGroup": ({ name }) => ({
    primaryEndpointAddress: `${name}.cache.mock`,
  }),
  "aws:cloudwatch/logGroup:LogGroup": ({ name, inputs }) => ({
    name: inputs.name ?? `/ecs/${name}`,
  }),
  "random:index/randomPassword:RandomPassword": () => ({ result: MOCK_PASSWORD }),
  "kubernetes:networking.k8s.io/v1:Ingress": () => ({
    status: { loadBalancer: { ingress: [{ hostname: "ingress.mock" }] } },
  }),
  "gcp:compute/globalAddress:GlobalAddress": () => ({ address: "203.0.113.10" }),
  "gcp:redis/instance:Instance": ({ name }) => ({
    host: "10.0.0.3",
    port: 6378,
    authString: MOCK_PASSWORD,
    serverCaCerts: [
      { cert: `-----BEGIN CERTIFICATE-----\nmock-${name}\n-----END CERTIFICATE-----` },
    ],
  }),
  "gcp:cloudrunv2/service:Service": ({ name }) => ({ uri: `https://${name}.run.mock` }),
};

/**
 * Outputs of one resource: a physical `name` (Pulumi's autonaming adds a random suffix; the plan
 * uses the logical name), a `selfLink` for GCP, then the type's own computed outputs.
 */
export function planOutputs(type: string, resource: { name: string; inputs: State }): State {
  const gcp = type.startsWith("gcp:")
    ? { selfLink: `https://mock.googleapis.com/${resource.name}` }
    : {};
  return { name: resource.inputs.name ?? resource.name, ...gcp, ...TYPE_OUTPUTS[type]?.(resource) };
}
