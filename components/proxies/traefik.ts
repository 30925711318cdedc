import { stringify } from "yaml";
import type { ResolvedFleetSpec } from "../shared/args";
import {
  PROXY_HEALTH_PATH,
  PROXY_UPSTREAM_IDLE_SECONDS,
  checkAddresses,
  hostPort,
  httpTimeoutSeconds,
  proxyCookieName,
  wantsCrossSiteCookie,
} from "./common";
import type { ProxyRenderOptions } from "./types";

export interface TraefikRenderOptions extends ProxyRenderOptions {
  /**
   * Entry point the router attaches to. Entry points (and so `listen`) live in Traefik's static
   * configuration: `entryPoints.<name>.address: "<listen host>:<listen port>"`.
   * @default "web"
   */
  entryPoint?: string;
  /** Name of the router, service and servers transport. @default "socketio-fleet" */
  name?: string;
}

/**
 * Traefik (v3) file-provider dynamic configuration as YAML text: one router for every path, one
 * service load-balancing the nodes, and a servers transport with the fleet's timeouts.
 * - `cookie`: `sticky.cookie` (`httpOnly`; `sameSite: none` + `secure` for cross-site pages,
 *   else `lax`; `maxAge` = `stickiness.ttlSeconds`).
 * - `client-ip`: `strategy: hrw` (highest random weight: consistent hashing of the client IP,
 *   Traefik 3.7+).
 * - `none`: weighted round robin (websocket-only fleets).
 * Websockets need no option in Traefik. Active checks of `/readyz` every second.
 *
 * The servers transport's timeouts only cover Traefik → node. How long Traefik keeps an idle
 * client connection (a websocket or a held long-poll) is its entry point's
 * `transport.respondingTimeouts` (`readTimeout`, default 60 s in v3; `idleTimeout`), which only
 * the static configuration sets: give them at least `connectionTimeoutSeconds` there, or
 * websockets are cut every minute whatever this file says.
 */
export function renderTraefikConfig(
  spec: ResolvedFleetSpec,
  options: TraefikRenderOptions,
): string {
  checkAddresses(options);
  const name = options.name ?? "socketio-fleet";
  const crossSite = wantsCrossSiteCookie(spec, options);
  const mode = spec.stickiness.mode;
  const loadBalancer: Record<string, unknown> = {
    ...(mode === "client-ip" ? { strategy: "hrw" } : {}),
    servers: options.nodes.map((node) => ({ url: `http://${hostPort(node)}` })),
    ...(mode === "cookie"
      ? {
          sticky: {
            cookie: {
              name: proxyCookieName(spec),
              secure: crossSite,
              httpOnly: true,
              sameSite: crossSite ? "none" : "lax",
              maxAge: spec.stickiness.ttlSeconds,
              path: "/",
            },
          },
        }
      : {}),
    healthCheck: { path: PROXY_HEALTH_PATH, interval: "1s", timeout: "1s" },
    passHostHeader: true,
    serversTransport: name,
  };
  const config = {
    http: {
      routers: {
        [name]: {
          rule: "PathPrefix(`/`)",
          entryPoints: [options.entryPoint ?? "web"],
          service: name,
        },
      },
      services: { [name]: { loadBalancer } },
      serversTransports: {
        [name]: {
          forwardingTimeouts: {
            dialTimeout: "5s",
            // A long-poll is held up to pingInterval before its response headers.
            responseHeaderTimeout: `${httpTimeoutSeconds(spec)}s`,
            // How long an idle node connection is kept for reuse (Traefik's default: 90s);
            // nodes keep theirs open longer. It does not limit websockets or held polls.
            idleConnTimeout: `${PROXY_UPSTREAM_IDLE_SECONDS}s`,
          },
        },
      },
    },
  };
  return stringify(config);
}
