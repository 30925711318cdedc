import type { ResolvedFleetSpec } from "../shared/args";
import { proxyServerMaxconn } from "../shared/capacity";
import {
  PROXY_HEALTH_PATH,
  PROXY_UPSTREAM_IDLE_SECONDS,
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
  /**
   * Connection limit per server (`server … maxconn`): above it requests queue (`timeout queue`)
   * and new sessions go to a server with room.
   * @default proxyServerMaxconn(spec.maxConnectionsPerNode): twice the node's hard ceiling; none without one
   */
  serverMaxconn?: number;
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
 * Keep-alive: `http-reuse safe` (HAProxy's default, written out) reuses idle server connections
 * for later requests, `timeout http-keep-alive` = `PROXY_UPSTREAM_IDLE_SECONDS`; idle server
 * connections also end with `timeout server`, and nodes keep theirs open longer than both
 * (`proxyNodeKeepAliveMs`).
 *
 * Failover (`/readyz` checked every second, down after 2 failures, `fastinter` 500 ms once a
 * check has failed, so a dead or draining node is out in about 1.5 s):
 * - `option redispatch 1` + `retries 3`: a request whose node refuses the connection is retried
 *   on another node at once (the default redispatches only on the last retry, after a 1 s pause
 *   per retry), so a client pinned to a dead node is re-routed on its next request, not 503'd;
 * - `retry-on conn-failure empty-response 503`: also retried elsewhere when the node closed the
 *   connection without answering (it died mid-request) or answered 503 (it is draining and
 *   refuses new sessions): clients never see a draining node's 503;
 * - `option persist`: a request whose cookie names a node that is up but not ready still goes to
 *   it. A draining node keeps serving its sessions until it closes them itself, in batches, and
 *   while Redis is down (every `/readyz` 503, every node "DOWN") existing sessions keep working
 *   instead of getting HAProxy's "no server available" 503. A node that is really gone refuses
 *   the connection, and the retry above redispatches.
 * Not used: `on-marked-down shutdown-sessions` (a Redis outage marks every node down: it would
 * cut every websocket, and a drain would lose its batching); `observe layer4/layer7` (the
 * retries already send each request elsewhere, and a draining node's 503s are expected).
 */
export function renderHaproxyConfig(
  spec: ResolvedFleetSpec,
  options: HaproxyRenderOptions,
): string {
  checkAddresses(options);
  const mode = spec.stickiness.mode;
  const httpTimeout = httpTimeoutSeconds(spec);
  const serverMaxconn = options.serverMaxconn ?? proxyServerMaxconn(spec.maxConnectionsPerNode);
  const global = [
    "global",
    `  maxconn ${options.maxconn ?? 9000}`,
    ...(options.statsSocket ? [`  stats socket ${options.statsSocket} mode 600 level admin`] : []),
  ];
  const defaults = [
    "defaults",
    "  mode http",
    "  option forwardfor",
    "  option redispatch 1",
    "  option persist",
    "  retries 3",
    "  retry-on conn-failure empty-response 503",
    "  timeout connect 5s",
    "  timeout http-request 10s",
    "  timeout queue 10s",
    // A long-poll is held up to pingInterval: client/server timeouts sit above the heartbeat.
    `  timeout client ${httpTimeout}s`,
    `  timeout server ${httpTimeout}s`,
    // After a websocket upgrade the connection is a tunnel: the idle timeout of the fleet.
    `  timeout tunnel ${spec.connectionTimeoutSeconds}s`,
    // Idle keep-alive connections, reused for later requests (nodes keep theirs open longer).
    `  timeout http-keep-alive ${PROXY_UPSTREAM_IDLE_SECONDS}s`,
    "  http-reuse safe",
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
        " check inter 1s fastinter 500ms fall 2 rise 2" +
        (serverMaxconn === undefined ? "" : ` maxconn ${serverMaxconn}`),
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
