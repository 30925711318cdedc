import type { ResolvedFleetSpec } from "../spec/args";
import {
  PROXY_HEALTH_PATH,
  UPSTREAM_NAME,
  checkAddresses,
  hostPort,
  httpTimeoutSeconds,
  proxyCookieName,
  wantsCrossSiteCookie,
} from "./common";
import type { ProxyRenderOptions } from "./types";

export interface HaproxyRenderOptions extends ProxyRenderOptions {
  /**
   * Unix socket for the runtime API (`show stat`), e.g. for waiting until every backend is UP.
   * @default none
   */
  statsSocket?: string;
  /**
   * How new sessions are spread in cookie/none mode (client-ip mode always hashes the source).
   * @default "roundrobin"
   */
  balance?: "roundrobin" | "leastconn";
  /**
   * Connection limit. Without it HAProxy derives one from the FD limit and may fail to start
   * with "Cannot raise FD limit".
   * @default 9000
   */
  maxconn?: number;
}

/**
 * HAProxy (2.2+) configuration text for the fleet: one frontend on `listen`, one backend with
 * every node.
 * - `cookie`: HAProxy inserts `<cookie> = <node name>` (`insert indirect nocache httponly`),
 *   `SameSite=None` + `Secure` for cross-site pages, `Max-Age` = `stickiness.ttlSeconds`.
 * - `client-ip`: `balance source` with `hash-type consistent` (a node's loss moves only its
 *   clients).
 * - `none`: plain round robin (websocket-only fleets).
 * Websockets: HTTP mode upgrades them natively; `timeout tunnel` = `connectionTimeoutSeconds`.
 */
export function renderHaproxyConfig(
  spec: ResolvedFleetSpec,
  options: HaproxyRenderOptions,
): string {
  checkAddresses(options);
  const mode = spec.stickiness.mode;
  const httpTimeout = httpTimeoutSeconds(spec);
  const global = [
    "global",
    `  maxconn ${options.maxconn ?? 9000}`,
    ...(options.statsSocket ? [`  stats socket ${options.statsSocket} mode 600 level admin`] : []),
  ];
  const defaults = [
    "defaults",
    "  mode http",
    "  option forwardfor",
    "  option redispatch",
    "  retries 3",
    "  timeout connect 5s",
    "  timeout http-request 10s",
    "  timeout queue 10s",
    // A long-poll is held up to pingInterval: client/server timeouts sit above the heartbeat.
    `  timeout client ${httpTimeout}s`,
    `  timeout server ${httpTimeout}s`,
    // After a websocket upgrade the connection is a tunnel: the idle timeout of the fleet.
    `  timeout tunnel ${spec.connectionTimeoutSeconds}s`,
  ];
  const frontend = [
    `frontend ${UPSTREAM_NAME}_front`,
    `  bind ${hostPort(options.listen)}`,
    `  default_backend ${UPSTREAM_NAME}`,
  ];
  const backend = [
    `backend ${UPSTREAM_NAME}`,
    ...(mode === "client-ip"
      ? ["  balance source", "  hash-type consistent"]
      : [`  balance ${options.balance ?? "roundrobin"}`]),
    ...(mode === "cookie" ? [cookieLine(spec, options)] : []),
    `  option httpchk GET ${PROXY_HEALTH_PATH}`,
    "  http-check expect status 200",
    ...options.nodes.map(
      (node) =>
        `  server ${node.name} ${hostPort(node)}` +
        (mode === "cookie" ? ` cookie ${node.name}` : "") +
        " check inter 1s fall 2 rise 2",
    ),
  ];
  return [global, defaults, frontend, backend].map((s) => s.join("\n")).join("\n\n") + "\n";
}

function cookieLine(spec: ResolvedFleetSpec, options: HaproxyRenderOptions): string {
  const parts = [
    `  cookie ${proxyCookieName(spec)} insert indirect nocache httponly`,
    `attr "Max-Age=${spec.stickiness.ttlSeconds}"`,
  ];
  if (wantsCrossSiteCookie(spec, options)) parts.push('attr "SameSite=None" secure');
  return parts.join(" ");
}
