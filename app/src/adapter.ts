/**
 * The Socket.IO adapter chosen by `SOCKETIO_ADAPTER`, and the Redis connections behind it.
 *
 * - `redis`: `@socket.io/redis-adapter` (Redis pub/sub) over ioredis, with a subscriber
 *   connection of its own (a subscribed connection cannot publish).
 * - `redis-streams`: `@socket.io/redis-streams-adapter`, which also makes connection state
 *   recovery possible (enabled here, 2 minutes), since the stream keeps what a client missed.
 * - `redis-sharded`: `@socket.io/redis-adapter`'s sharded adapter (SPUBLISH/SSUBSCRIBE, Redis ≥ 7)
 *   with `REDIS_SUBSCRIPTION_MODE`, and a smaller broadcast envelope (`shardedAdapter.ts`); on a
 *   standalone Redis or, with `REDIS_MODE=cluster`, over two ioredis `Cluster`s (publisher,
 *   subscriber; `redisCluster.ts`), whose every node connection and sharded subscriber gets the
 *   liveness rules below. The publisher queues nothing while Redis is down, as for `redis`.
 * - `memory`: Socket.IO's in-process adapter, for a single node.
 *
 * Connections start in the background: the HTTP server listens (and is not ready until every
 * connection has been ready once, `connectedOnce`). After that a Redis outage does not make the
 * node unready (every node would leave its balancer at once); it shows in the
 * `socketio_redis_connected{role}` gauge and the logs. ioredis reconnects at most 1 s apart, a
 * frozen or vanished Redis is detected within 15 s (`redisOptions.ts`), and what the publisher
 * keeps in memory is bounded (`boundOfflineQueue`): for `redis-streams` up to
 * `STREAMS_OFFLINE_QUEUE_MAX` broadcasts are queued and published when Redis returns; for `redis`
 * (pub/sub) none are, remote nodes miss broadcasts sent while Redis is down. Either way the
 * node's own clients get every broadcast.
 *
 * A publisher that finds its server demoted to a replica (a managed Redis's failover seen from an
 * open connection) reconnects within `REDIS_PING_INTERVAL_MS` (`watchPrimary`), as does any
 * connection whose write is refused with READONLY (`readOnlyReconnects`).
 *
 * `rediss://` URLs use TLS (ioredis sets `tls: true` for them); `REDIS_TLS_CA` replaces the
 * trust store for them (`redisOptions.ts`).
 */
