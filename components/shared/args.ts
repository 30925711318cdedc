import type * as pulumi from "@pulumi/pulumi";

/*
 * Args are written for every Pulumi language: Pulumi infers the package schema (and from it the
 * Python, Go, C#, Java and YAML SDKs) from these types. So enums are `as const` objects with a
 * type of the same name (string literals still type-check), nested types have unique names
 * without an `Args` suffix (Python and Go append their own), and defaults are written in the doc
 * text, which becomes the schema's documentation (the analyzer drops `@default` tags).
 */

/** A Socket.IO (engine.io) transport. */
export const Transport = {
  /** HTTP long-polling: works through any proxy; needs stickiness behind several nodes. */
  Polling: "polling",
  /** WebSocket: one long-lived connection. */
  Websocket: "websocket",
} as const;
export type Transport = (typeof Transport)[keyof typeof Transport];

/** How the load balancer pins every request of one Socket.IO session to the node that opened it. */
export const StickinessMode = {
  /**
   * A cookie set by the load balancer (or, with `cookieName`, by the app). Preferred: it survives
   * client IP changes and spreads clients behind one NAT.
   */
  Cookie: "cookie",
  /**
   * A hash of the client address. Works where cookies cannot (non-browser clients without a
   * cookie jar), but clients behind one NAT land on one node.
   */
  ClientIp: "client-ip",
  /** No stickiness: only valid with websocket-only transports (one connection, nothing to pin). */
  None: "none",
} as const;
export type StickinessMode = (typeof StickinessMode)[keyof typeof StickinessMode];

/** The Socket.IO adapter that carries broadcasts between nodes. */
export const AdapterKind = {
  /** Redis pub/sub, the adapter Socket.IO recommends. */
  Redis: "redis",
  /**
   * Redis streams: adds connection state recovery (missed messages replayed after a short
   * disconnect).
   */
  RedisStreams: "redis-streams",
  /**
   * Redis sharded pub/sub (SSUBSCRIBE/SPUBLISH, Redis/Valkey 7+): a room message reaches only the
   * nodes that hold the room, and channels spread over the shards of a cluster. The adapter for
   * fleets past a few nodes and for cluster-mode Redis/Valkey.
   */
  RedisSharded: "redis-sharded",
} as const;
export type AdapterKind = (typeof AdapterKind)[keyof typeof AdapterKind];

/** How the `redis-sharded` adapter maps rooms to sharded channels. */
export const RedisSubscriptionMode = {
  /** One channel per namespace: every node receives every message of the namespace. */
  Static: "static",
  /**
   * One channel per namespace plus one per public room (not the private room of each socket id):
   * a room message reaches only the nodes that hold the room.
   */
  Dynamic: "dynamic",
  /** One channel per room, private ones included: many more subscriptions. */
  DynamicPrivate: "dynamic-private",
} as const;
export type RedisSubscriptionMode =
  (typeof RedisSubscriptionMode)[keyof typeof RedisSubscriptionMode];

/** Sticky sessions: how the load balancer keeps a session on one node. */
export interface Stickiness {
  /**
   * How sessions are pinned. Default "cookie": long-polling needs every request of a session on
   * one node, and a cookie pins it without the NAT skew of client-IP hashing.
   */
  mode?: StickinessMode;
  /**
   * Name of the sticky cookie. Unset: the load balancer's own cookie (ALB `AWSALB`, GCP `GCLB`,
   * the proxy's default). Set: on AWS this switches to application-cookie stickiness and the app
   * issues the cookie itself (`STICKY_COOKIE_NAME`). Must be an RFC 6265 token.
   */
  cookieName?: string;
  /**
   * Lifetime of the sticky cookie in seconds. Default 86400: a day outlives any realistic
   * session and fits every platform's range (ALB 1–604800, GCP 0–86400).
   */
  ttlSeconds?: number;
}

/** Cross-origin access for browser pages served elsewhere. */
export interface Cors {
  /**
   * Browser origins allowed to connect, each exactly `scheme://host[:port]` (no path, no trailing
   * slash, no wildcard). Pages served by the fleet itself (same origin) are always allowed.
   * Default: none (only same-origin pages).
   */
  origins?: string[];
  /**
   * Whether browsers may send cookies (`withCredentials`). The sticky cookie only reaches the
   * load balancer from a cross-origin page with credentials, so cookie stickiness needs it.
   * Default true.
   */
  credentials?: boolean;
}

/** The Socket.IO heartbeat, which every load-balancer timeout must exceed. */
export interface Heartbeat {
  /** Milliseconds between server pings. Default 25000 (Socket.IO's own default). */
  pingIntervalMs?: number;
  /** Milliseconds the server waits for a pong. Default 20000 (Socket.IO's own default). */
  pingTimeoutMs?: number;
}

