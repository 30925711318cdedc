/**
 * What the monitoring collector reads: a monitor per scraped workload (the fleet's pods and, with
 * the in-cluster Valkey, its redis exporter) and the fleet's alerts as one rule group, both in
 * the kinds of the chosen collector:
 *
 * - Prometheus Operator: `PodMonitor` + `PrometheusRule` (`monitoring.coreos.com/v1`). A
 *   PodMonitor, not a ServiceMonitor: the metrics port is declared on the pod only (the Service
 *   the ingress routes never exposes it). Its targets carry `namespace`, `pod`, `container`,
 *   `endpoint` and `job="<namespace>/<PodMonitor name>"` (prometheus-operator v0.93.0
 *   `pkg/prometheus/promcfg.go`, generatePodMonitorConfig).
 * - GKE Managed Prometheus: `PodMonitoring` + `Rules` (`monitoring.googleapis.com/v1`). Its
 *   targets carry `namespace`, `job="<PodMonitoring name>"`, `instance="<pod>:<port name>"` and
 *   by default `pod` and `container` (prometheus-engine v0.17.2
 *   `pkg/operator/apis/monitoring/v1/pod_config.go`, `pod_types.go` TargetLabels); `Rules` are
 *   evaluated scoped to their own cluster and namespace (`rules_config.go`).
 *
 * So `namespace` + `job` select exactly this fleet's series under either collector; the alert
 * expressions themselves come from the one renderer (`shared/prometheusRules.ts`).
 */
import type * as k8s from "@pulumi/kubernetes";
import {
  DEFAULT_METRICS_PORT,
  fleetAlerts,
  prometheusRuleGroup,
  type PromRuleGroup,
  type PromSelectors,
} from "../shared";
import { objectLabels, selectorLabels } from "./common";
import type { FleetContext } from "./context";
import type { ResolvedMonitoring } from "./resolveMonitoring";
import { METRICS_PORT_NAME } from "./workload";

/**
 * How often the collector scrapes: every rate window of the alerts (120 s) spans four scrapes,
 * and a sample every 30 s keeps Managed Prometheus's per-sample cost at half of 15 s.
 */
export const SCRAPE_INTERVAL = "30s";
/** The redis exporter's listener (its default `:9121`, oliver006/redis_exporter `main.go`). */
export const REDIS_EXPORTER_PORT = 9121;

type Collector = ResolvedMonitoring["collector"];

const KINDS: Record<Collector, { apiVersion: string; monitor: string; rules: string }> = {
  "prometheus-operator": {
    apiVersion: "monitoring.coreos.com/v1",
    monitor: "PodMonitor",
    rules: "PrometheusRule",
  },
  "gke-managed-prometheus": {
    apiVersion: "monitoring.googleapis.com/v1",
    monitor: "PodMonitoring",
    rules: "Rules",
  },
};

/** The `job` label the collector gives the targets of the monitor named `monitorName`. */
export function jobLabel(monitoring: ResolvedMonitoring, monitorName: string): string {
  return monitoring.collector === "prometheus-operator"
    ? `${monitoring.namespaceName}/${monitorName}`
    : monitorName;
}

/** Label matchers for this fleet's app series and, with the exporter, its Redis series. */
export function fleetSelectors(ctx: FleetContext, monitoring: ResolvedMonitoring): PromSelectors {
  const matchers = (monitor: string) =>
    `namespace=${JSON.stringify(monitoring.namespaceName)},job=${JSON.stringify(jobLabel(monitoring, monitor))}`;
  return {
    app: matchers(ctx.names.podMonitor),
    ...(monitoring.redisExporter ? { redis: matchers(ctx.names.redisMonitor) } : {}),
  };
}

/** The fleet's alerts as the rule group every target renders, with this fleet's matchers. */
export function fleetRuleGroup(ctx: FleetContext, monitoring: ResolvedMonitoring): PromRuleGroup {
  return prometheusRuleGroup(
    fleetAlerts({ connectionsPerNode: ctx.capacity.connectionsPerNode }),
    fleetSelectors(ctx, monitoring),
  );
}

/** The monitor (PodMonitor or PodMonitoring) of the fleet's pods, or of the redis exporter. */
export function monitorArgs(
  ctx: FleetContext,
  monitoring: ResolvedMonitoring,
  component: "server" | "redis",
): k8s.apiextensions.CustomResourceArgs {
  const kinds = KINDS[monitoring.collector];
  const endpoint = { port: METRICS_PORT_NAME, path: "/metrics", interval: SCRAPE_INTERVAL };
  const selector = { matchLabels: selectorLabels(ctx.name, component) };
  return {
    apiVersion: kinds.apiVersion,
    kind: kinds.monitor,
    metadata: {
      name: component === "server" ? ctx.names.podMonitor : ctx.names.redisMonitor,
      namespace: ctx.namespace,
      labels: { ...objectLabels(ctx.name, component), ...monitoring.labels },
    },
    spec:
      monitoring.collector === "prometheus-operator"
        ? { selector, podMetricsEndpoints: [endpoint] }
        : { selector, endpoints: [endpoint] },
  };
}

/** The rule object (PrometheusRule or Rules) holding the fleet's alert group. */
export function rulesArgs(
  ctx: FleetContext,
  monitoring: ResolvedMonitoring,
): k8s.apiextensions.CustomResourceArgs {
  const kinds = KINDS[monitoring.collector];
  return {
    apiVersion: kinds.apiVersion,
    kind: kinds.rules,
    metadata: {
      name: ctx.names.rules,
      namespace: ctx.namespace,
      labels: { ...objectLabels(ctx.name, "server"), ...monitoring.labels },
    },
    spec: { groups: [fleetRuleGroup(ctx, monitoring)] },
  };
}

/** The metrics port numbers a NetworkPolicy admits from `monitoring.namespaces`. */
export const METRICS_PORTS = { server: DEFAULT_METRICS_PORT, redis: REDIS_EXPORTER_PORT } as const;
