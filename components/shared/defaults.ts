import type { ResolvedFleetSpec } from "./args";

/** Every default of the shared spec, in one place (the reasons are on `SocketIoFleetArgs`). */
export const FLEET_DEFAULTS = {
  replicas: 3,
  containerPort: 3000,
  transports: ["polling", "websocket"],
  stickiness: { mode: "cookie", ttlSeconds: 86400 },
  cors: { origins: [], credentials: true },
  heartbeat: { pingIntervalMs: 25000, pingTimeoutMs: 20000 },
  connectionTimeoutSeconds: 3600,
  healthCheckPath: "/healthz",
  adapter: "redis",
  redisSubscriptionMode: "dynamic",
} as const satisfies Omit<ResolvedFleetSpec, "image" | "env">;

/** Readiness path served by the app; not configurable, so every target probes the same one. */
export const READINESS_PATH = "/readyz";

/** Socket.IO's request path; the health paths may not shadow it. */
export const SOCKET_IO_PATH = "/socket.io/";

/** Cookie name the self-hosted proxies use when the spec names none. */
export const DEFAULT_PROXY_COOKIE_NAME = "SIO_NODE";

/**
 * How long the app takes at most to drain on SIGTERM (it exits by then). Targets give the
 * orchestrator's grace period some margin above it.
 */
export const APP_DRAIN_SECONDS = 25;

/**
 * How often the app polls its ECS task's status (`app/src/ecsDrain.ts`), so it starts draining at
 * most this long after ECS starts deregistering it from the load balancer. The AWS target sizes
 * the deregistration delay with it.
 */
export const ECS_STATUS_POLL_SECONDS = 3;
