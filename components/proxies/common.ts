import type { ResolvedFleetSpec } from "../shared/args";
import { DEFAULT_PROXY_COOKIE_NAME, READINESS_PATH } from "../shared/defaults";
import { heartbeatSeconds, servesCrossOrigin } from "../shared/derived";
import { keepAliveAboveMs } from "../shared/keepAlive";
import { type ProxyNode, ProxyConfigError, type ProxyRenderOptions } from "./types";

/**
 * The path every proxy probes: readiness, not `healthCheckPath` (liveness). `/readyz` turns 503
 * while a node drains after SIGTERM and while its Redis adapter is down, which is exactly when a
 * balancer must stop sending it new sessions; liveness stays 200 then and is for the supervisor
 * that restarts processes.
 */
export const PROXY_HEALTH_PATH = READINESS_PATH;

/** Upstream (backend) name used in every rendered config. */
export const UPSTREAM_NAME = "socketio_fleet";

/** The sticky cookie: the spec's name or the proxies' default. */
export function proxyCookieName(spec: Pick<ResolvedFleetSpec, "stickiness">): string {
  return spec.stickiness.cookieName ?? DEFAULT_PROXY_COOKIE_NAME;
}

export function wantsCrossSiteCookie(
  spec: Pick<ResolvedFleetSpec, "cors">,
  options: Pick<ProxyRenderOptions, "crossSiteCookie">,
): boolean {
  return options.crossSiteCookie ?? servesCrossOrigin(spec);
}

/**
 * Timeout for one HTTP exchange (a long-poll is held up to `pingInterval`), in seconds: above the
 * heartbeat (`pingInterval + pingTimeout`) with 10 s of margin, so a healthy poll is never cut.
 */
export function httpTimeoutSeconds(spec: Pick<ResolvedFleetSpec, "heartbeat">): number {
  return Math.ceil(heartbeatSeconds(spec)) + 10;
}

/**
 * How long every rendered proxy keeps an idle connection to a node open for the next request,
 * written explicitly in each config (HAProxy `timeout http-keep-alive`, nginx `keepalive_timeout`
 * in the upstream block, Apache `ttl=` on every member, Traefik `idleConnTimeout`). 60 s is
 * nginx's own upstream default (`keepalive_timeout`, ngx_http_upstream_module) and
 * ingress-nginx's `upstream-keepalive-timeout`; the proxies' defaults differ (Traefik 90 s,
 * Apache none), which is why it is rendered rather than assumed.
 */
export const PROXY_UPSTREAM_IDLE_SECONDS = 60;

/**
 * The longest any rendered proxy may hold an idle node connection for reuse, in seconds: the idle
 * time above, or HAProxy's `timeout server` when longer (an idle server-side connection is also
 * bounded by the server inactivity timeout, so that is the conservative bound to stay above).
 */
export function proxyBackendReuseSeconds(spec: Pick<ResolvedFleetSpec, "heartbeat">): number {
  return Math.max(PROXY_UPSTREAM_IDLE_SECONDS, httpTimeoutSeconds(spec));
}

/**
 * `HTTP_KEEPALIVE_TIMEOUT_MS` for nodes behind a rendered proxy: above its reuse window, so the
 * node never closes a connection the proxy is about to reuse (a 502 for the poll on it). The
 * local fleet and the tests start nodes with it: `renderAppEnv(spec, { httpKeepAliveTimeoutMs })`.
 */
export function proxyNodeKeepAliveMs(spec: Pick<ResolvedFleetSpec, "heartbeat">): number {
  return keepAliveAboveMs(proxyBackendReuseSeconds(spec));
}

/** Throws `ProxyConfigError` unless the nodes and the listen address can be rendered. */
export function checkAddresses(options: ProxyRenderOptions): void {
  const problems: string[] = [];
  if (options.nodes.length === 0) problems.push("`nodes` must list at least one node");
  const seen = new Set<string>();
  options.nodes.forEach((node: ProxyNode, i) => {
    if (!/^[A-Za-z0-9_-]+$/.test(node.name)) {
      problems.push(
        `\`nodes[${i}].name\` (${JSON.stringify(node.name)}) must match [A-Za-z0-9_-]+`,
      );
    }
    if (seen.has(node.name)) problems.push(`\`nodes[${i}].name\` (${node.name}) is a duplicate`);
    seen.add(node.name);
    problems.push(...addressProblems(`nodes[${i}]`, node));
  });
  problems.push(...addressProblems("listen", options.listen));
  if (problems.length > 0) throw new ProxyConfigError(problems.join("; "));
}

function addressProblems(field: string, address: { host: string; port: number }): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9.:-]+$/.test(address.host)) {
    problems.push(`\`${field}.host\` (${JSON.stringify(address.host)}) is not a host name or IP`);
  }
  if (!Number.isInteger(address.port) || address.port < 1 || address.port > 65535) {
    problems.push(`\`${field}.port\` (${address.port}) must be an integer from 1 to 65535`);
  }
  return problems;
}

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(address: { host: string; port: number }): string {
  return address.host.includes(":")
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}
