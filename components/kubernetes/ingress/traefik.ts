/**
 * Traefik's Kubernetes Ingress provider (v2 and v3). Stickiness is a property of the Traefik
 * service, so it goes on the Kubernetes **Service** as `traefik.ingress.kubernetes.io/service.sticky.cookie*`
 * annotations; the Ingress only carries the class (and `router.tls` with TLS). `.maxage` is a
 * Traefik v3 option (traefik/traefik#1939): v2 ignores it and its cookie lasts the browser session.
 *
 * `connectionTimeoutSeconds` is not applied: Traefik's timeouts are static entry-point
 * configuration (`entryPoints.<name>.transport.respondingTimeouts`), set them above the
 * heartbeat there. Client-IP affinity is not offered through these annotations.
 */
import { K8S_DEFAULTS } from "../args";
import type { FleetContext } from "../context";
import { cookieName, type IngressPlan, ingressArgs } from "./common";

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
  };
}
