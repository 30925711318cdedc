/**
 * The fleet's CloudWatch dashboard: the app's signals (from the collector) beside the ALB, ECS and
 * ElastiCache metrics. The body follows "Dashboard Body Structure and Syntax" (CloudWatch API
 * reference): `widgets[]` of `type: "metric"` with `x`, `y`, `width`, `height` (24 columns) and
 * `properties.{metrics, region, title, view, period, stat, annotations}`; a metric row is
 * `[namespace, name, dimension, value, …, { stat, label }]`. `dashboardName` forces a new
 * dashboard (terraform-provider-aws `cloudwatch/dashboard.go`), so it is plain, never a lookup.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  METRIC_NAMES,
  REDIS_MEMORY_RATIO_LIMIT,
  UNKNOWN_SESSION_FLOOR_PER_SECOND,
} from "../shared";
import { ALARM_PERIOD_SECONDS } from "./alarms";
import {
  SERVERLESS_BYTES_PER_GB,
  serverlessEcpuThresholdPerPeriod,
  serverlessMemoryThresholdBytes,
} from "./serverlessAlarms";

export interface DashboardScope {
  region: string;
  namespace: string;
  appDimensions: Record<string, string>;
  ecs: { ClusterName: string; ServiceName: string };
  loadBalancer: string;
  targetGroup: string;
  /** Member clusters of the managed replication group (none: no ElastiCache widgets). */
  redisMembers: string[];
  /** The ElastiCache Serverless cache: its name (`clusterId`) and limits (none: no widgets). */
  serverlessCache?: { name: string; maxDataStorageGb: number; maxEcpuPerSecond: number };
  connectionsPerNode: number;
}

type MetricRow = (string | Record<string, unknown>)[];

/** The dashboard body as an object (JSON-encoded by `createDashboard`). */
export function dashboardBody(s: DashboardScope): { widgets: Record<string, unknown>[] } {
  const app = (metric: string, stat: string, label: string): MetricRow => [
    s.namespace,
    metric,
    ...Object.entries(s.appDimensions).flat(),
    { stat, label },
  ];
  const ecs = (metric: string, stat: string): MetricRow => [
    "AWS/ECS",
    metric,
    "ClusterName",
    s.ecs.ClusterName,
    "ServiceName",
    s.ecs.ServiceName,
    { stat, label: `${metric} (${stat.toLowerCase()} task)` },
  ];
  const alb = (metric: string, stat: string, withTargetGroup: boolean): MetricRow => [
    "AWS/ApplicationELB",
    metric,
    ...(withTargetGroup ? ["TargetGroup", s.targetGroup] : []),
    "LoadBalancer",
    s.loadBalancer,
    { stat, label: metric },
  ];
  const redis = (metric: string, stat: string): MetricRow[] =>
    s.redisMembers.map((id) => [
      "AWS/ElastiCache",
      metric,
      "CacheClusterId",
      id,
      { stat, label: `${metric} ${id}` },
    ]);
  const widgets: [string, MetricRow[], Record<string, unknown>?][] = [
    [
      "Connected clients per task",
      [
        app(METRIC_NAMES.connectedClients, "Average", "average task"),
        app(METRIC_NAMES.connectedClients, "Maximum", "busiest task"),
      ],
      { horizontal: [{ label: "capacity (connectionsPerNode)", value: s.connectionsPerNode }] },
    ],
    [
      "Unknown sessions per minute (stickiness)",
      [app(METRIC_NAMES.unknownSessions, "Sum", "Session ID unknown")],
      {
        horizontal: [
          {
            label: "alert floor",
            value: UNKNOWN_SESSION_FLOOR_PER_SECOND * ALARM_PERIOD_SECONDS,
          },
        ],
      },
    ],
    [
      "Redis connected / ready (lowest task)",
      [
        app(METRIC_NAMES.redisConnected, "Minimum", "Redis connected"),
        app(METRIC_NAMES.ready, "Minimum", "ready"),
      ],
    ],
    [
      "Failed requests and disconnects per minute",
      [
        app(METRIC_NAMES.handshakeFailures, "Sum", "connection errors"),
        app(METRIC_NAMES.disconnects, "Sum", "disconnects"),
      ],
    ],
    [
      "Adapter messages per minute",
      [
        app(METRIC_NAMES.adapterMessagesPublished, "Sum", "published"),
        app(METRIC_NAMES.adapterMessagesReceived, "Sum", "received"),
      ],
    ],
    [
      "Redis round trip (seconds)",
      [
        app(METRIC_NAMES.redisRoundTripSeconds, "Average", "average"),
        app(METRIC_NAMES.redisRoundTripSeconds, "Maximum", "slowest"),
      ],
    ],
    [
      "Load balancer",
      [
        alb("HTTPCode_ELB_5XX_Count", "Sum", false),
        alb("HTTPCode_Target_4XX_Count", "Sum", false),
        alb("UnHealthyHostCount", "Maximum", true),
        alb("HealthyHostCount", "Minimum", true),
      ],
    ],
    [
      "ECS tasks: CPU and memory (%)",
      [
        ecs("CPUUtilization", "Average"),
        ecs("CPUUtilization", "Maximum"),
        ecs("MemoryUtilization", "Maximum"),
      ],
    ],
  ];
  if (s.redisMembers.length > 0) {
    widgets.push(
      [
        "Redis memory and engine CPU (%)",
        [
          ...redis("DatabaseMemoryUsagePercentage", "Maximum"),
          ...redis("EngineCPUUtilization", "Maximum"),
        ],
      ],
      ["Redis evictions", redis("Evictions", "Sum")],
    );
  }
  if (s.serverlessCache !== undefined) widgets.push(...serverlessWidgets(s.serverlessCache));
  return {
    widgets: widgets.map(([title, metrics, annotations], i) => ({
      type: "metric",
      x: (i % 2) * 12,
      y: Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title,
        region: s.region,
        view: "timeSeries",
        period: ALARM_PERIOD_SECONDS,
        metrics,
        ...(annotations === undefined ? {} : { annotations }),
      },
    })),
  };
}

