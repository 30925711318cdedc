/**
 * ElastiCache Serverless for Valkey (`redis.mode: "serverless"`).
 *
 * Facts it relies on:
 * - Auth is RBAC only: "All serverless caches must use RBAC"; there is no AUTH token (AWS
 *   "Authenticating with the Valkey and Redis OSS AUTH command"). A user group must contain a
 *   user named `default` (CloudFormation `AWS::ElastiCache::UserGroup`), so the group holds a
 *   disabled `default` (`off -@all`: no one logs in as it) and the fleet's own password user.
 * - TLS is always on (AWS "In-transit encryption": every serverless cache has it) and the cache
 *   always runs cluster mode with every slot on one virtual node ("Valkey and Redis OSS
 *   configuration and limits"), so the app connects as a cluster client (`REDIS_MODE=cluster`).
 * - PSUBSCRIBE is refused (socketio/socket.io-redis-adapter#553), so the classic `redis`
 *   adapter cannot run on it: the validator asks for `redis-sharded`.
 * - Port 6379 reads and writes; 6380 (replica reads) is not used, so not opened.
 *
 * Ids: `userId` and `userGroupId` are unique per account and region and are not auto-named, so
 * they carry a random suffix of their own (a `random.RandomString`, created once and kept).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AWS_DEFAULTS,
  type AwsFleetTransforms,
  type AwsServerlessRedisArgs,
  REDIS_PORT,
} from "./args";
import { AUTH_TOKEN_ARGS } from "./redis";

/** ElastiCache Serverless majors: 7 and 8 for Valkey (AWS "Engine specific parameters": 8.x). */
export const SERVERLESS_VALKEY_MAJOR = "8";
/** The ACL user the app logs in as. */
export const SERVERLESS_APP_USER = "socketio";
/**
 * Every key, every channel (`&*`: `acl-pubsub-default` is `resetchannels` on Valkey), every
 * command: the adapters use pub/sub, streams, keys for recovery sessions, INFO and CLUSTER.
 */
export const SERVERLESS_APP_ACCESS = "on ~* &* +@all";

export interface ServerlessRedisOptions {
  redis: AwsServerlessRedisArgs;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId?: pulumi.Input<string>;
  transform: AwsFleetTransforms;
}

export function createServerlessRedis(
  name: string,
  o: ServerlessRedisOptions,
  parent: pulumi.Resource,
) {
  const limits = serverlessLimits(o.redis);
  const suffix = new random.RandomString(
    `${name}-redis-ids`,
    { length: 8, special: false, upper: false },
    { parent },
  );
  const password = new random.RandomPassword(`${name}-redis-auth`, AUTH_TOKEN_ARGS, { parent });
  const secretPassword = pulumi.secret(password.result);
  const defaultUser = new aws.elasticache.User(
    `${name}-redis-default`,
    {
      userId: pulumi.interpolate`${name}-default-${suffix.result}`,
      userName: "default",
      engine: "valkey",
      accessString: "off -@all",
      authenticationMode: { type: "no-password-required" },
    },
    { parent },
  );
  const appUser = new aws.elasticache.User(
    `${name}-redis-user`,
    {
      userId: pulumi.interpolate`${name}-app-${suffix.result}`,
      userName: SERVERLESS_APP_USER,
      engine: "valkey",
      accessString: SERVERLESS_APP_ACCESS,
      authenticationMode: { type: "password", passwords: [secretPassword] },
    },
    { parent },
  );
  const userGroup = new aws.elasticache.UserGroup(
    `${name}-redis-users`,
    {
      userGroupId: pulumi.interpolate`${name}-${suffix.result}`,
      engine: "valkey",
      userIds: [defaultUser.userId, appUser.userId],
    },
    { parent },
  );
  const args: aws.elasticache.ServerlessCacheArgs = {
    engine: "valkey",
    majorEngineVersion: SERVERLESS_VALKEY_MAJOR,
    description: "Socket.IO fleet adapter (sharded pub/sub)",
    cacheUsageLimits: {
      dataStorage: { maximum: limits.maxDataStorageGb, unit: "GB" },
      ecpuPerSeconds: [{ maximum: limits.maxEcpuPerSecond }],
    },
    subnetIds: o.privateSubnetIds,
    securityGroupIds: o.securityGroupId === undefined ? [] : [o.securityGroupId],
    userGroupId: userGroup.userGroupId,
  };
  o.transform.serverlessCache?.(args);
  const serverlessCache = new aws.elasticache.ServerlessCache(`${name}-redis`, args, { parent });
  const host = serverlessCache.endpoints.apply((e) => e[0]?.address ?? "");
  const url = pulumi.secret(
    pulumi
      .all([secretPassword, host])
      .apply(
        ([p, h]) => `rediss://${SERVERLESS_APP_USER}:${encodeURIComponent(p)}@${h}:${REDIS_PORT}`,
      ),
  );
  const endpoint = host.apply((h) => `${h}:${REDIS_PORT}`);
  return { url, endpoint, resources: { serverlessCache, userGroup, authToken: password } };
}

/** The cache's usage limits: the args over the defaults (what the cache and its alarms use). */
export function serverlessLimits(redis: AwsServerlessRedisArgs): {
  maxDataStorageGb: number;
  maxEcpuPerSecond: number;
} {
  return {
    ...AWS_DEFAULTS.serverlessRedis,
    ...defined({
      maxDataStorageGb: redis.maxDataStorageGb,
      maxEcpuPerSecond: redis.maxEcpuPerSecond,
    }),
  };
}

function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
