/**
 * Health endpoints on the app's port:
 * - `GET <HEALTH_CHECK_PATH>` (liveness, default `/healthz`): 200 while the process runs. The path
 *   is the spec's `healthCheckPath`, so the ECS, GCP and Kubernetes liveness checks that use it
 *   find it.
 * - `GET /readyz` (readiness, what every balancer and proxy probes): 200 when the node listens,
 *   is not draining, and its adapter has been connected to Redis at least once since start, so a
 *   new node takes no clients before it can deliver cross-node, and a deploy that cannot reach
 *   Redis never becomes ready. A later Redis outage does not turn it 503: that would take every
 *   node out of every balancer at once while each can still serve its own clients. Redis health
 *   after start is the `socketio_redis_connected{role}` gauge and the logs.
 * `/metrics` is not served here (404): it has a port of its own (`metricsServer.ts`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The default paths; the liveness path is configurable (`AppConfig.healthCheckPath`). */
export const HEALTH_PATHS = { live: "/healthz", ready: "/readyz", metrics: "/metrics" } as const;

export interface Readiness {
  ready: boolean;
  draining: boolean;
  /** Every adapter Redis connection has been ready at least once since start. */
  redisConnectedOnce: boolean;
  /** ioredis status of each adapter connection now (empty without Redis). */
  redis: string[];
}

/** Answers a health request and returns true, or returns false for any other path. */
export function handleHealth(
  req: IncomingMessage,
  res: ServerResponse,
  readiness: () => Readiness,
  livePath: string = HEALTH_PATHS.live,
): boolean {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (path === livePath) {
    send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
    return true;
  }
  if (path === HEALTH_PATHS.ready) {
    const state = readiness();
    send(res, state.ready ? 200 : 503, "application/json", JSON.stringify(state));
    return true;
  }
  return false;
}

export function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}
