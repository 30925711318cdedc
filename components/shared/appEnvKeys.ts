/**
 * The keys, values and parsed shape of the app environment contract (`appEnv.ts` renders and
 * parses it). No Pulumi runtime import here: the app image loads it.
 */
import type { AdapterKind, RedisSubscriptionMode, StickinessMode, Transport } from "./args";

/** Every key of the contract. `REDIS_URL` is a secret: targets wire it from their secret store. */
export const APP_ENV = {
  port: "PORT",
  redisUrl: "REDIS_URL",
  adapter: "SOCKETIO_ADAPTER",
  corsOrigins: "CORS_ORIGINS",
  corsCredentials: "CORS_CREDENTIALS",
  transports: "SOCKETIO_TRANSPORTS",
  pingIntervalMs: "PING_INTERVAL_MS",
  pingTimeoutMs: "PING_TIMEOUT_MS",
  stickyCookieName: "STICKY_COOKIE_NAME",
  nodeId: "NODE_ID",
  logLevel: "LOG_LEVEL",
  metricsPort: "METRICS_PORT",
  httpKeepAliveTimeoutMs: "HTTP_KEEPALIVE_TIMEOUT_MS",
  redisTlsCa: "REDIS_TLS_CA",
  stickinessMode: "STICKINESS_MODE",
  /** `redis-sharded` only: how channels map to SSUBSCRIBEs (`static` | `dynamic` | `dynamic-private`). */
  redisSubscriptionMode: "REDIS_SUBSCRIPTION_MODE",
  /** `standalone` (one primary) or `cluster` (`REDIS_URL` names one seed node; ioredis `Cluster`). */
  redisMode: "REDIS_MODE",
  /** The liveness path (`healthCheckPath` of the spec); readiness stays `/readyz`. */
  healthCheckPath: "HEALTH_CHECK_PATH",
  /**
   * Hard ceiling of connected clients on this node (`maxConnectionsPerNode` of the spec): above it
   * a new session's handshake gets 503, so the client retries and the balancer places it on
   * another node instead of this one running out of memory. Unset: no ceiling.
   */
  maxConnections: "MAX_CONNECTIONS",
} as const;

export const APP_ENV_KEYS: readonly string[] = Object.values(APP_ENV);

/**
 * The keys the fleet derives from the spec, which `env` may not override. `LOG_LEVEL` is an
 * operator's knob the spec does not own, so `env: { LOG_LEVEL: "debug" }` is fine.
 */
export const SPEC_OWNED_ENV_KEYS: readonly string[] = APP_ENV_KEYS.filter(
  (key) => key !== APP_ENV.logLevel,
);

/**
 * `memory` is the single-process in-memory adapter: only for one node (benchmarks, demos). A
 * fleet spec cannot select it.
 */
export type AppAdapterKind = AdapterKind | "memory";

export const APP_ADAPTER_KINDS: readonly AppAdapterKind[] = [
  "redis",
  "redis-streams",
  "redis-sharded",
  "memory",
];

/** How the app reaches Redis: one primary, or a Redis/Valkey cluster (cluster mode enabled). */
export type RedisMode = "standalone" | "cluster";
export const REDIS_MODES: readonly RedisMode[] = ["standalone", "cluster"];
export const DEFAULT_REDIS_MODE: RedisMode = "standalone";

export const REDIS_SUBSCRIPTION_MODES: readonly RedisSubscriptionMode[] = [
  "static",
  "dynamic",
  "dynamic-private",
];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * Port of the metrics listener (`/metrics` only), which no balancer routes. 9464 is the port
 * OpenTelemetry's Prometheus exporter uses, so scrape configs often expect it.
 */
export const DEFAULT_METRICS_PORT = 9464;

/**
 * The app's HTTP keep-alive when a target renders none. Node.js's own default is 5 s, shorter
 * than every load balancer's backend reuse window, which turns polls into intermittent 502s.
 * Targets render a value above their balancer's window (see `keepAlive` in each target); this
 * fallback is above ingress-nginx's 60 s and Traefik's 90 s for hand-run nodes.
 */
export const DEFAULT_HTTP_KEEPALIVE_TIMEOUT_MS = 95_000;

/**
 * `headersTimeout` stays this far above the keep-alive: a request arriving on a reused socket just
 * before the keep-alive expires must not hit the headers timer first (nodejs/node#27363).
 */
export const HEADERS_TIMEOUT_MARGIN_MS = 1_000;

/**
 * Largest `HTTP_KEEPALIVE_TIMEOUT_MS` the app takes: one day, above every balancer's reuse window
 * (an ALB's idle timeout goes up to 4000 s, and its keep-alive is that plus a margin).
 */
export const MAX_HTTP_KEEPALIVE_TIMEOUT_MS = 86_400_000;

/** What the app needs to run, parsed and checked from its environment. */
export interface AppConfig {
  port: number;
  /** Required unless `adapter` is `memory`. `rediss://` means TLS. */
  redisUrl?: string;
  adapter: AppAdapterKind;
  /**
   * `redis-sharded` only: `static` (one sharded channel per namespace), `dynamic` (one more per
   * public room: a room message reaches only the nodes that hold the room) or `dynamic-private`
   * (every room, private ones included). Default `dynamic`.
   */
  redisSubscriptionMode: RedisSubscriptionMode;
  /** `standalone` (default) or `cluster`: `redisUrl` names one seed node of the cluster. */
  redisMode: RedisMode;
  corsOrigins: string[];
  corsCredentials: boolean;
  transports: Transport[];
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Set when the load balancer uses app-cookie affinity: engine.io issues this cookie. */
  stickyCookieName?: string;
  nodeId: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Port of the metrics-only listener; 0 lets the OS pick one. */
  metricsPort: number;
  /**
   * HTTP keep-alive of the app's server (`server.keepAliveTimeout`): above the balancer's idle
   * backend-connection reuse window, so the node never closes a connection the balancer is
   * about to reuse. `headersTimeout` is derived from it (`httpHeadersTimeoutMs`).
   */
  httpKeepAliveTimeoutMs: number;
  /**
   * PEM certificate(s) of a private CA that signed the Redis server certificate (Memorystore).
   * When set, `rediss://` connections verify the server against this CA only.
   */
  redisTlsCa?: string;
  /**
   * How the balancer pins sessions (`stickiness.mode` of the spec). The app needs it only to tell
   * its own pages the client options the fleet needs (`clientOptionsFor`).
   */
  stickinessMode: StickinessMode;
  /** The liveness path: 200 while the process runs. Default `/healthz`. */
  healthCheckPath: string;
  /** Hard ceiling of connected clients; above it new handshakes get 503. Unset: none. */
  maxConnections?: number;
}

/** The largest `MAX_CONNECTIONS` (and `maxConnectionsPerNode`/`connectionsPerNode`) accepted. */
export const MAX_CONNECTIONS_LIMIT = 1_000_000;

/** `server.headersTimeout` for a keep-alive: strictly above it, so an idle socket times out first. */
export function httpHeadersTimeoutMs(config: Pick<AppConfig, "httpKeepAliveTimeoutMs">): number {
  return config.httpKeepAliveTimeoutMs + HEADERS_TIMEOUT_MARGIN_MS;
}
