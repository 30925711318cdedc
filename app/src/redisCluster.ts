/**
 * How the app reaches a Redis/Valkey cluster (`REDIS_MODE=cluster`): an ioredis `Cluster` seeded
 * with the one node `REDIS_URL` names (the configuration endpoint of ElastiCache, the discovery
 * endpoint of Memorystore for Valkey), and the liveness rules of `redisOptions.ts` on every
 * connection the `Cluster` opens: one per node, plus one sharded subscriber per master.
 *
 * Options, with their sources (ioredis 6.0.0, `built/cluster/*.js`):
 * - `dnsLookup: (address, cb) => cb(null, address)`: ioredis resolves only the startup node
 *   through `dnsLookup` (`resolveStartupNodeHostnames`); the default `dns.lookup` turns the
 *   endpoint's hostname into an IP, and TLS then fails with `ERR_TLS_CERT_ALTNAME_INVALID`
 *   (ioredis#754, README "Special Note: Aws Elasticache Clusters with TLS"). Nodes found later come
 *   from `CLUSTER SLOTS` as the server advertises them.
 * - `redisOptions`: reach every node connection (`ConnectionPool.createRedisFromOptions`) and
 *   every sharded subscriber (`ShardedSubscriber`, `ClusterSubscriberGroup.reset`): TLS (with
 *   `REDIS_TLS_CA`), username/password from the URL, TCP keep-alive, socket timeout, no `CLIENT`
 *   command. Their `retryStrategy` is ioredis's own for both (`null`: a lost node is found again
 *   through a slots refresh), which is why `redisOptions`' is left out here.
 * - `shardedSubscribers: true`: without it `SSUBSCRIBE` goes to the one classic subscriber
 *   connection, whose node owns none of the channels' slots, and messages are lost (ioredis#1759).
 *   `@socket.io/redis-adapter`'s `createShardedAdapter` does not check it (its PR #570, which
 *   would have, was closed).
 * - `slotsRefreshInterval`: off unless set (`DEFAULT_CLUSTER_OPTIONS` has none). Since ioredis
 *   6.0.0 the `SUNSUBSCRIBE` a server pushes when it migrates a slot away triggers a slot refresh
 *   and the channel is subscribed again on its new owner within ≈ 0.2 s (`test/e2e/cluster/
 *   reshard.test.ts`; 5.11.1 took it for the reply of a queued command and waited for the next
 *   periodic refresh, ≈ 1 s of loss per moving room). The interval stays as the backstop for any
 *   topology change no push announces.
 * - `slotsRefreshTimeout`: 1 s by default; a TLS handshake across zones can take longer.
 * - `clusterRetryStrategy`: reconnect the whole cluster at most 1 s apart, as `retryStrategy`
 *   does for one Redis.
 * The app never sends a bare `SUNSUBSCRIBE` (no channel), which fails with `shardedSubscribers`
 * (ioredis#2133): the sharded adapter unsubscribes channel by channel (`util.js` `SUNSUBSCRIBE`).
 */
import { Cluster, type ClusterOptions, type Redis, type RedisOptions } from "ioredis";
import { redisOptions } from "./redisOptions";

/** How often every `Cluster` re-reads the slot map (see the module comment). */
export const CLUSTER_SLOTS_REFRESH_INTERVAL_MS = 5_000;

/** How long a slot map read may take. */
export const CLUSTER_SLOTS_REFRESH_TIMEOUT_MS = 5_000;

/** The seed node and the `Cluster` options for a `REDIS_URL` (one node of the cluster). */
export interface ClusterConnection {
  startupNodes: { host: string; port: number }[];
  options: ClusterOptions;
}

/**
 * The `Cluster` options for `url` (`redis://` or `rediss://`, credentials in the URL).
 * `extra` is merged into the options of every node connection (the publisher's timeouts).
 */
export function clusterConnection(
  url: string,
  redisTlsCa: string | undefined,
  extra: Partial<RedisOptions> = {},
): ClusterConnection {
  const parsed = new URL(url);
  const tls = parsed.protocol === "rediss:";
  // Everything of `redisOptions` but its reconnection policy (see the module comment).
  const base: RedisOptions = { ...redisOptions(redisTlsCa), retryStrategy: undefined };
  delete base.retryStrategy;
  const nodeOptions: ClusterOptions["redisOptions"] = {
    ...base,
    ...extra,
    ...(parsed.username === "" ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === "" ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(tls ? { tls: base.tls ?? {} } : {}),
  };
  return {
    startupNodes: [{ host: hostOf(parsed), port: parsed.port === "" ? 6379 : Number(parsed.port) }],
    options: {
      dnsLookup: (address, callback) => callback(null, address),
      redisOptions: nodeOptions,
      shardedSubscribers: true,
      slotsRefreshInterval: CLUSTER_SLOTS_REFRESH_INTERVAL_MS,
      slotsRefreshTimeout: CLUSTER_SLOTS_REFRESH_TIMEOUT_MS,
      clusterRetryStrategy: (times) => Math.min(times * 50, 1000),
    },
  };
}

export function createCluster(
  url: string,
  redisTlsCa: string | undefined,
  extra: Partial<RedisOptions> = {},
): Cluster {
  const { startupNodes, options } = clusterConnection(url, redisTlsCa, extra);
  return new Cluster(startupNodes, options);
}

/** `[::1]` in a URL is `::1` for a socket. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** What ioredis keeps inside a `Cluster` with `shardedSubscribers` (5.11.1 and 6.0.0, not typed). */
interface ClusterInternals {
  shardedSubscribers?: {
    shardedSubscribers?: Map<string, { getInstance(): Redis | null }>;
  };
}

/**
 * Every connection `cluster` has open or may open now: one per known node (masters and
 * replicas), and the sharded subscriber of each master that holds channels.
 */
export function clusterConnections(cluster: Cluster): Redis[] {
  const subscribers = (cluster as unknown as ClusterInternals).shardedSubscribers
    ?.shardedSubscribers;
  const instances = [...(subscribers?.values() ?? [])]
    .map((s) => s.getInstance())
    .filter((r): r is Redis => r !== null);
  return [...cluster.nodes("all"), ...instances];
}

/**
 * True while `cluster` is ready and so is every connection it uses: each node connection that
 * has been opened (a node connection is lazy: one never used waits in `wait`) and each sharded
 * subscriber that has been started.
 */
export function clusterReady(cluster: Cluster): boolean {
  if (cluster.status !== "ready") return false;
  return clusterConnections(cluster).every((c) => c.status === "ready" || c.status === "wait");
}
