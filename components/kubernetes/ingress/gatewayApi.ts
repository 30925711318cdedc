/**
 * Gateway API: an `HTTPRoute` (`gateway.networking.k8s.io/v1`) attached to your Gateway, with
 * `sessionPersistence` on its rule (type `Cookie`, `sessionName`, `absoluteTimeout` = TTL as a
 * permanent cookie) and a request timeout of `connectionTimeoutSeconds`.
 *
 * `sessionPersistence` is an **experimental** field (GEP-1619, "Extended" support): it exists only
 * in the experimental-channel CRDs (with the standard-channel CRDs the API server silently prunes
 * it and there is no stickiness), and only some implementations honour it — Envoy Gateway does,
 * NGINX Gateway Fabric does with NGINX Plus only; Contour does not (projectcontour/contour#6427),
 * and GKE's Gateway takes affinity from a `GCPBackendPolicy` instead. Check your implementation.
 * The Gateway must allow routes from the fleet's namespace (`allowedRoutes`), and it owns TLS.
 */
import { K8S_DEFAULTS } from "../args";
import { objectLabels } from "../common";
import type { FleetContext } from "../context";
import { cookieName, type CustomResourcePlan, type IngressPlan, reuseWindow } from "./common";

/**
 * The Gateway API leaves connection reuse to the implementation, so the keep-alive is sized for
 * the longest default among them: Envoy (Envoy Gateway, and the implementations built on it) keeps
 * an idle upstream connection for its HTTP protocol `idle_timeout`, "The default idle timeout if
 * not otherwise specified is 1 hour" (Envoy docs, FAQ "How do I configure timeouts?"). GKE's
 * Gateway uses Google front ends (600 s) and NGINX Gateway Fabric nginx's 60 s, both below it.
 * An implementation configured above 3600 s needs a higher keep-alive (`HTTP_KEEPALIVE_TIMEOUT_MS`
 * cannot be overridden through `env`: it is spec-owned).
 */
export const GATEWAY_API_UPSTREAM_IDLE_SECONDS = 3600;

/**
 * A Gateway API `Duration` (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`): seconds when they fit in five
 * digits, else hours, minutes and seconds.
 */
export function gatewayDuration(seconds: number): string {
  if (seconds <= 99_999) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}h` + (m > 0 ? `${m}m` : "") + (s > 0 ? `${s}s` : "");
}

export function httpRoute(ctx: FleetContext): CustomResourcePlan {
  const gateway = ctx.ingress.gateway!;
  const { stickiness } = ctx.spec;
  const rule: Record<string, unknown> = {
    matches: [{ path: { type: "PathPrefix", value: "/" } }],
    backendRefs: [{ name: ctx.names.service, port: K8S_DEFAULTS.servicePort }],
    timeouts: { request: gatewayDuration(ctx.spec.connectionTimeoutSeconds) },
  };
  if (stickiness.mode === "cookie") {
    rule.sessionPersistence = {
      type: "Cookie",
      sessionName: cookieName(ctx),
      absoluteTimeout: gatewayDuration(stickiness.ttlSeconds),
      cookieConfig: { lifetimeType: "Permanent" },
    };
  }
  return {
    name: `${ctx.name}-route`,
    args: {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: {
        name: ctx.names.route,
        namespace: ctx.namespace,
        labels: objectLabels(ctx.name, "server"),
      },
      spec: {
        parentRefs: [
          {
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: gateway.name,
            namespace: gateway.namespace,
          },
        ],
        hostnames: [ctx.ingress.host!],
        rules: [rule],
      },
    },
  };
}

export function gatewayApiPlan(ctx: FleetContext): IngressPlan {
  return {
    serviceAnnotations: {},
    customResources: [httpRoute(ctx)],
    backendReuse: reuseWindow(GATEWAY_API_UPSTREAM_IDLE_SECONDS),
  };
}