/** The TypeScript names before the package schema (same types). */
export type StickinessArgs = Stickiness;
export type CorsArgs = Cors;
export type HeartbeatArgs = Heartbeat;

/** The cloud-agnostic fleet spec every target takes. Each target adds its own args. */
export interface SocketIoFleetArgs {
  /** Container image that honours the app environment contract (see `renderAppEnv`). */
  image: pulumi.Input<string>;
  /**
   * Number of Socket.IO nodes (the initial count when autoscaling). Default 3: survives the loss
   * of one node with room to spare.
   */
  replicas?: number;
  /** The port the app listens on inside its container. Default 3000. */
  containerPort?: number;
  /**
   * Transports the server accepts. Default ["polling", "websocket"], Socket.IO's default: polling
   * first works through any proxy, then upgrades. Websocket-only needs no stickiness.
   */
  transports?: Transport[];
  /** Sticky sessions. Default { mode: "cookie", ttlSeconds: 86400 }. */
  stickiness?: Stickiness;
  /** Cross-origin browser access. Default { origins: [], credentials: true }. */
  cors?: Cors;
  /** The Socket.IO heartbeat. Default 25000 ms interval, 20000 ms timeout. */
  heartbeat?: Heartbeat;
  /**
   * Load-balancer idle timeout in seconds; it must exceed the heartbeat
   * (pingInterval + pingTimeout) or idle sockets are cut. On GCP this is the backend service
   * `timeoutSec`, which caps the *lifetime* of a websocket, not its idle time. Default 3600: an
   * hour, so idle cuts never happen, and on GCP clients reconnect hourly.
   */
  connectionTimeoutSeconds?: number;
  /**
   * Liveness path (200 while the process runs); the app serves it (`HEALTH_CHECK_PATH`).
   * Readiness is always `/readyz`. Default "/healthz".
   */
  healthCheckPath?: string;
  /**
   * The Socket.IO adapter. Default "redis": pub/sub, the adapter Socket.IO recommends.
   * `redis-streams` adds connection state recovery (missed messages replayed after a short
   * disconnect).
   */
  adapter?: AdapterKind;
  /**
   * How the `redis-sharded` adapter subscribes (only with that adapter). Default "dynamic": a
   * room message reaches only the nodes that hold the room, at one subscription per public room.
   */
  redisSubscriptionMode?: RedisSubscriptionMode;
  /**
   * A node's capacity in connections: the threshold of the "clients per node above capacity"
   * alert (and of connection-based autoscaling). Default: derived from the node's memory on each
   * target (`shared/capacity.ts`: ≈ 20 KiB per idle connection, half the memory above a 128 MiB
   * baseline kept as headroom; 512 MiB → 9,800, 1 GiB → 22,900).
   */
  connectionsPerNode?: number;
  /**
   * Hard ceiling of connected clients per node (`MAX_CONNECTIONS`): above it a new session's
   * handshake gets 503 and the client retries, landing on another node, instead of this node
   * running out of memory. Must be at least `connectionsPerNode`. Default: none on the spec; each
   * target may derive one from its node memory.
   */
  maxConnectionsPerNode?: number;
  /**
   * Extra environment for the app. May not override the app environment contract's keys.
   * Default none.
   */
  env?: Record<string, pulumi.Input<string>>;
}

/**
 * What every target's `monitoring` arg has in common; each target adds where the metrics go and
 * who is notified.
 */
export interface FleetMonitoring {
  /**
   * Collect the app's metrics, create the fleet's alerts (`shared/alerts.ts`) and a dashboard.
   * Default true.
   */
  enabled?: boolean;
}

/** The spec with every default applied. Plain values except `image` and `env` values. */
export interface ResolvedFleetSpec {
  image: pulumi.Input<string>;
  replicas: number;
  containerPort: number;
  transports: Transport[];
  stickiness: { mode: StickinessMode; cookieName?: string; ttlSeconds: number };
  cors: { origins: string[]; credentials: boolean };
  heartbeat: { pingIntervalMs: number; pingTimeoutMs: number };
  connectionTimeoutSeconds: number;
  healthCheckPath: string;
  adapter: AdapterKind;
  redisSubscriptionMode: RedisSubscriptionMode;
  /** As given; unset: each target derives it from its node memory (`resolveConnectionsPerNode`). */
  connectionsPerNode?: number;
  /** As given; unset: the target's default (if any). */
  maxConnectionsPerNode?: number;
  env: Record<string, pulumi.Input<string>>;
}
