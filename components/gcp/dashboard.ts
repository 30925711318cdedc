/**
 * The fleet's Cloud Monitoring dashboard: PromQL charts of the app's signals (the same metric
 * names the alerts read), with the alert thresholds drawn in. Dashboard JSON as the API takes it
 * (`mosaicLayout.tiles[].widget.xyChart.dataSets[].timeSeriesQuery.prometheusQuery`,
 * cloud.google.com/monitoring/dashboards/api-examples).
 *
 * Perpetual diffs (terraform-provider-google #16173): the provider compares the JSON it sent with
 * what the API returns after dropping the keys the config does not set, but the API also drops
 * default values (a tile's `xPos: 0`, empty strings, `false`, empty lists), which then read as
 * changes on every `up`. So the JSON written here never holds a default value (`withoutDefaults`),
 * and the keys the API adds (`etag`, `name`, `targetAxis`…) are ignored by the provider.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { REDIS_MEMORY_RATIO_LIMIT, UNKNOWN_SESSION_FLOOR_PER_SECOND } from "../shared/alerts";
import { METRIC_NAMES } from "../shared/metricNames";
import type { GcpFleetTransforms } from "./args";

/** Width of the mosaic grid, and of one chart (two charts per row). */
export const DASHBOARD_COLUMNS = 48;
const TILE = { width: 24, height: 16 } as const;

interface Chart {
  title: string;
  /** PromQL queries, one line set each. */
  queries: string[];
  /** Alert thresholds drawn as lines. */
  thresholds?: { value: number; label: string }[];
}

/** The charts of the fleet whose app series `app` selects. */
export function dashboardCharts(
  app: string,
  connectionsPerNode: number,
  redisRatio?: string,
): Chart[] {
  const rate = (metric: string, by?: string) =>
    `sum${by === undefined ? "" : ` by (${by})`} (rate(${metric}{${app}}[5m]))`;
  const charts: Chart[] = [
    {
      title: "Connected clients per node",
      queries: [`sum by (instance) (${METRIC_NAMES.connectedClients}{${app}})`],
      thresholds: [{ value: connectionsPerNode, label: "capacity" }],
    },
    {
      title: "Connected clients by transport",
      queries: [`sum by (transport) (${METRIC_NAMES.connectedClientsByTransport}{${app}})`],
    },
    {
      title: "Unknown sessions per second (stickiness)",
      queries: [rate(METRIC_NAMES.unknownSessions)],
      thresholds: [{ value: UNKNOWN_SESSION_FLOOR_PER_SECOND, label: "alert" }],
    },
    {
      title: "Connection errors per second by reason",
      queries: [rate(METRIC_NAMES.handshakeFailures, "reason")],
    },
    {
      title: "Disconnects per second by reason",
      queries: [rate(METRIC_NAMES.disconnects, "reason")],
    },
    {
      title: "Adapter messages per second (published, received)",
      queries: [
        rate(METRIC_NAMES.adapterMessagesPublished),
        rate(METRIC_NAMES.adapterMessagesReceived),
      ],
    },
    {
      title: "Redis round trip p99 (seconds)",
      queries: [
        `histogram_quantile(0.99, sum by (le, role) (rate(${METRIC_NAMES.redisRoundTripSeconds}_bucket{${app}}[5m])))`,
      ],
    },
    {
      title: "Nodes connected to Redis, ready nodes",
      queries: [
        `sum by (role) (${METRIC_NAMES.redisConnected}{${app}})`,
        `sum(${METRIC_NAMES.ready}{${app}})`,
      ],
    },
  ];
  if (redisRatio !== undefined) {
    charts.push({
      title: "Redis memory used (ratio of its limit)",
      queries: [redisRatio],
      thresholds: [{ value: REDIS_MEMORY_RATIO_LIMIT, label: "alert" }],
    });
  }
  return charts;
}

/** The dashboard's JSON object (before `JSON.stringify`), free of default values. */
export function dashboardJson(displayName: string, charts: Chart[]): Record<string, unknown> {
  const tiles = charts.map((chart, i) => ({
    xPos: (i % 2) * TILE.width,
    yPos: Math.floor(i / 2) * TILE.height,
    ...TILE,
    widget: {
      title: chart.title,
      xyChart: {
        dataSets: chart.queries.map((prometheusQuery) => ({
          timeSeriesQuery: { prometheusQuery },
          plotType: "LINE",
        })),
        thresholds: chart.thresholds,
      },
    },
  }));
  return withoutDefaults({
    displayName,
    mosaicLayout: { columns: DASHBOARD_COLUMNS, tiles },
  }) as Record<string, unknown>;
}

/** `value` without the defaults the API drops: 0, "", false, empty lists, undefined. */
export function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, withoutDefaults(v)] as const)
      .filter(
        ([, v]) =>
          v !== undefined &&
          v !== 0 &&
          v !== "" &&
          v !== false &&
          !(Array.isArray(v) && v.length === 0),
      );
    return Object.fromEntries(entries);
  }
  return value;
}

export interface DashboardOptions {
  project?: pulumi.Input<string>;
  app: pulumi.Input<string>;
  redisRatio?: pulumi.Input<string>;
  connectionsPerNode: number;
  transform: GcpFleetTransforms;
}

export function createDashboard(
  name: string,
  o: DashboardOptions,
  parent: pulumi.Resource,
): gcp.monitoring.Dashboard {
  const json = pulumi
    .all([o.app, o.redisRatio])
    .apply(([app, redisRatio]) =>
      JSON.stringify(
        dashboardJson(
          `Socket.IO fleet ${name}`,
          dashboardCharts(app, o.connectionsPerNode, redisRatio),
        ),
      ),
    );
  const args: gcp.monitoring.DashboardArgs = { project: o.project, dashboardJson: json };
  o.transform.dashboard?.(args);
  return new gcp.monitoring.Dashboard(`${name}-dashboard`, args, { parent });
}
