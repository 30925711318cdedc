/**
 * The Socket.IO adapter chosen by `SOCKETIO_ADAPTER`, and the Redis connections behind it.
 *
 * - `redis`: `@socket.io/redis-adapter` (Redis pub/sub) over ioredis, with a subscriber
 *   connection of its own (a subscribed connection cannot publish).
 * - `redis-streams`: `@socket.io/redis-streams-adapter`, which also makes connection state
 *   recovery possible (enabled here, 2 minutes), since the stream keeps what a client missed.
 * - `memory`: Socket.IO's in-process adapter, for a single node.
 *
 * While Redis is unreachable the HTTP server keeps serving (not ready), ioredis reconnects at most
 * 1 s apart (`/readyz` is 200 again within about a second of Redis returning), and what the
 * publisher keeps in memory is bounded (`boundOfflineQueue`): for `redis-streams` up to
 * `STREAMS_OFFLINE_QUEUE_MAX` broadcasts are queued and published when Redis returns; for `redis`
 * (pub/sub) none are, remote nodes miss broadcasts sent while Redis is down.
 *
 * `rediss://` URLs use TLS: ioredis sets `tls: true` for them and Node's default trust store
 * includes `NODE_EXTRA_CA_CERTS`, so a private CA needs no code here. Connections start in the
 * background: the HTTP server listens (and reports not-ready) while Redis is down.
 */
import { Redis, type RedisOptions } from "ioredis";
import { createAdapter as createRedisAdapter } from "@socket.io/redis-adapter";
import { createAdapter as createStreamsAdapter } from "@socket.io/redis-streams-adapter";
import type { ServerOptions } from "socket.io";
import type { AppConfig } from "../../components/spec/appEnv";
import type { Logger } from "./logger";
import { boundOfflineQueue } from "./offlineQueue";
import { STREAM_NAME } from "./recoveryReplay";
import { SESSION_KEY_PREFIX } from "./recoverySessions";

/** What `io.adapter()` accepts. */
export type AdapterFactory = NonNullable<ServerOptions["adapter"]>;

export interface AdapterSetup {
  /** Undefined for the in-memory adapter (Socket.IO's default). */
  adapter?: AdapterFactory;
  /** Server options the adapter needs (connection state recovery for streams). */
  serverOptions: Partial<ServerOptions>;
  /** Every Redis connection the adapter uses, including ones it duplicates itself. */
  connections: Redis[];
  /** The connection the adapter publishes (and, for streams, stores sessions) with. */
  publisher?: Redis;
  /** True when every Redis connection is `ready` (always true without Redis). */
  isReady(): boolean;
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
  config: Pick<AppConfig, "adapter" | "redisUrl">,
  logger: Logger,
  onError: (err: Error) => void,
  /** Called for each command refused while Redis is unreachable (see `boundOfflineQueue`). */
  onDropped: () => void = () => undefined,
): AdapterSetup {
  const connections: Redis[] = [];
  let closing = false;
  const track = (client: Redis, role: string): Redis => {
    connections.push(client);
    client.on("error", (err: Error) => {
      onError(err);
      logger.warn({ err: err.message, role }, "redis connection error");
    });
    let wasReady = false;
    client.on("ready", () => {
      wasReady = true;
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
    // The streams adapter duplicates the client for its readers: track those too.
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (override?: Partial<RedisOptions>) =>
      track(duplicate(override), `${role}-duplicate`);
    return client;
  };
  const setup: AdapterSetup = {
    serverOptions: {},
    connections,
    isReady: () => connections.every((c) => c.status === "ready"),
    close: async (timeoutMs = 2000) => {
      closing = true;
      await Promise.all(connections.map((c) => quit(c, timeoutMs)));
    },
  };
  if (config.adapter === "memory") return setup;
  if (config.redisUrl === undefined) {
    throw new Error(`REDIS_URL is required with SOCKETIO_ADAPTER=${config.adapter}`);
  }

  const client = track(new Redis(config.redisUrl, REDIS_OPTIONS), "pub");
  setup.publisher = client;
  if (config.adapter === "redis") {
    const subscriber = client.duplicate(); // tracked by the `duplicate` wrapper
    boundOfflineQueue(client, 0, onDropped); // after duplicate(): the subscriber is not bounded
    setup.adapter = createRedisAdapter(client, subscriber);
  } else {
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
 * `maxRetriesPerRequest: null`: while Redis is down, commands wait for the reconnection instead
 * of failing after 20 retries. The adapters publish without handling rejections, and an
 * unhandled rejection would end the process. (The publisher's queue is bounded separately.)
 * `retryStrategy`: reconnect attempts 50 ms, 100 ms, … apart, at most 1 s (ioredis: 2 s), so
 * the node is ready again within about a second of Redis returning.
 */
const REDIS_OPTIONS: RedisOptions = {
  maxRetriesPerRequest: null,
  retryStrategy: (times) => Math.min(times * 50, 1000),
};

/**
 * QUIT when connected (pending replies arrive first; resolves on "end"), with a hard disconnect
 * after `timeoutMs`. A connection that is not up is just disconnected: its reconnection timer
 * stops, and there is no socket whose end to wait for.
 */
async function quit(client: Redis, timeoutMs: number): Promise<void> {
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
