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
