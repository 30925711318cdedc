import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AWS_DEFAULTS,
  type AwsExternalRedisArgs,
  type AwsFleetTransforms,
  type AwsManagedRedisArgs,
  type AwsServerlessRedisArgs,
  REDIS_ENGINES,
  REDIS_PORT,
} from "./args";
import { createServerlessRedis } from "./serverlessCache";
import { awsRedisMode, clusterGroupName, clusterModeArgs } from "./valkey";

/**
 * Specials in the AUTH token. ElastiCache allows only `!&#$^<>-`; of those only `-` needs no
 * escaping in a URL's userinfo, so the `rediss://` URL works in any client unchanged.
 */
export const AUTH_TOKEN_SPECIALS = "-";
/** Within ElastiCache's 16–128. */
export const AUTH_TOKEN_LENGTH = 64;

/** The generated Redis password, for every ElastiCache kind (AUTH token or RBAC user). */
export const AUTH_TOKEN_ARGS = {
  length: AUTH_TOKEN_LENGTH,
  special: true,
  overrideSpecial: AUTH_TOKEN_SPECIALS,
  minUpper: 1,
  minLower: 1,
  minNumeric: 1,
} as const;

/**
 * A replaced Redis URL version stays in Secrets Manager (`retainOnDelete`): the tasks of the
 * previous task definition revision pin its version id (`secretVersionRef`), and they still
 * start during the rollout (an old task replaced after a health-check failure or an AZ outage)
 * and after it (ECS's circuit breaker rolls back to that revision; a rollout the breaker stopped
 * fails `pulumi up`, and the next `up` would delete the old version while those tasks run).
 *
 * A new `secretString` replaces the SecretVersion (ForceNew in
 * hashicorp/terraform-provider-aws internal/service/secretsmanager/secret_version.go):
 * PutSecretValue moves AWSCURRENT to the new version and AWSPREVIOUS to the old one. Deleting the
 * old resource calls UpdateSecretVersionStage to remove every label its state lists but
 * AWSCURRENT (`resourceSecretVersionDelete`); after a refresh that is AWSPREVIOUS, and a version
 * with no label is "deprecated and can be deleted by Secrets Manager" (UpdateSecretVersionStage
 * API reference), which removes such versions once a secret has more than 100 and they are older
 * than 24 h (PutSecretValue API reference). Retained, the old version keeps AWSPREVIOUS until the
 * next rotation, and stays readable by id after that until Secrets Manager prunes it; `pulumi
 * destroy` still removes every version with the secret.
 */
export const SECRET_VERSION_RETAINED = true;

export interface FleetRedis {
  /** `host:port` of the primary (not a secret). */
  endpoint: pulumi.Output<string>;
  /** The full URL with credentials; a secret. */
  url: pulumi.Output<string>;
  /** Secrets Manager secret holding `url`; the tasks read it through the task definition. */
  secret: aws.secretsmanager.Secret;
  secretVersion: aws.secretsmanager.SecretVersion;
  replicationGroup?: aws.elasticache.ReplicationGroup;
  subnetGroup?: aws.elasticache.SubnetGroup;
  authToken?: random.RandomPassword;
  /** `cluster` for a cluster-mode group or ElastiCache Serverless (the app's `REDIS_MODE`). */
  redisMode: "standalone" | "cluster";
  serverlessCache?: aws.elasticache.ServerlessCache;
  userGroup?: aws.elasticache.UserGroup;
}

export interface RedisOptions {
  /** Validated: narrowed by `mode`. */
  redis: AwsManagedRedisArgs | AwsExternalRedisArgs | AwsServerlessRedisArgs;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The Redis security group (managed mode). */
  securityGroupId?: pulumi.Input<string>;
  transform: AwsFleetTransforms;
}

export function createRedis(name: string, o: RedisOptions, parent: pulumi.Resource): FleetRedis {
  const managed =
    o.redis.mode === "managed"
      ? createManagedRedis(name, o.redis, o, parent)
      : o.redis.mode === "serverless"
        ? createServerlessRedis(name, { ...o, redis: o.redis }, parent)
        : undefined;
  const { url, endpoint } = managed ?? externalRedis(o.redis as AwsExternalRedisArgs);

  const secret = new aws.secretsmanager.Secret(
    `${name}-redis-url`,
    { description: "Redis URL (with AUTH token) of the Socket.IO fleet" },
    { parent },
  );
  const secretVersion = new aws.secretsmanager.SecretVersion(
    `${name}-redis-url`,
    { secretId: secret.id, secretString: url },
    { parent, retainOnDelete: SECRET_VERSION_RETAINED },
  );
  return {
    endpoint,
    url,
    secret,
    secretVersion,
    redisMode: awsRedisMode(o.redis),
    ...managed?.resources,
  };
}

