/** Shared mocks and args for the AWS component tests. */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { AWS_FLEET_TYPE, type AwsSocketIoFleetArgs } from "../../../components/aws";
import {
  type MockOptions,
  type MockRecorder,
  type RecordedResource,
  setupMocks,
} from "../../helpers/mocks";

export const T = {
  fleet: AWS_FLEET_TYPE,
  vpc: "awsx:ec2:Vpc",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  tg: "aws:lb/targetGroup:TargetGroup",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  cluster: "aws:ecs/cluster:Cluster",
  taskDef: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  subnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  password: "random:index/randomPassword:RandomPassword",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  repo: "awsx:ecr:Repository",
  image: "awsx:ecr:Image",
} as const;

export const AUTH_TOKEN = "Tok3n-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456";
export const REDIS_HOST = "master.fleet-redis.abc123.use1.cache.amazonaws.com";
export const ALB_DNS = "fleet-alb-123.us-east-1.elb.amazonaws.com";
export const ACCOUNT = "123456789012";
/** A real (test-only) CA certificate: what an external Redis with a private CA gives `redis.tlsCa`. */
export const REDIS_CA_PEM = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBpTCCAUugAwIBAgIUMHda3rpH1araGypP+hMX/oPMXEAwCgYIKoZIzj0EAwIw",
  "JzElMCMGA1UEAwwcc29ja2V0aW8tZmxlZXQgdGVzdCBSZWRpcyBDQTAgFw0yNjEy",
  "MDIwMDQ1NTJaGA8yMTI2MTEwODAwNDU1MlowJzElMCMGA1UEAwwcc29ja2V0aW8t",
  "ZmxlZXQgdGVzdCBSZWRpcyBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPiq",
  "MY3iJmTI+oxBb2VSZrYt/tz4KkBaa8kz3ZbFezMX+PFwYqv3Axqbg11XkdVr1WHk",
  "kUh8CW1jcYCECOw5bN+jUzBRMB0GA1UdDgQWBBTThtOLDLMlUxMwbKRwgJhSmdL9",
  "RjAfBgNVHSMEGDAWgBTThtOLDLMlUxMwbKRwgJhSmdL9RjAPBgNVHRMBAf8EBTAD",
  "AQH/MAoGCCqGSM49BAMCA0gAMEUCIFkxydtlSe7jUghA9gCZAJiJbWCrSa4sdBW+",
  "I5v1g0BSAiEAq8OMaj3nYZ7NpDZocyz55XLwr/MTefAhdanHQD7Tu0w=",
  "-----END CERTIFICATE-----",
].join("\n");

/** Invokes the component makes; anything else throws. */
export const AWS_CALLS: NonNullable<MockOptions["calls"]> = {
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
    arn: `arn:aws:iam::${ACCOUNT}:user/test`,
    id: ACCOUNT,
    userId: "AIDTEST",
  }),
};

/** Computed outputs of the resources, as the engine would return them after `up`. */
export const AWS_OUTPUTS: NonNullable<MockOptions["outputs"]> = {
  [T.vpc]: () => ({
    vpcId: "vpc-123",
    publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
    privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  }),
  [T.password]: () => ({ result: AUTH_TOKEN }),
  [T.replicationGroup]: () => ({ primaryEndpointAddress: REDIS_HOST }),
  [T.lb]: () => ({ dnsName: ALB_DNS }),
  [T.service]: ({ name }) => ({ name }),
  [T.cluster]: ({ name }) => ({ name }),
  [T.role]: ({ name }) => ({ name }),
  [T.logGroup]: ({ name }) => ({ name: `/ecs/${name}` }),
  [T.subnetGroup]: ({ name }) => ({ name }),
  // Secrets Manager gives every new secret value a new version id.
  [T.secretVersion]: ({ inputs }) => ({ versionId: secretVersionId(String(inputs.secretString)) }),
};

/** The mock version id of a secret value (a stand-in for the id AWS assigns). */
export function secretVersionId(secretString: string): string {
  return `v-${createHash("sha256").update(secretString).digest("hex").slice(0, 12)}`;
}

export async function awsMocks(options: MockOptions = {}): Promise<MockRecorder> {
  const recorder = await setupMocks({
    ...options,
    calls: { ...AWS_CALLS, ...options.calls },
    outputs: { ...AWS_OUTPUTS, ...options.outputs },
  });
  return recorder;
}

export function baseArgs(extra: Partial<AwsSocketIoFleetArgs> = {}): AwsSocketIoFleetArgs {
  return { image: "ghcr.io/acme/chat:1.2.3", ...extra };
}

/** A security-group rule as a comparable line: `group direction proto from-to peer`. */
export function ruleLine(r: RecordedResource): string {
  const groupName = (id: string) => id.replace(/-id$/, "");
  const i = r.inputs;
  const peer =
    i.cidrIpv4 ??
    i.cidrIpv6 ??
    (i.referencedSecurityGroupId ? groupName(i.referencedSecurityGroupId) : "?");
  const dir = r.type === T.ingress ? "in" : "out";
  return `${groupName(i.securityGroupId)} ${dir} ${i.ipProtocol} ${i.fromPort}-${i.toPort} ${peer}`;
}

/** Every security-group rule, sorted. */
export function allRules(mocks: MockRecorder): string[] {
  return [...mocks.ofType(T.ingress), ...mocks.ofType(T.egress)].map(ruleLine).sort();
}

/** The container definitions of the one task definition, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function containers(mocks: MockRecorder): any[] {
  return JSON.parse(mocks.one(T.taskDef).inputs.containerDefinitions as string);
}

/** Constructs `make()` and waits for every registration to reach the mock engine. */
export async function build<R extends pulumi.Resource>(
  mocks: MockRecorder,
  make: () => R,
): Promise<R> {
  const r = make();
  await mocks.settled();
  return r;
}
