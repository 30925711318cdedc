/**
 * ingress-nginx (kubernetes/ingress-nginx). Cookie affinity with the controller's own annotations,
 * never a `*-snippet` annotation (the Socket.IO docs' recipe uses `configuration-snippet`, which
 * current controllers refuse unless `allow-snippet-annotations` is turned on, a known risk).
 * - `affinity-mode: persistent`: sessions stay on their pod when the fleet scales (the default
 *   `balanced` moves some, which breaks their long-polling session).
 * - `session-cookie-change-on-failure: "true"`: when the pinned pod is gone the cookie is
 *   re-pinned instead of failing every request.
 * - With TLS the cookie is `Secure; SameSite=None`, so credentialed cross-origin pages send it.
 * - `client-ip`: consistent hashing of `$remote_addr` (`upstream-hash-by`).
 *
 * Note: the kubernetes/ingress-nginx project was retired in March 2026 (SIG Network announcement,
 * November 2025): no releases or security fixes since. Fine for a local cluster; for new
 * production clusters prefer `gateway-api`, `traefik` or the cloud's own load balancer.
 */
import { K8S_DEFAULTS } from "../args";
import type { FleetContext } from "../context";
import { cookieName, type IngressPlan, ingressArgs, reuseWindow } from "./common";

/**
 * ingress-nginx keeps idle upstream connections for `upstream-keepalive-timeout`: "Sets a timeout
 * during which an idle keepalive connection to an upstream server will stay open", default 60
 * (seconds; kubernetes/ingress-nginx `docs/user-guide/nginx-configuration/configmap.md`). It is a
 * controller ConfigMap key, not an Ingress annotation: raise the keep-alive with it if your
 * controller's ConfigMap sets it higher.
 */
export const INGRESS_NGINX_UPSTREAM_KEEPALIVE_SECONDS = 60;

const P = "nginx.ingress.kubernetes.io/";

export function nginxAnnotations(ctx: FleetContext): Record<string, string> {
  const timeout = String(ctx.spec.connectionTimeoutSeconds);
  const annotations: Record<string, string> = {
    [`${P}proxy-read-timeout`]: timeout,
    [`${P}proxy-send-timeout`]: timeout,
  };
  const mode = ctx.spec.stickiness.mode;
  if (mode === "cookie") {
    Object.assign(annotations, {
      [`${P}affinity`]: "cookie",
      [`${P}affinity-mode`]: "persistent",
      [`${P}session-cookie-name`]: cookieName(ctx),
      [`${P}session-cookie-max-age`]: String(ctx.spec.stickiness.ttlSeconds),
      [`${P}session-cookie-change-on-failure`]: "true",
    });
    if (ctx.tls) {
      annotations[`${P}session-cookie-secure`] = "true";
      annotations[`${P}session-cookie-samesite`] = "None";
    }
  } else if (mode === "client-ip") {
    annotations[`${P}upstream-hash-by`] = "$remote_addr";
  }
  return annotations;
}

export function nginxPlan(ctx: FleetContext): IngressPlan {
  return {
    serviceAnnotations: {},
    ingress: ingressArgs(ctx, {
      className: ctx.ingress.className ?? K8S_DEFAULTS.className.nginx,
      annotations: nginxAnnotations(ctx),
    }),
    customResources: [],
    backendReuse: reuseWindow(INGRESS_NGINX_UPSTREAM_KEEPALIVE_SECONDS),
  };
}
