/**
 * The fleet's alert policies and dashboard, on the series its collectors write: the app's (GMP
 * labels per compute mode) and Memorystore's memory ratio (Redis or Valkey; none for an external
 * Redis).
 */
import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { createAlertPolicies, gmpMatchers, memorystoreRatio } from "./alertPolicies";
import type { GcpFleetTransforms } from "./args";
import { createDashboard } from "./dashboard";
import type { ResolvedGcpMonitoring } from "./monitoringArgs";
import type { FleetRedis } from "./redis";

export interface FleetMonitoringOptions {
  project?: pulumi.Input<string>;
  monitoring: ResolvedGcpMonitoring;
  /** The Cloud Run service (cloud-run mode), whose name is the series' `namespace`. */
  cloudRunService?: gcp.cloudrunv2.Service;
  /** The series' `namespace` on the instance group (`fleetIds`). */
  metricsNamespace: string;
  redis: FleetRedis;
  backendServiceName: pulumi.Input<string>;
  minReadyNodes: number;
  connectionsPerNode: number;
  transform: GcpFleetTransforms;
}

export interface FleetMonitoringResources {
  alertPolicies: Record<string, gcp.monitoring.AlertPolicy>;
  dashboard: gcp.monitoring.Dashboard;
}

export function createFleetMonitoring(
  name: string,
  o: FleetMonitoringOptions,
  parent: pulumi.Resource,
): FleetMonitoringResources {
  const app =
    o.cloudRunService !== undefined
      ? o.cloudRunService.name.apply((service) => gmpMatchers(service, true))
      : pulumi.output(gmpMatchers(o.metricsNamespace, false));
  const redisRatio =
    o.redis.instance !== undefined
      ? o.redis.instance.name.apply((n) => memorystoreRatio("redis", n))
      : o.redis.valkey !== undefined
        ? o.redis.valkey.instance.instanceId.apply((n) => memorystoreRatio("valkey", n))
        : undefined;
  const alertPolicies = createAlertPolicies(
    name,
    {
      project: o.project,
      connectionsPerNode: o.connectionsPerNode,
      series: {
        app,
        redisRatio,
        backendServiceName: o.backendServiceName,
        minReadyNodes: o.minReadyNodes,
      },
      notificationChannels: o.monitoring.notificationChannels,
      transform: o.transform,
    },
    parent,
  );
  const dashboard = createDashboard(
    name,
    {
      project: o.project,
      app,
      redisRatio,
      connectionsPerNode: o.connectionsPerNode,
      transform: o.transform,
    },
    parent,
  );
  return { alertPolicies, dashboard };
}
