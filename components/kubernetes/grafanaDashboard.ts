/**
 * The fleet's Grafana dashboard, shipped as a ConfigMap for the Grafana sidecar (k8s-sidecar),
 * which loads every ConfigMap carrying its label into Grafana. The label: the Grafana chart's
 * sidecar looks for `grafana_dashboard` with any value (`sidecar.dashboards.label`, `labelValue:
 * ""`, `searchNamespace: null` = its own namespace only; grafana/helm-charts
 * `charts/grafana/values.yaml`, chart 10.5.15); kube-prometheus-stack sets `labelValue: "1"` and
 * `searchNamespace: ALL` (prometheus-community/helm-charts `charts/kube-prometheus-stack/values.yaml`,
 * chart 88.5.3). `grafana_dashboard: "1"` satisfies both.
 *
 * The panels query a `datasource` template variable (any Prometheus data source: the operator's
 * Prometheus, or Managed Prometheus through its Grafana data source syncer) with this fleet's
 * matchers, the same ones the alerts use.
 */
import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { METRIC_NAMES, type PromSelectors } from "../shared";
import { objectLabels } from "./common";

/** The label (and value) the Grafana sidecar loads dashboards from. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

export interface DashboardInput {
  /** Component name: the title and the ConfigMap's key. */
  name: string;
  namespaceName: string;
  selectors: PromSelectors;
  connectionsPerNode: number;
}

interface Panel {
  title: string;
  /** PromQL and legend, per series. */
  targets: [expr: string, legend: string][];
  unit: string;
  /** A red threshold line, e.g. the capacity. */
  threshold?: number;
  kind?: "timeseries" | "stat";
}

const M = METRIC_NAMES;

/** The panels, in reading order (two per row). */
export function dashboardPanels(input: DashboardInput): Panel[] {
  const app = input.selectors.app;
  const rate = (metric: string) => `rate(${metric}{${app}}[$__rate_interval])`;
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum by (le, role) (${rate(`${M.redisRoundTripSeconds}_bucket`)}))`;
  const panels: Panel[] = [
    {
      title: "Connected clients per node",
      targets: [[`${M.connectedClients}{${app}}`, "{{pod}}"]],
      unit: "short",
      threshold: input.connectionsPerNode,
    },
    {
      title: "Connected clients by transport",
      targets: [[`sum by (transport) (${M.connectedClientsByTransport}{${app}})`, "{{transport}}"]],
      unit: "short",
    },
    {
      title: 'Unknown-session rate ("Session ID unknown": stickiness broken)',
      targets: [[`sum(${rate(M.unknownSessions)})`, "unknown sessions/s"]],
      unit: "reqps",
    },
    {
      title: "Connection errors by reason",
      targets: [[`sum by (reason) (${rate(M.handshakeFailures)})`, "{{reason}}"]],
      unit: "reqps",
    },
    {
      title: "Disconnects by reason",
      targets: [[`sum by (reason) (${rate(M.disconnects)})`, "{{reason}}"]],
      unit: "ops",
    },
    {
      title: "Adapter messages per second",
      targets: [
        [`sum(${rate(M.adapterMessagesPublished)})`, "published"],
        [`sum(${rate(M.adapterMessagesReceived)})`, "received"],
      ],
      unit: "ops",
    },
    {
      title: "Redis round trip p50 / p99",
      targets: [
        [quantile(0.5), "p50 {{role}}"],
        [quantile(0.99), "p99 {{role}}"],
      ],
      unit: "s",
    },
    {
      title: "Redis connected (1 = every connection of the role ready)",
      targets: [[`${M.redisConnected}{${app}}`, "{{pod}} {{role}}"]],
      unit: "short",
    },
    {
      title: "Ready nodes",
      targets: [[`sum(${M.ready}{${app}})`, "ready"]],
      unit: "short",
      kind: "stat",
    },
  ];
  if (input.selectors.redis !== undefined) {
    const redis = input.selectors.redis;
    panels.push({
      title: "Redis memory used / maxmemory",
      targets: [
        [`redis_memory_used_bytes{${redis}} / (redis_memory_max_bytes{${redis}} > 0)`, "{{pod}}"],
      ],
      unit: "percentunit",
      threshold: 0.8,
    });
  }
  return panels;
}

/** A stable dashboard uid (Grafana allows 40 characters) for the fleet. */
export function dashboardUid(namespaceName: string, name: string): string {
  const hash = createHash("sha256").update(`${namespaceName}/${name}`).digest("hex");
  return `socketio-${hash.slice(0, 16)}`;
}

/** The dashboard JSON model (Grafana's `dashboard` object, as a provisioned file holds it). */
export function grafanaDashboard(input: DashboardInput): Record<string, unknown> {
  const datasource = { type: "prometheus", uid: "${datasource}" };
  const panels = dashboardPanels(input).map((p, i) => ({
    id: i + 1,
    type: p.kind ?? "timeseries",
    title: p.title,
    datasource,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: {
      defaults: {
        unit: p.unit,
        ...(p.threshold === undefined
          ? {}
          : {
              thresholds: {
                mode: "absolute",
                steps: [
                  { color: "green", value: null },
                  { color: "red", value: p.threshold },
                ],
              },
              custom: { thresholdsStyle: { mode: "line" } },
            }),
      },
      overrides: [],
    },
    targets: p.targets.map(([expr, legendFormat], j) => ({
      refId: String.fromCharCode(65 + j),
      datasource,
      expr,
      legendFormat,
    })),
  }));
  return {
    uid: dashboardUid(input.namespaceName, input.name),
    title: `Socket.IO fleet ${input.namespaceName}/${input.name}`,
    tags: ["socketio-fleet"],
    timezone: "browser",
    refresh: "30s",
    time: { from: "now-3h", to: "now" },
    schemaVersion: 39,
    templating: {
      list: [
        {
          name: "datasource",
          label: "Data source",
          type: "datasource",
          query: "prometheus",
          current: {},
          hide: 0,
        },
      ],
    },
    panels,
  };
}

/** The ConfigMap the Grafana sidecar loads (key `<name>.json`). */
export function dashboardConfigMapArgs(
  input: DashboardInput,
  configMapName: string,
  namespace: pulumi.Input<string>,
): k8s.core.v1.ConfigMapArgs {
  return {
    metadata: {
      name: configMapName,
      namespace,
      labels: { ...objectLabels(input.name, "server"), ...GRAFANA_DASHBOARD_LABEL },
    },
    data: { [`${input.name}.json`]: JSON.stringify(grafanaDashboard(input), null, 2) },
  };
}
