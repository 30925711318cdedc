/**
 * The fake cloud a plan is rendered against. A plan is rendered as a preview, so the engine's
 * rule applies to every resource of any component: an output the program gave as an input reads
 * as that input, every other output is unknown until apply and shows as `[computed]`. On top of
 * that, the outputs below answer with the string `[computed]` where the cloud's value is a
 * string that programs pass on opaquely: a string built around one
 * (`arn:aws:ecs:<region>:[computed]:task/…`, a container definition, a cloud-init file) then keeps
 * its known parts instead of turning wholly unknown. A value programs parse stays unknown.
 * Nothing here is a plausible stand-in: no mock ids, ARNs, hosts, zones or names.
 *
 * Generated secrets (passwords, auth strings) are the one exception: they answer `MOCK_PASSWORD`,
 * a canary the secrets test asserts never reaches a plan. Invoke answers: `mockInvokes.ts`.
 */
import { isSecretInput } from "../../test/helpers/mocks";
import { COMPUTED } from "./types";

type State = Record<string, unknown>;

/** Stands in for generated passwords; a test asserts it never appears in a plan. */
export const MOCK_PASSWORD = "plan-mock-password-0123456789abcdef";

/**
 * Computed outputs the cloud returns as strings, by type token (beyond every resource's id, the
 * `arn` of every AWS resource, the `selfLink` of every GCP resource and a generated `name`).
 */
const STRING_OUTPUTS: Record<string, readonly string[]> = {
  // Not `awsx:ecr:Repository` `url` nor `awsx:ecr:Image` `imageUri`: programs parse image
  // references (registry, repository, digest), and a parse of "[computed]" would draw a wrong
  // conclusion (no ECR repository, so no pull grant). They stay unknown: what is built from them
  // is wholly `[computed]`.
  "awsx:ec2:Vpc": ["vpcId"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["versionId"],
  "aws:lb/loadBalancer:LoadBalancer": ["arnSuffix", "dnsName", "zoneId"],
  "aws:lb/targetGroup:TargetGroup": ["arnSuffix"],
  "aws:iam/role:Role": ["uniqueId"],
  "gcp:compute/globalAddress:GlobalAddress": ["address"],
  "gcp:compute/address:Address": ["address"],
  "gcp:compute/instanceTemplate:InstanceTemplate": ["selfLinkUnique"],
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": ["instanceGroup"],
  "gcp:compute/instanceGroupManager:InstanceGroupManager": ["instanceGroup"],
  "gcp:serviceaccount/account:Account": ["email", "member", "uniqueId"],
  "gcp:redis/instance:Instance": ["host"],
  "gcp:cloudrunv2/service:Service": ["uri"],
};

/** Computed outputs of other shapes whose form (not content) the cloud's API fixes. */
const SHAPED_OUTPUTS: Record<string, (inputs: State) => State> = {
  // Memorystore lists its server CA certificates (two during a rotation); one at creation.
  "gcp:redis/instance:Instance": () => ({
    authString: MOCK_PASSWORD,
    serverCaCerts: [{ cert: COMPUTED }],
  }),
  "random:index/randomPassword:RandomPassword": () => ({ result: MOCK_PASSWORD }),
  // ElastiCache fills the endpoint of its mode: the configuration endpoint with cluster mode
  // enabled, the primary and reader endpoints otherwise (the other ones stay empty).
  "aws:elasticache/replicationGroup:ReplicationGroup": (inputs) =>
    inputs.clusterMode === "enabled"
      ? { configurationEndpointAddress: COMPUTED }
      : { primaryEndpointAddress: COMPUTED, readerEndpointAddress: COMPUTED },
};

/**
 * One resource's id and state as the plan's cloud answers a preview. `inputs` has secrets
 * unwrapped (for decisions); `rawInputs`, as sent, is echoed so secrets stay secret.
 */
export function planCloud(
  type: string,
  resource: { name: string; inputs: State; rawInputs: State },
): { id: string; state: State } {
  const { inputs, rawInputs } = resource;
  const computed: State = {};
  const strings = [
    "name",
    ...(type.startsWith("aws:") ? ["arn"] : []),
    ...(type.startsWith("gcp:") ? ["selfLink"] : []),
    ...(STRING_OUTPUTS[type] ?? []),
  ];
  for (const key of strings) computed[key] = COMPUTED;
  Object.assign(computed, SHAPED_OUTPUTS[type]?.(inputs));
  // What the program gave is what the cloud will hold: inputs win over computed answers.
  const state: State = { ...computed, ...rawInputs };
  const metadata = rawInputs.metadata;
  const plain = isPlainObject(metadata) && !isSecretInput(metadata);
  if (type.startsWith("kubernetes:") && plain && metadata.name === undefined) {
    // The Kubernetes provider generates `metadata.name` when the program gives none.
    state.metadata = { ...metadata, name: COMPUTED };
  }
  return { id: COMPUTED, state };
}

function isPlainObject(value: unknown): value is State {
  return typeof value === "object" && value !== null && value.constructor === Object;
}
