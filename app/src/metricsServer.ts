/**
 * The metrics listener: `GET /metrics` (Prometheus text) on `METRICS_PORT` and nothing else. It
 * is a port of its own because every balancer forwards every path of the app's port: metrics
 * there (node names, client counts, Redis state, process figures) would be public. Targets route
 * no balancer to this port and open it only to the monitoring that scrapes it.
 */
import { createServer, type Server as HttpServer } from "node:http";
import type { Registry } from "prom-client";
import { HEALTH_PATHS, send } from "./health";

export function createMetricsServer(registry: Registry): HttpServer {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if ((req.method !== "GET" && req.method !== "HEAD") || path !== HEALTH_PATHS.metrics) {
      send(res, 404, "text/plain", "Not Found");
      return;
    }
    registry.metrics().then(
      (text) => send(res, 200, registry.contentType, text),
      (err: Error) => send(res, 500, "text/plain", err.message),
    );
  });
}