/** ElastiCache Serverless: data stored and ECPUs against their limits, throttling, evictions. */
function serverlessWidgets(
  c: NonNullable<DashboardScope["serverlessCache"]>,
): [string, MetricRow[], Record<string, unknown>?][] {
  const row = (metric: string, stat: string, label: string): MetricRow => [
    "AWS/ElastiCache",
    metric,
    "clusterId",
    c.name,
    { stat, label },
  ];
  return [
    [
      "Redis data stored (bytes)",
      [row("BytesUsedForCache", "Maximum", "BytesUsedForCache")],
      {
        horizontal: [
          {
            label: "memory alert",
            value: serverlessMemoryThresholdBytes(REDIS_MEMORY_RATIO_LIMIT, c.maxDataStorageGb),
          },
          { label: "maxDataStorageGb", value: c.maxDataStorageGb * SERVERLESS_BYTES_PER_GB },
        ],
      },
    ],
    [
      "Redis ECPUs per minute",
      [row("ElastiCacheProcessingUnits", "Sum", "ECPUs")],
      {
        horizontal: [
          { label: "ECPU alert", value: serverlessEcpuThresholdPerPeriod(c.maxEcpuPerSecond) },
          { label: "maxEcpuPerSecond × 60", value: c.maxEcpuPerSecond * ALARM_PERIOD_SECONDS },
        ],
      },
    ],
    [
      "Redis throttled commands and evictions per minute",
      [row("ThrottledCmds", "Sum", "throttled commands"), row("Evictions", "Sum", "evictions")],
    ],
  ];
}

/** Hex digits of the dashboard name's suffix (as the GCP ids' `fleetIds`). */
export const DASHBOARD_SUFFIX_LENGTH = 6;

/**
 * The dashboard's name: the task family (`<name>-<stack>`) and a suffix from the Pulumi project,
 * stack and component name. "All dashboards in your account are global, not region-specific",
 * and PutDashboard "modifies that dashboard, replacing its current contents" when the name exists
 * (CloudWatch API reference, PutDashboard): with the family alone, two Pulumi projects with the
 * same fleet and stack names in one account (e.g. one per region) would silently overwrite each
 * other's dashboard, and destroying one would delete the other's. Names allow
 * `[A-Za-z0-9_-]`, at most 255 characters (the family is sanitized to that set already).
 */
export function dashboardNameOf(
  family: string,
  project: string,
  stack: string,
  name: string,
): string {
  const suffix = createHash("sha256").update(`${project}/${stack}/${name}`).digest("hex");
  return `${family}-${suffix.slice(0, DASHBOARD_SUFFIX_LENGTH)}`;
}

/** The dashboard, named `dashboardName` (plain; `dashboardNameOf`). */
export function createDashboard(
  name: string,
  dashboardName: string,
  scope: pulumi.Input<DashboardScope>,
  parent: pulumi.Resource,
): aws.cloudwatch.Dashboard {
  return new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    {
      dashboardName,
      dashboardBody: pulumi.output(scope).apply((s) => JSON.stringify(dashboardBody(s))),
    },
    { parent },
  );
}
