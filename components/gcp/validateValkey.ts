/**
 * The GCP rules for Memorystore for Valkey (`redis.mode: "valkey"`): its fields, the `project`
 * its PSC endpoint names, and the adapters a Valkey cluster can carry. `validateGcpFleet` merges
 * them with every other problem.
 */
import { isRecord, show } from "../shared/checks";
import { type Add, checkEnum, checkInteger, checkKnownKeys } from "../shared/ruleKit";
import { GCP_DEFAULTS, GcpValkeyClusterMode } from "./args";
import { clusterModeAdapterProblem } from "../shared/adapterRules";

/** The fields of `redis` with `mode: "valkey"`. */
export const VALKEY_REDIS_KEYS = [
  "mode",
  "clusterMode",
  "shardCount",
  "replicaCount",
  "nodeType",
  "serviceConnectionPolicy",
] as const;

/** Node types Memorystore for Valkey documents (magic-modules `Instance.yaml` `nodeType`). */
export const VALKEY_NODE_TYPES = [
  "SHARED_CORE_NANO",
  "CUSTOM_PICO",
  "CUSTOM_MICRO",
  "CUSTOM_MINI",
  "HIGHMEM_MEDIUM",
  "HIGHCPU_MEDIUM",
  "HIGHMEM_XLARGE",
  "STANDARD_SMALL",
  "STANDARD_LARGE",
  "HIGHMEM_2XLARGE",
] as const;

/** `redis` fields in Valkey mode: only its own keys, each within what Memorystore accepts. */
export function checkValkeyRedis(value: Record<string, unknown>, add: Add) {
  checkKnownKeys(value, "redis.", [...VALKEY_REDIS_KEYS], add);
  checkEnum(value.clusterMode, "redis.clusterMode", Object.values(GcpValkeyClusterMode), add);
  const cluster = (value.clusterMode ?? GCP_DEFAULTS.valkey.clusterMode) === "enabled";
  // GCP "Enable and disable cluster mode": 1–250 shards with cluster mode, exactly 1 without.
  if (cluster) {
    checkInteger(value, "shardCount", 1, 250, "redis.", add, " (Memorystore for Valkey)");
  } else if (value.shardCount !== undefined && value.shardCount !== 1) {
    add(
      "redis.shardCount",
      `\`redis.shardCount\` (${show(value.shardCount)}) must be 1 with \`redis.clusterMode: "disabled"\` (one shard); ` +
        'use `redis.clusterMode: "enabled"` for more shards',
    );
  }
  checkInteger(value, "replicaCount", 0, 5, "redis.", add, " (replicas per shard)");
  checkEnum(value.nodeType, "redis.nodeType", VALKEY_NODE_TYPES, add);
  const policy = value.serviceConnectionPolicy;
  if (policy !== undefined && typeof policy !== "boolean") {
    add(
      "redis.serviceConnectionPolicy",
      `\`redis.serviceConnectionPolicy\` (${show(policy)}) must be true or false`,
    );
  }
}

/**
 * With Valkey: `project` is given (the PSC endpoint's `projectId` is immutable, so it must not
 * come from the provider's configuration at deploy time), and a cluster carries only the
 * `redis-sharded` adapter: classic PUBLISH is copied to every shard over the cluster bus, and
 * the app's `redis-streams` support on a cluster is not confirmed.
 */
export function checkValkeyFleet(args: Record<string, unknown>, add: Add) {
  const redis = args.redis;
  if (!isRecord(redis) || redis.mode !== "valkey") return;
  if (args.project === undefined) {
    add(
      "project",
      '`project` is required with `redis.mode: "valkey"`: the Valkey PSC endpoint names its project and cannot change ' +
        'after creation, so it is not read from the provider\'s configuration; give the project id, e.g. "acme-prod"',
    );
  }
  const cluster = (redis.clusterMode ?? GCP_DEFAULTS.valkey.clusterMode) === "enabled";
  const adapter = args.adapter ?? "redis";
  // Which adapters a cluster carries is the shared rule (the app applies it at start too); the
  // words below add this target's reason.
  if (!cluster || typeof adapter !== "string" || clusterModeAdapterProblem(adapter) === undefined)
    return;
  const why =
    adapter === "redis"
      ? "every PUBLISH is copied to every shard, so each shard carries every message"
      : "the app does not run the streams adapter on a Redis cluster";
  add(
    "adapter",
    `\`adapter\` (${show(adapter)}${args.adapter === undefined ? ", the default" : ""}) cannot run on Memorystore for Valkey in cluster mode: ${why}; ` +
      'set `adapter: "redis-sharded"` (sharded pub/sub), or `redis.clusterMode: "disabled"`',
  );
}
