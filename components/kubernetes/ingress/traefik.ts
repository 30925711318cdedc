/**
 * Traefik's Kubernetes Ingress provider (v2 and v3). Stickiness is a property of the Traefik
 * service, so it goes on the Kubernetes **Service** as `traefik.ingress.kubernetes.io/service.sticky.cookie*`
 * annotations; the Ingress only carries the class (and `router.tls` with TLS).
 *
 * **Requires Traefik v3.** `.maxage` (the cookie lifetime = `stickiness.ttlSeconds`) exists only
 * since v3.0 (traefik/traefik#10176 for #1939). Traefik v2's `dynamic.Cookie` has no `MaxAge`, and
 * its annotation decoder fails on an unknown field ("field not found, node: maxage"), so v2 would
 * reject the Service's whole annotation set and serve the Ingress with no backend at all — not
 * merely ignore the lifetime (Traefik v2 is end of life anyway).
 *
 * `connectionTimeoutSeconds` is not applied: Traefik's timeouts are static entry-point
 * configuration (`entryPoints.<name>.transport.respondingTimeouts`), set them above the
 * heartbeat there. Client-IP affinity is not offered through these annotations.
 */
import { K8S_DEFAULTS } from "../args";
import type { FleetContext } from "../context";
import { cookieName, type IngressPlan, ingressArgs, reuseWindow } from "./common";

/**
 * Traefik keeps idle connections to a server for its servers transport's
 * `forwardingTimeouts.idleConnTimeout`, "the maximum amount of time an idle (keep-alive)
 * connection will remain idle before closing itself", default 90s (Traefik v3 docs, routing →
 * services → ServersTransport). The Ingress provider uses the default transport unless the
 * Service names another (`traefik.ingress.kubernetes.io/service.serverstransport`).
 */
export const TRAEFIK_IDLE_CONN_SECONDS = 90;

const P = "traefik.ingress.kubernetes.io/";

export function traefikServiceAnnotations(ctx: FleetContext): Record<string, string> {
  if (ctx.spec.stickiness.mode !== "cookie") return {};
  return {
    [`${P}service.sticky.cookie`]: "true",
    [`${P}service.sticky.cookie.name`]: cookieName(ctx),
    [`${P}service.sticky.cookie.secure`]: String(ctx.tls),
    // Cross-site credentialed requests only carry a `SameSite=None; Secure` cookie.
    [`${P}service.sticky.cookie.samesite`]: ctx.tls ? "none" : "lax",
    [`${P}service.sticky.cookie.httponly`]: "true",
    [`${P}service.sticky.cookie.maxage`]: String(ctx.spec.stickiness.ttlSeconds),
  };
}

export function traefikPlan(ctx: FleetContext): IngressPlan {
  return {
    serviceAnnotations: traefikServiceAnnotations(ctx),
    ingress: ingressArgs(ctx, {
      className: ctx.ingress.className ?? K8S_DEFAULTS.className.traefik,
      annotations: ctx.tls ? { [`${P}router.tls`]: "true" } : {},
    }),
    customResources: [],
    backendReuse: reuseWindow(TRAEFIK_IDLE_CONN_SECONDS),
  };
}
