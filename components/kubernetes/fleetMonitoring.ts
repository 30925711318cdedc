/** Creates the monitoring and connection-autoscaling children of the fleet (see their modules). */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { adapterHpaArgs, scaledObjectArgs } from "./autoscaling";
import type { FleetContext } from "./context";
import { dashboardConfigMapArgs } from "./grafanaDashboard";
import { fleetSelectors, monitorArgs, rulesArgs } from "./monitoring";

/** The monitors, the rule object and the dashboard ConfigMap; nothing without a collector. */
export function createMonitoring(ctx: FleetContext, parent: pulumi.Resource): void {
  const monitoring = ctx.monitoring;
  if (monitoring === undefined) return;
  const opts = { parent };
  new k8s.apiextensions.CustomResource(
    ctx.names.podMonitor,
    monitorArgs(ctx, monitoring, "server"),
    opts,
  );
  if (monitoring.redisExporter) {
    new k8s.apiextensions.CustomResource(
      ctx.names.redisMonitor,
      monitorArgs(ctx, monitoring, "redis"),
      opts,
    );
  }
  new k8s.apiextensions.CustomResource(ctx.names.rules, rulesArgs(ctx, monitoring), opts);
  if (monitoring.dashboardNamespace !== undefined) {
    new k8s.core.v1.ConfigMap(
      monitoring.dashboardName,
      dashboardConfigMapArgs(
        {
          name: ctx.name,
          namespaceName: monitoring.namespaceName,
          selectors: fleetSelectors(ctx, monitoring),
          connectionsPerNode: ctx.capacity.connectionsPerNode,
        },
        monitoring.dashboardName,
        monitoring.dashboardNamespace,
      ),
      opts,
    );
  }
}

/** The connection autoscaler: a KEDA ScaledObject or an HPA on the adapter's Pods metric. */
export function createAutoscaler(
  ctx: FleetContext,
  parent: pulumi.Resource,
  deployment: k8s.apps.v1.Deployment,
): void {
  const autoscaling = ctx.autoscaling;
  const scaling = autoscaling?.connections;
  if (autoscaling === undefined || scaling === undefined) return;
  const opts = { parent, dependsOn: [deployment] };
  if (scaling.scaler === "prometheus-adapter") {
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      ctx.name,
      adapterHpaArgs(ctx, autoscaling),
      opts,
    );
    return;
  }
  // Validated: connection scaling requires a collector (the query's matchers name its `job`).
  const monitoring = ctx.monitoring!;
  new k8s.apiextensions.CustomResource(
    ctx.names.scaledObject,
    scaledObjectArgs(ctx, autoscaling, scaling, monitoring),
    opts,
  );
}
