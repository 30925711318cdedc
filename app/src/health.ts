/**
 * Health endpoints: `GET /healthz` answers 200 while the process runs (liveness), `GET /readyz`
 * 200 only when every adapter Redis connection is ready and the node is not draining (else 503,
 * so load balancers stop sending new clients), `GET /metrics` the Prometheus text.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";

export const HEALTH_PATHS = { live: "/healthz", ready: "/readyz", metrics: "/metrics" } as const;

export interface Readiness {
  ready: boolean;
  draining: boolean;
  /** ioredis status of each adapter connection (empty without Redis). */
  redis: string[];
}

/** Answers a health request and returns true, or returns false for any other path. */
export function handleHealth(
  req: IncomingMessage,
  res: ServerResponse,
  readiness: () => Readiness,
  registry: Registry,
): boolean {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (path === HEALTH_PATHS.live) {
    send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
    return true;
  }
  if (path === HEALTH_PATHS.ready) {
    const state = readiness();
    send(res, state.ready ? 200 : 503, "application/json", JSON.stringify(state));
    return true;
  }
  if (path === HEALTH_PATHS.metrics) {
    registry.metrics().then(
      (text) => send(res, 200, registry.contentType, text),
      (err: Error) => send(res, 500, "text/plain", err.message),
    );
    return true;
  }
  return false;
}

export function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(body);
}
