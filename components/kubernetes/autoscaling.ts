/**
 * Connection-based autoscaling (`autoscaling.metric: "connections"`): connected clients per pod
 * against `connectionsPerNode`, through a KEDA `ScaledObject` (default) or an HPA on a `Pods`
 * metric served by prometheus-adapter. Exactly one object targets the Deployment: the CPU HPA
 * (`workload.ts`) is not created in this mode, and KEDA owns the HPA it creates.
 *
 * Scale-in without a reconnect storm (`scaleIn.ts`, shared with the CPU HPA: whatever metric
 * chose it, removing a pod moves all of its clients). A removed pod drains in batches
 * (`app/src/shutdown.ts`: 2 s grace, then 40 batches 250 ms apart, ≈ 12 s) after the 10 s
 * preStop, and its clients reconnect to the survivors. So the rule bounds how many pods go
 * per period, and the numbers, with the default 512 Mi node (capacity C = 9,800):
 *
 * - at most 1 pod per `scaleInPeriodSeconds` (60 s for 512 Mi pods; longer where the shared
 *   bound of `shared/scaleInRules.ts` says the survivors need it, e.g. 115 s for 1 Gi pods with
 *   one survivor), a period longer than a pod's whole
 *   termination (`TERMINATION_GRACE_SECONDS` = 10 s preStop + 25 s `APP_DRAIN_SECONDS` + 5 s =
 *   40 s): one drain is over before the next starts, so at most C clients (9,800) move per
 *   minute, arriving within ≈ 12 s (≈ 820 handshakes/s across the survivors; 410/s each with 2
 *   survivors). That is the load of one pod lost in a rolling update or a crash, which the fleet
 *   is already built to take (PodDisruptionBudget and rolling updates: one pod at a time);
 * - the survivors have room for them: the autoscaler removes a pod only when the total fits
 *   the remaining pods at their capacity (desired = ⌈total ÷ C⌉), and capacity itself keeps half
 *   of each pod's memory above the baseline as headroom (`shared/capacity.ts`);
 * - a 600 s stabilisation window: the autoscaler scales in to the highest recommendation of the
 *   last 10 minutes, so a dip (clients reconnecting after a deploy, a lunch break) does not
 *   remove pods that a returning load would add again (existing sockets never move back to new
 *   pods, so flapping costs a full drain each way).
 *
 * Scale-out keeps Kubernetes' default (double or +4 pods per 15 s, no window): new pods take only
 * new connections, so adding them fast costs nothing.
 */
import type * as k8s from "@pulumi/kubernetes";
import { METRIC_NAMES } from "../shared";
import { objectLabels } from "./common";
import type { FleetContext } from "./context";
import { fleetSelectors } from "./monitoring";
import { deploymentHpaArgs } from "./workload";
import { scaleInBehavior } from "./scaleIn";
import type { ResolvedConnectionScaling, ResolvedMonitoring } from "./resolveMonitoring";

/**
 * The fleet's total connected clients. KEDA's prometheus trigger defaults to the `AverageValue`
 * metric type (kedacore/keda v2.20.2 `pkg/scalers/prometheus_scaler.go`, GetMetricTargetType →
 * `AverageValue`), and the HPA divides an external metric's `AverageValue` by the current pod
 * count: so the query is the total and the threshold the per-pod capacity.
 */
export function totalConnectionsQuery(ctx: FleetContext, monitoring: ResolvedMonitoring): string {
  return `sum(${METRIC_NAMES.connectedClients}{${fleetSelectors(ctx, monitoring).app}})`;
}

type Autoscaling = NonNullable<FleetContext["autoscaling"]>;

/** The KEDA ScaledObject for connection-based scaling. */
export function scaledObjectArgs(
  ctx: FleetContext,
  autoscaling: Autoscaling,
  scaling: ResolvedConnectionScaling,
  monitoring: ResolvedMonitoring,
): k8s.apiextensions.CustomResourceArgs {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: {
      name: ctx.names.scaledObject,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "server"),
    },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: ctx.names.deployment },
      // KEDA's default minimum is 0 (scale to zero): always the user's minimum here.
      minReplicaCount: autoscaling.minReplicas,
      maxReplicaCount: autoscaling.maxReplicas,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            scaleDown: scaleInBehavior(ctx.capacity.connectionsPerNode, autoscaling.minReplicas),
          },
        },
      },
      triggers: [
        {
          type: "prometheus",
          metricType: "AverageValue",
          metadata: {
            serverAddress: scaling.prometheusUrl ?? "",
            query: totalConnectionsQuery(ctx, monitoring),
            threshold: String(ctx.capacity.connectionsPerNode),
            // An empty result (the collector lost the series) is an error, on which the HPA
            // keeps the current count; KEDA's default (true) reads it as 0 clients and scales
            // in to the minimum: a reconnect storm caused by a monitoring outage.
            ignoreNullValues: "false",
          },
          ...(scaling.authenticationRef === undefined
            ? {}
            : { authenticationRef: { name: scaling.authenticationRef } }),
        },
      ],
    },
  };
}

/**
 * The HPA on a `Pods` metric for prometheus-adapter: the adapter must serve
 * `socketio_connected_clients` per pod (a rule with `resources.overrides` mapping `namespace` and
 * `pod`; see the README).
 */
export function adapterHpaArgs(
  ctx: FleetContext,
  autoscaling: Autoscaling,
): k8s.autoscaling.v2.HorizontalPodAutoscalerArgs {
  return deploymentHpaArgs(ctx, autoscaling, [
    {
      type: "Pods",
      pods: {
        metric: { name: METRIC_NAMES.connectedClients },
        target: { type: "AverageValue", averageValue: String(ctx.capacity.connectionsPerNode) },
      },
    },
  ]);
}
