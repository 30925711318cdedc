/** Rules on the adapter fields of the spec. */
import { type Add, checkEnum } from "./ruleKit";

export const REDIS_SUBSCRIPTION_MODE_VALUES = ["static", "dynamic", "dynamic-private"] as const;

/**
 * `redisSubscriptionMode` is a value of its enum. It is read only with the `redis-sharded`
 * adapter and ignored otherwise (a resolved spec always carries it, and must validate again).
 */
export function checkRedisSubscriptionMode(args: Record<string, unknown>, add: Add) {
  checkEnum(
    args.redisSubscriptionMode,
    "redisSubscriptionMode",
    REDIS_SUBSCRIPTION_MODE_VALUES,
    add,
  );
}

/**
 * Why `adapter` cannot run on a cluster-mode Redis/Valkey (with the fix), or undefined when it
 * can. One rule for the app's start-up check (`REDIS_MODE=cluster`) and every target's validator.
 */
export function clusterModeAdapterProblem(adapter: string): string | undefined {
  if (adapter === "redis") {
    return "the classic adapter's PUBLISH is forwarded to every shard over the cluster bus (adding shards adds no capacity) and ElastiCache Serverless rejects its PSUBSCRIBE (socket.io-redis-adapter#553); use the redis-sharded adapter";
  }
  if (adapter === "redis-streams") {
    return "its recovery sessions are written in one multi-key pipeline, which a cluster refuses across slots, and replayed from a single stream; use the redis-sharded adapter (no connection state recovery) or a standalone Redis";
  }
  return undefined;
}
