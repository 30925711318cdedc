import type { ResolvedFleetSpec } from "../shared/args";
import { PROXY_UPSTREAM_IDLE_SECONDS, UPSTREAM_NAME, checkAddresses, hostPort } from "./common";

/** Idle keep-alive connections each worker keeps per upstream (nginx's `keepalive`). */
export const NGINX_UPSTREAM_KEEPALIVE_CONNECTIONS = 32;
import { ProxyConfigError, type ProxyRenderOptions } from "./types";

export interface NginxRenderOptions extends ProxyRenderOptions {
  /**
   * Directory for everything nginx writes (pid file, temp files, access log), so it runs
   * unprivileged. Must exist; nginx creates the temp subdirectories.
   */
  runDir: string;
  /** @default 1 */
  workerProcesses?: number;
}

/**
 * Open-source nginx configuration (a complete `nginx.conf`, run with `nginx -c <file> -p
 * <runDir>`, in the foreground).
 * - `client-ip`: `hash $remote_addr consistent` (the full address, unlike `ip_hash`, which keys
 *   on the first three octets of an IPv4 address).
 * - `cookie`: refused; `sticky cookie` is NGINX Plus only.
 * - `none`: round robin (websocket-only fleets).
 * Health is passive (open-source nginx has no active checks): a request the node refuses, times
 * out on, or answers 502/503 (a draining node refuses new sessions with 503) is passed to the
 * next node (`proxy_next_upstream error timeout http_502 http_503`, up to 3 tries within 10 s),
 * and that node is skipped for 5 s after one such failure (`max_fails=1 fail_timeout=5s`), then
 * tried again. Requests with a body that already reached a node are never re-sent (so a POST on
 * a connection the node just closed would be a 502: nodes keep theirs open longer than nginx).
 * Websockets through `Upgrade`/`Connection` headers (a `map`; other requests send an empty
 * `Connection`, so the node connection is kept alive); read and send timeouts =
 * `connectionTimeoutSeconds`. Keep-alive to the nodes: `keepalive` idle connections per worker,
 * closed after `keepalive_timeout` = `PROXY_UPSTREAM_IDLE_SECONDS`.
 */
export function renderNginxConfig(spec: ResolvedFleetSpec, options: NginxRenderOptions): string {
  if (spec.stickiness.mode === "cookie") {
    throw new ProxyConfigError(
      '`stickiness.mode` "cookie" cannot be rendered for open-source nginx: its `sticky cookie` ' +
        'directive is NGINX Plus only. Use `stickiness.mode: "client-ip"` (hash $remote_addr ' +
        "consistent) with nginx, or HAProxy, Apache or Traefik for cookie stickiness.",
    );
  }
  checkAddresses(options);
  if (!/^\/[^\s;{}"']*$/.test(options.runDir)) {
    throw new ProxyConfigError(
      `\`runDir\` (${JSON.stringify(options.runDir)}) must be an absolute path without spaces`,
    );
  }
  const dir = options.runDir.replace(/\/$/, "");
  const timeout = `${spec.connectionTimeoutSeconds}s`;
  const balance = spec.stickiness.mode === "client-ip" ? ["    hash $remote_addr consistent;"] : [];
  return `daemon off;
worker_processes ${options.workerProcesses ?? 1};
pid ${dir}/nginx.pid;
error_log stderr warn;

events {
  worker_connections 4096;
}

http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' "";
  }

  upstream ${UPSTREAM_NAME} {
${[...balance, ...options.nodes.map((node) => `    server ${hostPort(node)} max_fails=1 fail_timeout=5s;`)].join("\n")}
    keepalive ${NGINX_UPSTREAM_KEEPALIVE_CONNECTIONS};
    keepalive_timeout ${PROXY_UPSTREAM_IDLE_SECONDS}s;
  }

  server {
    listen ${hostPort(options.listen)};

    location / {
      proxy_pass http://${UPSTREAM_NAME};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_read_timeout ${timeout};
      proxy_send_timeout ${timeout};
      proxy_connect_timeout 5s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
      proxy_next_upstream_timeout 10s;
      proxy_buffering off;
    }
  }
}
`;
}
