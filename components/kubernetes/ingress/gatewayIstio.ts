/**
 * Istio as the Gateway API implementation: Istio does not implement HTTPRoute
 * `sessionPersistence` (istio/istio#55839), so cookie affinity comes from a `DestinationRule`
 * (`networking.istio.io/v1`) on the fleet's Service: `trafficPolicy.loadBalancer.consistentHash
 * .httpCookie` with `name`, `path` and `ttl`. The gateway's Envoy issues the cookie when the
 * request has none (Envoy generates it only when `ttl` is set, so it always is) and maps it to a
 * ready pod by consistent hashing: a session stays on its pod while the pod set is stable; when
 * pods come or go, only the sessions of the changed share move (they reconnect, as on a node
 * loss). The cookie carries name, path, Max-Age and HttpOnly, no `SameSite`: browsers treat it as
 * `Lax`, so cross-site pages cannot be pinned (refused by the validator).
 * Fields: the DestinationRule v1 CRD schema (pinned in
 * test/fixtures/k8s-schemas/istio-crds-catalog-7b1e26e). `host` is the Service's short name,
 * which Istio reads relative to the rule's namespace.
 */
import { objectLabels } from "../common";
import type { FleetContext } from "../context";
import { cookieName, type CustomResourcePlan } from "./common";

export function destinationRule(ctx: FleetContext): CustomResourcePlan {
  return {
    name: `${ctx.name}-destinationrule`,
    args: {
      apiVersion: "networking.istio.io/v1",
      kind: "DestinationRule",
      metadata: {
        name: ctx.names.destinationRule,
        namespace: ctx.namespace,
        labels: objectLabels(ctx.name, "server"),
      },
      spec: {
        host: ctx.names.service,
        trafficPolicy: {
          loadBalancer: {
            consistentHash: {
              httpCookie: {
                name: cookieName(ctx),
                path: "/",
                ttl: `${ctx.spec.stickiness.ttlSeconds}s`,
              },
            },
          },
        },
      },
    },
  };
}
