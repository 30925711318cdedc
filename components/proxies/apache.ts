import type { ResolvedFleetSpec } from "../shared/args";
import {
  PROXY_HEALTH_PATH,
  PROXY_UPSTREAM_IDLE_SECONDS,
  UPSTREAM_NAME,
  checkAddresses,
  hostPort,
  proxyCookieName,
  wantsCrossSiteCookie,
} from "./common";
import { ProxyConfigError, type ProxyRenderOptions } from "./types";

export interface ApacheRenderOptions extends ProxyRenderOptions {
  /** Directory for the pid file, error log, mutexes and runtime files (runs unprivileged). */
  runDir: string;
  /** @default "/usr/lib/apache2/modules" (Debian) */
  modulesDir?: string;
}

/** Modules loaded by the config. Debian builds `unixd` and `log_config` in: never load them. */
export const APACHE_MODULES = [
  ["mpm_event_module", "mod_mpm_event.so"],
  ["authz_core_module", "mod_authz_core.so"],
  ["headers_module", "mod_headers.so"],
  ["slotmem_shm_module", "mod_slotmem_shm.so"],
  ["proxy_module", "mod_proxy.so"],
  ["proxy_http_module", "mod_proxy_http.so"],
  ["proxy_balancer_module", "mod_proxy_balancer.so"],
  ["proxy_hcheck_module", "mod_proxy_hcheck.so"],
  ["lbmethod_byrequests_module", "mod_lbmethod_byrequests.so"],
] as const;

/**
 * Apache httpd 2.4.47+ configuration (a complete file, run with `apache2 -DFOREGROUND -f <file>`).
 * - `cookie`: mod_proxy_balancer routes by a route cookie that Apache sets itself
 *   (`<cookie>=.<node name>` whenever the route changed), `stickysession=<cookie>`; `SameSite=None;
 *   Secure` for cross-site pages, `Max-Age` = `stickiness.ttlSeconds`, `HttpOnly`.
 * - `client-ip`: refused; mod_proxy_balancer cannot hash by client address.
 * - `none`: round robin by requests (websocket-only fleets).
 * Websockets through `mod_proxy_http` (`upgrade=websocket` on every member, no
 * mod_proxy_wstunnel); `timeout=` = `connectionTimeoutSeconds`; active checks of `/readyz` with
 * mod_proxy_hcheck (every second, out after 2 failures, back after 2 passes).
 * Failover: a member that refuses connections or answers 503 (`failonstatus=503`: a draining node
 * refusing new sessions) is put in error state and its sticky clients are routed to another
 * member; it is tried again after `retry=1` s (Apache's default keeps it out for 60 s).
 * Keep-alive: mod_proxy pools and reuses node connections; `ttl=` = `PROXY_UPSTREAM_IDLE_SECONDS`
 * ends an idle one (Apache has no default: without it an idle connection is reused however old),
 * and nodes keep theirs open longer.
 */
export function renderApacheConfig(spec: ResolvedFleetSpec, options: ApacheRenderOptions): string {
  if (spec.stickiness.mode === "client-ip") {
    throw new ProxyConfigError(
      '`stickiness.mode` "client-ip" cannot be rendered for Apache: mod_proxy_balancer has no ' +
        'client-address hashing. Use `stickiness.mode: "cookie"` with Apache, or nginx/HAProxy ' +
        "for client-IP stickiness.",
    );
  }
  checkAddresses(options);
  if (!/^\/[^\s"]*$/.test(options.runDir)) {
    throw new ProxyConfigError(
      `\`runDir\` (${JSON.stringify(options.runDir)}) must be an absolute path without spaces`,
    );
  }
  const dir = options.runDir.replace(/\/$/, "");
  const modulesDir = (options.modulesDir ?? "/usr/lib/apache2/modules").replace(/\/$/, "");
  const cookie = spec.stickiness.mode === "cookie" ? proxyCookieName(spec) : undefined;
  const member = (node: { name: string; host: string; port: number }) =>
    `  BalancerMember "http://${hostPort(node)}" route=${node.name} upgrade=websocket ` +
    `timeout=${spec.connectionTimeoutSeconds} connectiontimeout=5 ttl=${PROXY_UPSTREAM_IDLE_SECONDS} ` +
    `retry=1 hcmethod=GET hcuri=${PROXY_HEALTH_PATH} hcinterval=1 hcpasses=2 hcfails=2`;
  const lines = [
    `ServerRoot "${dir}"`,
    "ServerName localhost",
    `Listen ${hostPort(options.listen)}`,
    `PidFile "${dir}/httpd.pid"`,
    `DefaultRuntimeDir "${dir}"`,
    `Mutex file:${dir} default`,
    `ErrorLog "${dir}/error.log"`,
    "LogLevel warn",
    ...APACHE_MODULES.map(([name, file]) => `LoadModule ${name} ${modulesDir}/${file}`),
    "",
    "StartServers 1",
    "ServerLimit 2",
    "ThreadsPerChild 64",
    "MaxRequestWorkers 128",
    "",
    `<Proxy "balancer://${UPSTREAM_NAME}">`,
    ...options.nodes.map(member),
    `  ProxySet lbmethod=byrequests failonstatus=503${cookie ? ` stickysession=${cookie}` : ""}`,
    "</Proxy>",
    "",
  ];
  if (cookie) {
    const attributes = [`path=/`, `Max-Age=${spec.stickiness.ttlSeconds}`, "HttpOnly"];
    if (wantsCrossSiteCookie(spec, options)) attributes.push("SameSite=None", "Secure");
    lines.push(
      `Header add Set-Cookie "${cookie}=.%{BALANCER_WORKER_ROUTE}e; ${attributes.join("; ")}" env=BALANCER_ROUTE_CHANGED`,
    );
  }
  lines.push(
    "ProxyPreserveHost On",
    'RequestHeader set X-Forwarded-Proto "http"',
    `ProxyPass "/" "balancer://${UPSTREAM_NAME}/"`,
    `ProxyPassReverse "/" "balancer://${UPSTREAM_NAME}/"`,
  );
  return lines.join("\n") + "\n";
}
