/**
 * GKE Ingress (a Google Cloud external Application Load Balancer).
 * - Container-native load balancing: `cloud.google.com/neg: '{"ingress": true}'` on the Service,
 *   so the load balancer targets pod IPs and its affinity pins a pod, not a node.
 * - A `BackendConfig` (`cloud.google.com/v1`) attached to the Service through
 *   `cloud.google.com/backend-config`: `sessionAffinity` (`GENERATED_COOKIE`, whose cookie is
 *   always named `GCLB`, TTL 0–86400 s; or `CLIENT_IP`), `timeoutSec`, `connectionDraining`, and a
 *   health check on the readiness path.
 * - `timeoutSec` = `connectionTimeoutSeconds`. On Google Cloud the backend service timeout is the
 *   **lifetime** of a websocket, not an idle timeout: every websocket is closed when it elapses,
 *   whether busy or not, and clients reconnect.
 * - With TLS, a `FrontendConfig` (`networking.gke.io/v1beta1`) redirecting HTTP to HTTPS.
 * - The class goes in the `kubernetes.io/ingress.class` annotation (default "gce"), the way GKE
 *   documents and every GKE version honours, not in `spec.ingressClassName`.
 */
import {
  GOOGLE_FRONT_END_KEEPALIVE_MS,
  GOOGLE_FRONT_END_REUSE_SECONDS,
  READINESS_PATH,
} from "../../shared";
import { K8S_DEFAULTS } from "../args";
import { objectLabels } from "../common";
import type { FleetContext } from "../context";
import { TERMINATION_GRACE_SECONDS } from "../workload";
import { type CustomResourcePlan, type IngressPlan, ingressArgs } from "./common";

export function backendConfig(ctx: FleetContext): CustomResourcePlan {
  const { stickiness } = ctx.spec;
  const sessionAffinity =
    stickiness.mode === "cookie"
      ? { affinityType: "GENERATED_COOKIE", affinityCookieTtlSec: stickiness.ttlSeconds }
      : stickiness.mode === "client-ip"
        ? { affinityType: "CLIENT_IP" }
        : { affinityType: "NONE" };
  return {
    name: `${ctx.name}-backendconfig`,
    args: {
      apiVersion: "cloud.google.com/v1",
      kind: "BackendConfig",
      metadata: {
        name: ctx.names.backendConfig,
        namespace: ctx.namespace,
        labels: objectLabels(ctx.name, "server"),
      },
      spec: {
        timeoutSec: ctx.spec.connectionTimeoutSeconds,
        // The NEG endpoint is detached when termination starts: keep its connections through
        // the preStop sleep and the app's drain.
        connectionDraining: { drainingTimeoutSec: TERMINATION_GRACE_SECONDS },
        sessionAffinity,
        healthCheck: {
          type: "HTTP",
          requestPath: READINESS_PATH,
          port: ctx.spec.containerPort,
          checkIntervalSec: 5,
          timeoutSec: 3,
          healthyThreshold: 1,
          unhealthyThreshold: 2,
        },
      },
    },
  };
}

export function frontendConfig(ctx: FleetContext): CustomResourcePlan {
  return {
    name: `${ctx.name}-frontendconfig`,
    args: {
      apiVersion: "networking.gke.io/v1beta1",
      kind: "FrontendConfig",
      metadata: {
        name: ctx.names.frontendConfig,
        namespace: ctx.namespace,
        labels: objectLabels(ctx.name, "server"),
      },
      spec: { redirectToHttps: { enabled: true, responseCodeName: "MOVED_PERMANENTLY_DEFAULT" } },
    },
  };
}

export function gkePlan(ctx: FleetContext): IngressPlan {
  const annotations: Record<string, string> = {
    "kubernetes.io/ingress.class": ctx.ingress.className ?? K8S_DEFAULTS.className.gke,
  };
  const customResources = [backendConfig(ctx)];
  if (ctx.tls) {
    annotations["networking.gke.io/v1beta1.FrontendConfig"] = ctx.names.frontendConfig;
    customResources.push(frontendConfig(ctx));
  }
  return {
    serviceAnnotations: {
      "cloud.google.com/neg": JSON.stringify({ ingress: true }),
      "cloud.google.com/backend-config": JSON.stringify({ default: ctx.names.backendConfig }),
    },
    ingress: ingressArgs(ctx, { annotations }),
    customResources,
    // GKE Ingress is a Google external Application Load Balancer: Google front ends keep idle
    // pod connections for a fixed 600 s, and Google recommends a 620 s keep-alive.
    backendReuse: {
      windowSeconds: GOOGLE_FRONT_END_REUSE_SECONDS,
      appKeepAliveMs: GOOGLE_FRONT_END_KEEPALIVE_MS,
    },
  };
}
