/**
 * GKE's Gateway controller (gatewayClassName `gke-l7-*`): Google Cloud Application Load Balancers
 * configured through policies attached to the fleet's Service, since the controller ignores
 * HTTPRoute `sessionPersistence` and request timeouts.
 * - `GCPBackendPolicy` (`networking.gke.io/v1`): `sessionAffinity` (`GENERATED_COOKIE`, whose
 *   cookie is always named `GCLB`, `cookieTtlSec` 0–1209600 in the CRD; or `CLIENT_IP`),
 *   `timeoutSec` = `connectionTimeoutSeconds`, and `connectionDraining`. On Google's balancers the
 *   backend service timeout is the **lifetime** of a websocket: its 30 s default would cut every
 *   websocket after 30 s, so it is always set.
 * - `HealthCheckPolicy` (`networking.gke.io/v1`): an HTTP check on the readiness path at the
 *   container port, so a draining pod leaves the balancer before it stops.
 * Field names and bounds: the CRDs' openAPIV3Schema (pinned in
 * test/fixtures/k8s-schemas/gke-crds-catalog-7b1e26e) and GoogleCloudPlatform/gke-gateway-api's
 * API reference. `targetRef.group` is "" for the core Service (the CRD requires the key).
 */
import { READINESS_PATH } from "../../shared";
import { objectLabels } from "../common";
import type { FleetContext } from "../context";
import { TERMINATION_GRACE_SECONDS } from "../workload";
import type { CustomResourcePlan } from "./common";

function serviceTarget(ctx: FleetContext) {
  return { group: "", kind: "Service", name: ctx.names.service };
}

export function gcpBackendPolicy(ctx: FleetContext): CustomResourcePlan {
  const { stickiness } = ctx.spec;
  const sessionAffinity =
    stickiness.mode === "cookie"
      ? { type: "GENERATED_COOKIE", cookieTtlSec: stickiness.ttlSeconds }
      : stickiness.mode === "client-ip"
        ? { type: "CLIENT_IP" }
        : { type: "NONE" };
  return {
    name: `${ctx.name}-backendpolicy`,
    args: {
      apiVersion: "networking.gke.io/v1",
      kind: "GCPBackendPolicy",
      metadata: {
        name: ctx.names.backendPolicy,
        namespace: ctx.namespace,
        labels: objectLabels(ctx.name, "server"),
      },
      spec: {
        default: {
          timeoutSec: ctx.spec.connectionTimeoutSeconds,
          // The NEG endpoint is detached when termination starts: keep its connections through
          // the preStop sleep and the app's drain.
          connectionDraining: { drainingTimeoutSec: TERMINATION_GRACE_SECONDS },
          sessionAffinity,
        },
        targetRef: serviceTarget(ctx),
      },
    },
  };
}

export function healthCheckPolicy(ctx: FleetContext): CustomResourcePlan {
  return {
    name: `${ctx.name}-healthcheck`,
    args: {
      apiVersion: "networking.gke.io/v1",
      kind: "HealthCheckPolicy",
      metadata: {
        name: ctx.names.healthCheckPolicy,
        namespace: ctx.namespace,
        labels: objectLabels(ctx.name, "server"),
      },
      spec: {
        default: {
          checkIntervalSec: 5,
          timeoutSec: 3,
          healthyThreshold: 1,
          unhealthyThreshold: 2,
          config: {
            type: "HTTP",
            httpHealthCheck: {
              portSpecification: "USE_FIXED_PORT",
              port: ctx.spec.containerPort,
              requestPath: READINESS_PATH,
            },
          },
        },
        targetRef: serviceTarget(ctx),
      },
    },
  };
}
