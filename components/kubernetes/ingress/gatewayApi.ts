/**
 * Gateway API: an `HTTPRoute` (`gateway.networking.k8s.io/v1`) attached to your Gateway (to one
 * listener with `ingress.gateway.listener`, `parentRefs[].sectionName`), plus what the chosen
 * implementation honours for session pinning (validation: `gatewayPlatform.ts`):
 * - envoy-gateway: `sessionPersistence` on the route rule (GEP-1619, experimental channel only);
 * - gke: a `GCPBackendPolicy` and a `HealthCheckPolicy` on the Service (`gatewayGke.ts`);
 * - istio: a `DestinationRule` hashing on a cookie (`gatewayIstio.ts`);
 * - generic: the route alone, with standard-channel fields only.
 *
 * Only fields of the installed CRD schema may be sent: Pulumi applies with server-side apply, and
 * an apply patch with a field the schema lacks fails (`failed to create typed patch object … field
 * not declared in schema`, kubernetes#139253; strict apply since kubernetes PR #105916). It is not
 * pruned. So `sessionPersistence` is only emitted on the experimental channel, and a route that
 * needs no stickiness carries none. The Gateway must allow routes from the fleet's namespace
 * (`allowedRoutes`), and it owns TLS.
 */
import { GOOGLE_FRONT_END_KEEPALIVE_MS, GOOGLE_FRONT_END_REUSE_SECONDS } from "../../shared";
import { K8S_DEFAULTS } from "../args";
import { objectLabels } from "../common";
import type { FleetContext, ResolvedGateway } from "../context";
import { cookieName, type CustomResourcePlan, type IngressPlan, reuseWindow } from "./common";
import { gcpBackendPolicy, healthCheckPolicy } from "./gatewayGke";
import { destinationRule } from "./gatewayIstio";

/**
 * The Gateway API leaves connection reuse to the implementation, so the keep-alive is sized for
 * the longest default among them: Envoy (Envoy Gateway, Istio, and the implementations built on
 * Envoy) keeps an idle upstream connection for its HTTP protocol `idle_timeout`, "The default idle
 * timeout if not otherwise specified is 1 hour" (Envoy docs, FAQ "How do I configure timeouts?").
 * NGINX Gateway Fabric uses nginx's 60 s, below it; GKE's Gateway uses Google front ends (600 s,
 * handled apart). An implementation configured above 3600 s needs a higher keep-alive
 * (`HTTP_KEEPALIVE_TIMEOUT_MS` cannot be overridden through `env`: it is spec-owned).
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

/** Whether the route carries `sessionPersistence`: Envoy Gateway, experimental CRDs, a cookie. */
export function routeSessionPersistence(ctx: FleetContext, gateway: ResolvedGateway): boolean {
  return (
    gateway.implementation === "envoy-gateway" &&
    gateway.channel === "experimental" &&
    ctx.spec.stickiness.mode === "cookie"
  );
}

/**
 * `sessionPersistence` in the shape of the installed release: a permanent cookie whose Max-Age is
 * the TTL (a Permanent lifetime requires `absoluteTimeout`, a CEL rule of the CRD).
 * - v1.4–v1.6: `sessionName` and `cookieConfig.lifetimeType`;
 * - v1.7 (gateway-api PRs #4873, #5046): the `cookie: { name, path, lifetimeType }` union member,
 *   as at gateway-api `main` 4564255 (not tagged yet). Envoy Gateway's translator as stored in 2026
 *   (`internal/gatewayapi/route.go`) reads only `sessionName` and `cookieConfig`: given this shape
 *   it would pin on a generated cookie name with no Max-Age, until it reads the v1.7 fields.
 */
export function sessionPersistence(ctx: FleetContext, gateway: ResolvedGateway) {
  const absoluteTimeout = gatewayDuration(ctx.spec.stickiness.ttlSeconds);
  if (gateway.release === "v1.7") {
    return {
      type: "Cookie",
      absoluteTimeout,
      cookie: { name: cookieName(ctx), path: "/", lifetimeType: "Permanent" },
    };
  }
  return {
    type: "Cookie",
    sessionName: cookieName(ctx),
    absoluteTimeout,
    cookieConfig: { lifetimeType: "Permanent" },
  };
}

export function httpRoute(ctx: FleetContext, gateway: ResolvedGateway): CustomResourcePlan {
  const rule: Record<string, unknown> = {
    matches: [{ path: { type: "PathPrefix", value: "/" } }],
    backendRefs: [{ name: ctx.names.service, port: K8S_DEFAULTS.servicePort }],
  };
  // GKE's Gateway does not support HTTPRoute request timeouts (HTTPRouteRequestTimeout is under
  // unsupportedFeatures in gateway-api conformance/reports/v1.4.0/gke-gateway); there the
  // GCPBackendPolicy's `timeoutSec` bounds a request and a websocket.
  if (gateway.implementation !== "gke") {
    rule.timeouts = { request: gatewayDuration(ctx.spec.connectionTimeoutSeconds) };
  }
  if (routeSessionPersistence(ctx, gateway)) {
    rule.sessionPersistence = sessionPersistence(ctx, gateway);
  }
  const parentRef: Record<string, unknown> = {
    group: "gateway.networking.k8s.io",
    kind: "Gateway",
    name: gateway.name,
    namespace: gateway.namespace,
  };
  if (gateway.listener !== undefined) parentRef.sectionName = gateway.listener;
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
        parentRefs: [parentRef],
        hostnames: [ctx.ingress.host!],
        rules: [rule],
      },
    },
  };
}

export function gatewayApiPlan(ctx: FleetContext): IngressPlan {
  const gateway = ctx.gateway!;
  const customResources = [httpRoute(ctx, gateway)];
  switch (gateway.implementation) {
    case "gke":
      customResources.unshift(gcpBackendPolicy(ctx), healthCheckPolicy(ctx));
      break;
    case "istio":
      if (ctx.spec.stickiness.mode === "cookie") customResources.unshift(destinationRule(ctx));
      break;
  }
  return {
    // GKE's Gateway creates NEGs for the Services its routes name: no annotation needed.
    serviceAnnotations: {},
    customResources,
    backendReuse:
      gateway.implementation === "gke"
        ? GKE_GATEWAY_REUSE
        : reuseWindow(GATEWAY_API_UPSTREAM_IDLE_SECONDS),
  };
}

/** GKE's Gateway is a Google Cloud Application Load Balancer: Google front ends' 600 s reuse. */
const GKE_GATEWAY_REUSE = {
  windowSeconds: GOOGLE_FRONT_END_REUSE_SECONDS,
  appKeepAliveMs: GOOGLE_FRONT_END_KEEPALIVE_MS,
};