import { type Cluster, Redis, type RedisOptions } from "ioredis";
import { createAdapter as createRedisAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import type { ServerOptions } from "socket.io";
import type { AppConfig } from "../../components/shared/appEnv";
import type { REDIS_ROLES } from "../../components/shared/metricNames";
import { type AdapterTraffic, countAdapterTraffic } from "./adapterTraffic";
import type { Logger } from "./logger";
import { boundClusterQueues, boundOfflineQueue } from "./offlineQueue";
import { clusterConnections, clusterReady, createCluster } from "./redisCluster";
import { pingAllEvery, pingEvery, watchPrimary } from "./redisHeartbeat";
import { createCompactShardedAdapter } from "./shardedAdapter";
import {
  DUPLICATE_OPTIONS,
  PUBLISHER_OPTIONS,
  REDIS_PING_INTERVAL_MS,
  redisOptions,
} from "./redisOptions";
import { STREAM_NAME } from "./recoveryReplay";
import { SESSION_KEY_PREFIX } from "./recoverySessions";

/** What `io.adapter()` accepts. */
export type AdapterFactory = NonNullable<ServerOptions["adapter"]>;

/**
 * What each adapter connection does (the `role` label of `socketio_redis_connected`).
 * `stream-reader`: the streams adapter's blocking `XREAD` loop.
 */
export type RedisRole = (typeof REDIS_ROLES)[number];

/** What the metrics observe on the adapter's Redis connections (all optional). */
export interface AdapterObservers {
  /** Adapter messages published and received (`adapterTraffic.ts`). */
  traffic?: AdapterTraffic;
  /** The round trip of each heartbeat PING (`redisHeartbeat.ts`), by the connection's role. */
  roundTrip?(role: RedisRole, seconds: number): void;
}

export interface RedisConnection {
  role: RedisRole;
  /** A `Cluster` with `REDIS_MODE=cluster`: it stands for all its node connections. */
  client: Redis | Cluster;
  /** True while the connection (for a `Cluster`: every connection it uses) is ready. */
  ready(): boolean;
}

export interface AdapterSetup {
  /** Undefined for the in-memory adapter (Socket.IO's default). */
  adapter?: AdapterFactory;
  /** Server options the adapter needs (connection state recovery for streams). */
  serverOptions: Partial<ServerOptions>;
  /** Every Redis connection the adapter uses, including ones it duplicates itself. */
  connections: (Redis | Cluster)[];
  /** The same connections with their roles. */
  roles: RedisConnection[];
  /** The connection the adapter publishes (and, for streams, stores sessions) with. */
  publisher?: Redis;
  /** True when every Redis connection is `ready` now (always true without Redis). */
  isReady(): boolean;
  /**
   * True once every Redis connection has been ready at least once since start, and from then on
   * (always true without Redis): the node can deliver cross-node.
   */
  connectedOnce(): boolean;
  /** Closes the Redis connections (QUIT, then a hard disconnect after `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
}

/** Connection state recovery window for `redis-streams`. */
export const MAX_DISCONNECTION_DURATION_MS = 2 * 60 * 1000;

/**
 * Entries the `redis-streams` adapter keeps in its stream (`XADD MAXLEN ~`, which trims whole
 * macro-nodes only, so at least this many are kept): how far back a reconnecting client can
 * recover. At r broadcasts per second fleet-wide that is 10000 / r seconds.
 */
export const STREAM_MAX_LEN = 10_000;

/**
 * Broadcasts (XADDs) the `redis-streams` publisher queues while Redis is unreachable; later ones
 * are delivered to the node's own clients only and counted as dropped. As many as the stream
 * keeps: queueing more could not be recovered from anyway.
 */
export const STREAMS_OFFLINE_QUEUE_MAX = STREAM_MAX_LEN;

export function createAdapterSetup(
  config: Pick<AppConfig, "adapter" | "redisUrl" | "redisTlsCa"> &
    Partial<Pick<AppConfig, "redisMode" | "redisSubscriptionMode">>,
  logger: Logger,
  onError: (err: Error) => void,
  /** Called for each command refused while Redis is unreachable (see `boundOfflineQueue`). */
  onDropped: () => void = () => undefined,
  observers: AdapterObservers = {},
): AdapterSetup {
  const roles: RedisConnection[] = [];
  const everReady = new Set<Redis | Cluster>();
  const stopPings: (() => void)[] = [];
  let connectedOnce = false;
  let closing = false;
  /** Roles of the connections duplicated from the publisher, in the order they are made. */
  const duplicateRoles: RedisRole[] = [];
  const track = <C extends Redis | Cluster>(client: C, role: RedisRole): C => {
    const cluster = client instanceof Redis ? undefined : (client as Cluster);
    roles.push({
      role,
      client,
      ready: cluster ? () => clusterReady(cluster) : () => client.status === "ready",
    });
    if (observers.traffic) countAdapterTraffic(client, role, observers.traffic);
    const roundTrip = observers.roundTrip;
    const onRoundTrip = roundTrip && ((seconds: number) => roundTrip(role, seconds));
    client.on("error", (err: Error) => {
      onError(err);
      logger.warn({ err: err.message, role }, "redis connection error");
    });
    let wasReady = false;
    client.on("ready", () => {
      wasReady = true;
      everReady.add(client);
      logger.info({ role }, "redis ready");
    });
    // Losing a ready connection is an adapter error even when no "error" event follows (a
    // clean server shutdown closes the socket without one).
    client.on("close", () => {
      if (!wasReady) return;
      wasReady = false;
      if (closing) return;
      onError(new Error("connection lost"));
      logger.warn({ role }, "redis connection lost");
    });
    if (cluster) {
      // A node or sharded subscriber that fails: the cluster refreshes its slots and replaces it.
      cluster.on("node error", (err: Error, node: string) => {
        onError(err);
        logger.warn({ err: err.message, role, node }, "redis cluster node error");
      });
      stopPings.push(
        pingAllEvery(() => clusterConnections(cluster), REDIS_PING_INTERVAL_MS, onRoundTrip),
      );
    } else {
      const redis = client as Redis;
      stopPings.push(pingEvery(redis, REDIS_PING_INTERVAL_MS, onRoundTrip));
      // What the publisher writes must reach the primary (subscribers on a demoted primary still
      // get what the new primary publishes, replicated to them).
      if (role === "publisher") {
        const onReplica = () => {
          onError(new Error("connected to a replica"));
          logger.warn({ role }, "redis server is a replica (demoted primary): reconnecting");
          redis.disconnect(true);
        };
        stopPings.push(watchPrimary(redis, REDIS_PING_INTERVAL_MS, onReplica));
      }
    }
    return client;
  };
  const setup: AdapterSetup = {
    serverOptions: {},
    get connections() {
      return roles.map((c) => c.client);
    },
    roles,
    isReady: () => roles.every((c) => c.ready()),
    connectedOnce: () => {
      if (!connectedOnce) connectedOnce = roles.every((c) => everReady.has(c.client));
      return connectedOnce;
    },
    close: async (timeoutMs = 2000) => {
      closing = true;
      for (const stop of stopPings) stop();
      await Promise.all(roles.map((c) => quit(c.client, timeoutMs)));
    },
  };
  if (config.adapter === "memory") return setup;
  if (config.redisUrl === undefined) {
    throw new Error(`REDIS_URL is required with SOCKETIO_ADAPTER=${config.adapter}`);
  }

  if (config.adapter === "redis-sharded" && config.redisMode === "cluster") {
    // Two clusters rather than `duplicate()`, which would share one `redisOptions` object.
    const publisher = track(
      createCluster(config.redisUrl, config.redisTlsCa, PUBLISHER_OPTIONS),
      "publisher",
    );
    const subscriber = track(createCluster(config.redisUrl, config.redisTlsCa), "subscriber");
    boundClusterQueues(publisher, 0, onDropped);
    setup.adapter = createCompactShardedAdapter(publisher, subscriber, {
      subscriptionMode: config.redisSubscriptionMode,
    });
    return setup;
  }
  if (config.redisMode === "cluster") {
    // parseAppEnv refuses this (appEnv.ts); a caller passing its own config gets the same answer.
    throw new Error(
      `REDIS_MODE=cluster needs SOCKETIO_ADAPTER=redis-sharded (got ${config.adapter})`,
    );
  }

  const options = redisOptions(config.redisTlsCa);
  const client = track(
    new Redis(config.redisUrl, { ...options, ...PUBLISHER_OPTIONS }),
    "publisher",
  );
  setup.publisher = client;
  // The streams adapter duplicates the publisher for its reader and its subscriber: track those
  // too, with the options of a non-publisher connection.
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override?: Partial<RedisOptions>) =>
    track(duplicate({ ...DUPLICATE_OPTIONS, ...override }), duplicateRoles.shift() ?? "subscriber");
  if (config.adapter === "redis") {
    duplicateRoles.push("subscriber");
    const subscriber = client.duplicate();
    boundOfflineQueue(client, 0, onDropped); // after duplicate(): the subscriber is not bounded
    setup.adapter = createRedisAdapter(client, subscriber);
  } else if (config.adapter === "redis-sharded") {
    duplicateRoles.push("subscriber");
    const subscriber = client.duplicate();
    boundOfflineQueue(client, 0, onDropped); // as for `redis`: pub/sub has no replay
    setup.adapter = createCompactShardedAdapter(client, subscriber, {
      subscriptionMode: config.redisSubscriptionMode,
    });
  } else {
    // `createAdapter` duplicates the reader first, then the subscriber (adapter.js 0.3.1:
    // `createReadOnlyClients`, then `duplicateClient` for `subClientPromise`).
    duplicateRoles.push("stream-reader", "subscriber");
    // The readers the adapter duplicates keep one blocking XREAD each: only the publisher grows.
    boundOfflineQueue(client, STREAMS_OFFLINE_QUEUE_MAX, onDropped);
    setup.adapter = createStreamsAdapter(client, {
      streamName: STREAM_NAME,
      maxLen: STREAM_MAX_LEN,
      sessionKeyPrefix: SESSION_KEY_PREFIX,
    });
    setup.serverOptions = {
      connectionStateRecovery: { maxDisconnectionDuration: MAX_DISCONNECTION_DURATION_MS },
    };
  }
  return setup;
}

/**
 * QUIT when connected (pending replies arrive first; resolves on "end"), with a hard disconnect
 * after `timeoutMs`. A connection that is not up is just disconnected: its reconnection timer
 * stops, and there is no socket whose end to wait for.
 */
async function quit(client: Redis | Cluster, timeoutMs: number): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
  client.quit().catch(() => client.disconnect());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      client.disconnect();
      resolve();
    }, timeoutMs);
  });
  await Promise.race([ended, timeout]);
  clearTimeout(timer);
}
