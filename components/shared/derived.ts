import type { ResolvedFleetSpec } from "./args";

/** Longest silence on a healthy connection (ping interval + ping timeout), in seconds. */
export function heartbeatSeconds(spec: Pick<ResolvedFleetSpec, "heartbeat">): number {
  return (spec.heartbeat.pingIntervalMs + spec.heartbeat.pingTimeoutMs) / 1000;
}

/** Long-polling sends several requests per session, so it needs sticky sessions. */
export function needsStickiness(spec: Pick<ResolvedFleetSpec, "transports">): boolean {
  return spec.transports.includes("polling");
}

/** Whether pages on other origins connect (they need CORS, and credentials for the cookie). */
export function servesCrossOrigin(spec: Pick<ResolvedFleetSpec, "cors">): boolean {
  return spec.cors.origins.length > 0;
}
