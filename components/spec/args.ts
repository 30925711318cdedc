import type * as pulumi from "@pulumi/pulumi";

/** A Socket.IO (engine.io) transport. */
export type Transport = "polling" | "websocket";

/**
 * How the load balancer pins every request of one Socket.IO session to the node that opened it.
 * - `cookie`: a cookie set by the load balancer (or, with `cookieName`, by the app). Preferred:
 *   it survives client IP changes and spreads clients behind one NAT.
 * - `client-ip`: a hash of the client address. Works where cookies cannot (non-browser clients
 *   without a cookie jar), but clients behind one NAT land on one node.
 * - `none`: only valid with websocket-only transports (one connection, nothing to pin).
 */
export type StickinessMode = "cookie" | "client-ip" | "none";

/** The Socket.IO adapter that carries broadcasts between nodes. */
export type AdapterKind = "redis" | "redis-streams";

export interface StickinessArgs {
  /**
   * @default "cookie" — long-polling needs every request of a session on one node, and a cookie
   * pins it without the NAT skew of client-IP hashing.
   */
  mode?: StickinessMode;
  /**
   * Name of the sticky cookie. Unset: the load balancer's own cookie (ALB `AWSALB`, GCP `GCLB`,
   * the proxy's default). Set: on AWS this switches to application-cookie stickiness and the app
   * issues the cookie itself (`STICKY_COOKIE_NAME`). Must be an RFC 6265 token.
   */
  cookieName?: string;
  /**
   * Lifetime of the sticky cookie in seconds.
   * @default 86400 — a day outlives any realistic session and fits every platform's range
   * (ALB 1–604800, GCP 0–86400).
   */
  ttlSeconds?: number;
}

export interface CorsArgs {
  /**
   * Browser origins allowed to connect, each exactly `scheme://host[:port]` (no path, no trailing
   * slash, no wildcard). Pages served by the fleet itself (same origin) are always allowed.
   * @default [] — only same-origin pages.
   */
  origins?: string[];
  /**
   * Whether browsers may send cookies (`withCredentials`). The sticky cookie only reaches the
   * load balancer from a cross-origin page with credentials, so cookie stickiness needs it.
   * @default true
   */
  credentials?: boolean;
}

export interface HeartbeatArgs {
  /** @default 25000 — Socket.IO's own default. */
  pingIntervalMs?: number;
  /** @default 20000 — Socket.IO's own default. */
  pingTimeoutMs?: number;
}

/** The cloud-agnostic fleet spec every target takes. Each target adds its own args. */
export interface SocketIoFleetArgs {
  /** Container image that honours the app environment contract (see `renderAppEnv`). */
  image: pulumi.Input<string>;
  /**
   * Number of Socket.IO nodes (the initial count when autoscaling).
   * @default 3 — survives the loss of one node with room to spare.
   */
  replicas?: number;
  /** @default 3000 */
  containerPort?: number;
  /**
   * Transports the server accepts.
   * @default ["polling", "websocket"] — Socket.IO's default: polling first works through any
   * proxy, then upgrades. Websocket-only needs no stickiness.
   */
  transports?: Transport[];
  stickiness?: StickinessArgs;
  cors?: CorsArgs;
  heartbeat?: HeartbeatArgs;
  /**
   * Load-balancer idle timeout in seconds; it must exceed the heartbeat
   * (pingInterval + pingTimeout) or idle sockets are cut. On GCP this is the backend service
   * `timeoutSec`, which caps the *lifetime* of a websocket, not its idle time.
   * @default 3600 — an hour: idle cuts never happen, and on GCP clients reconnect hourly.
   */
  connectionTimeoutSeconds?: number;
  /**
   * Liveness path (200 while the process runs). Readiness is always `/readyz`.
   * @default "/healthz"
   */
  healthCheckPath?: string;
  /**
   * @default "redis" — pub/sub, the adapter Socket.IO recommends. `redis-streams` adds
   * connection state recovery (missed messages replayed after a short disconnect).
   */
  adapter?: AdapterKind;
  /**
   * Extra environment for the app. May not override the app environment contract's keys.
   * @default {}
   */
  env?: Record<string, pulumi.Input<string>>;
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
  env: Record<string, pulumi.Input<string>>;
}