/** An external Redis: its URL as a secret; the endpoint (no credentials) is not one. */
function externalRedis(redis: AwsExternalRedisArgs) {
  const url = pulumi.secret(redis.url);
  return { url, endpoint: pulumi.unsecret(url.apply(hostAndPort)) };
}

function createManagedRedis(
  name: string,
  redis: AwsManagedRedisArgs,
  o: RedisOptions,
  parent: pulumi.Resource,
) {
  const r = { ...AWS_DEFAULTS.redis, ...defined(redis) };
  const engine = REDIS_ENGINES[r.engine];
  const subnetGroup = new aws.elasticache.SubnetGroup(
    `${name}-redis-subnets`,
    { subnetIds: o.privateSubnetIds, description: "Socket.IO fleet Redis (private subnets)" },
    { parent },
  );
  const authToken = new random.RandomPassword(`${name}-redis-auth`, AUTH_TOKEN_ARGS, { parent });
  // Mocks do not apply the provider's additionalSecretOutputs, and neither do older engines:
  // wrap explicitly so the token is a secret everywhere it flows.
  const token = pulumi.secret(authToken.result);
  const withReplicas = r.replicas > 0;
  const cluster = r.clusterMode === "enabled";
  const args: aws.elasticache.ReplicationGroupArgs = {
    description: "Socket.IO fleet adapter (pub/sub)",
    engine: r.engine,
    engineVersion: engine.engineVersion,
    // Cluster mode disabled: the pub/sub adapter needs one keyspace for PSUBSCRIBE.
    parameterGroupName: engine.parameterGroupName,
    clusterMode: "disabled",
    nodeType: r.nodeType,
    numCacheClusters: 1 + r.replicas,
    automaticFailoverEnabled: withReplicas,
    multiAzEnabled: withReplicas,
    port: REDIS_PORT,
    subnetGroupName: subnetGroup.name,
    securityGroupIds: o.securityGroupId === undefined ? [] : [o.securityGroupId],
    transitEncryptionEnabled: true,
    atRestEncryptionEnabled: true,
    authToken: token,
    autoMinorVersionUpgrade: true,
    // Without it ElastiCache defers a node type or engine version change to the next maintenance
    // window (ModifyReplicationGroup `ApplyImmediately` defaults to false), so `pulumi up`
    // reports success while nothing changed. Node type changes are online scaling (the group
    // keeps serving); what ElastiCache must replace, the provider replaces anyway.
    applyImmediately: true,
  };
  if (cluster) {
    // Cluster mode: shards of 1 + replicas nodes; `numCacheClusters` conflicts with them.
    delete args.numCacheClusters;
    Object.assign(
      args,
      clusterModeArgs({ engine: r.engine, replicas: r.replicas, shards: r.shards }),
    );
  }
  o.transform.replicationGroup?.(args);
  const replicationGroup = new aws.elasticache.ReplicationGroup(
    cluster ? clusterGroupName(name) : `${name}-redis`,
    args,
    { parent },
  );
  // The configuration endpoint is the cluster's seed node; the primary endpoint exists only
  // with cluster mode disabled (typings of `ReplicationGroup`).
  const host = cluster
    ? replicationGroup.configurationEndpointAddress
    : replicationGroup.primaryEndpointAddress;
  const url = pulumi.secret(
    pulumi
      .all([token, host])
      .apply(([t, h]) => `rediss://:${encodeURIComponent(t)}@${h}:${REDIS_PORT}`),
  );
  const endpoint = host.apply((h) => `${h}:${REDIS_PORT}`);
  return { url, endpoint, resources: { replicationGroup, subnetGroup, authToken } };
}

/** `host:port` of a Redis URL (the default port when it has none). */
export function hostAndPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port === "" ? REDIS_PORT : u.port}`;
  } catch {
    return "";
  }
}

/** `obj` without its `undefined` members, so spreading it over defaults keeps the defaults. */
function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
