/**
 * The AWS rules for cluster-mode Redis: a cluster-mode replication group
 * (`redis.clusterMode: "enabled"`) and ElastiCache Serverless (`redis.mode: "serverless"`), and
 * the adapters they can carry. `validateAwsFleet` merges them with every other problem.
 */
import { isRecord, show } from "../shared/checks";
import { type Add, checkEnum, checkInteger, checkKnownKeys } from "../shared/ruleKit";
import { AWS_DEFAULTS } from "./args";
import { clusterModeAdapterProblem } from "../shared/adapterRules";

/** The fields of `redis` with `mode: "serverless"`. */
export const SERVERLESS_REDIS_KEYS = ["mode", "maxDataStorageGb", "maxEcpuPerSecond"] as const;
/** The fields `redis.mode: "managed"` takes on top of the original ones. */
export const CLUSTER_REDIS_KEYS = ["clusterMode", "shards"] as const;

/** Serverless fields: only its own keys, the usage limits within ElastiCache's ranges. */
export function checkServerlessRedis(value: Record<string, unknown>, add: Add) {
  checkKnownKeys(value, "redis.", [...SERVERLESS_REDIS_KEYS], add);
  // ElastiCache Serverless: data storage 1–5000 GB, 1000–15000000 ECPU/s (CreateServerlessCache).
  checkInteger(value, "maxDataStorageGb", 1, 5000, "redis.", add, " (ElastiCache Serverless)");
  checkInteger(
    value,
    "maxEcpuPerSecond",
    1000,
    15_000_000,
    "redis.",
    add,
    " (ElastiCache Serverless)",
  );
}

/** Cluster-mode fields of a managed group: the mode, the shard count, a replica per shard. */
export function checkClusterModeRedis(value: Record<string, unknown>, add: Add) {
  checkEnum(value.clusterMode, "redis.clusterMode", ["disabled", "enabled"], add);
  const enabled = value.clusterMode === "enabled";
  if (!enabled) {
    if (value.shards !== undefined) {
      add(
        "redis.shards",
        `\`redis.shards\` (${show(value.shards)}) applies only with \`redis.clusterMode: "enabled"\`: set that or remove \`redis.shards\``,
      );
    }
    return;
  }
  // CreateReplicationGroup: at most 500 nodes (shards x (1 + replicas)) per cluster-mode group.
  const shards = checkInteger(
    value,
    "shards",
    1,
    500,
    "redis.",
    add,
    " (ElastiCache allows 500 shards)",
  );
  const replicas = value.replicas ?? AWS_DEFAULTS.redis.replicas;
  const nodes = (shards ?? AWS_DEFAULTS.clusterRedis.shards) * (1 + Number(replicas));
  if (Number.isInteger(replicas) && nodes > 500) {
    add(
      "redis.shards",
      `\`redis.shards\` (${show(shards)}) × (1 + \`redis.replicas\` ${show(replicas)}) makes ${nodes} nodes; ` +
        "ElastiCache allows at most 500 in a cluster (and 90 before a quota increase): use fewer shards or replicas",
    );
  }
  if (replicas === 0) {
    add(
      "redis.replicas",
      '`redis.replicas` (0) is not enough with `redis.clusterMode: "enabled"`: cluster mode requires automatic failover, ' +
        "which needs a replica in every shard; set `redis.replicas` to 1–5",
    );
  }
}

/**
 * The adapters a cluster can carry. A cluster (a cluster-mode group or Serverless) takes only
 * `redis-sharded`: Serverless refuses PSUBSCRIBE, which the classic `redis` adapter needs
 * (socket.io-redis-adapter#553); on a cluster-mode group every PUBLISH is copied to every shard
 * over the cluster bus, so the classic adapter loads every shard with every message (AWS "Best
 * practices: Pub/Sub", sharded pub/sub recommended); the `redis-streams` adapter's cluster
 * support in the app (REDIS_MODE=cluster) is not confirmed, so it is refused until it is.
 */
export function checkClusterAdapter(args: Record<string, unknown>, add: Add) {
  const redis = args.redis;
  if (!isRecord(redis)) return;
  const serverless = redis.mode === "serverless";
  const clusterMode = redis.mode === "managed" && redis.clusterMode === "enabled";
  if (!serverless && !clusterMode) return;
  const adapter = args.adapter ?? "redis";
  // Which adapters a cluster carries is the shared rule (the app applies it at start too); the
  // words below add this target's reason.
  if (typeof adapter !== "string" || clusterModeAdapterProblem(adapter) === undefined) return;
  const where = serverless
    ? '`redis.mode: "serverless"` (ElastiCache Serverless'
    : '`redis.clusterMode: "enabled"` (a cluster-mode replication group';
  const why =
    adapter === "redis"
      ? serverless
        ? "it refuses PSUBSCRIBE, which the `redis` adapter subscribes with"
        : "every PUBLISH is copied to every shard, so each shard carries every message"
      : "the app does not run the streams adapter on a Redis cluster";
  add(
    "adapter",
    `\`adapter\` (${show(adapter)}${args.adapter === undefined ? ", the default" : ""}) cannot run on ${where}: ${why}); ` +
      'set `adapter: "redis-sharded"` (sharded pub/sub), or use `redis.clusterMode: "disabled"`',
  );
}
