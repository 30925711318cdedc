/**
 * CloudWatch alarms of an AWS fleet: every shared alert (`shared/alerts.ts`) that is not
 * Prometheus-only, rendered from the catalog's own signal, comparison, threshold and duration
 * (no threshold is restated here), plus the AWS-only alarms below, each with its reason.
 *
 * How a shared alert becomes an alarm (one-minute periods; "for N seconds" = N/60 periods, all
 * breaching, like Prometheus' `for`):
 * - `counter`: `Sum` of the EMF deltas per period (the fleet-wide count per minute) against
 *   threshold × 60 (the catalog's threshold is a rate per second);
 * - `gauge-each`: `Maximum` across tasks for `>`, `Minimum` for `<` (every task writes into the
 *   one `[ClusterName, TaskFamily]` series, so the extreme is the worst node);
 * - `redis-memory`: ElastiCache `DatabaseMemoryUsagePercentage` (0–100) of every member cluster
 *   of the managed replication group, `MAX` across them, against threshold × 100; on ElastiCache
 *   Serverless, `BytesUsedForCache` against threshold × the data-storage limit in bytes
 *   (`serverlessAlarms.ts`). Not rendered for an external Redis (nothing to read).
 *
 * Inputs checked against hashicorp/terraform-provider-aws
 * `internal/service/cloudwatch/metric_alarm.go`: `period` 10, 20, 30 or a multiple of 60;
 * `metric_query` conflicts with `metric_name`/`namespace`/`period`/`statistic`/`dimensions`;
 * `alarm_description` at most 1024 characters; `ok_actions` at most 5; `alarm_name` forces a new
 * alarm (here it is auto-named from the child name, so it never changes). `datapointsToAlarm` ≤
 * `evaluationPeriods` (PutMetricAlarm API). A metric-math alarm holds at most 20 queries
 * (typings), so member clusters go 19 to an alarm.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { FleetAlert } from "../shared";
import {
  type ServerlessCacheTarget,
  serverlessAlarms,
  serverlessMemoryAlarm,
} from "./serverlessAlarms";
import { awsOnlyAlarms, memberAlarms } from "./serviceAlarms";

/** Every alarm evaluates one-minute periods (what ALB, ECS and ElastiCache publish). */
export const ALARM_PERIOD_SECONDS = 60;
/** Metrics per metric-math alarm (20 queries, one of them the expression). */
export const MEMBERS_PER_ALARM = 19;
/** CloudWatch's limit on `alarmDescription`. */
export const MAX_ALARM_DESCRIPTION = 1024;

/** What the alarms watch, as the fleet knows it. */
export interface AlarmTargets {
  /** Namespace of the app metrics (`monitoring.namespace`). */
  namespace: string;
  /** Dimensions of the app metrics (`appMetricDimensions`). */
  appDimensions: Record<string, pulumi.Input<string>>;
  /** `AWS/ECS` service dimensions. */
  ecs: { ClusterName: pulumi.Input<string>; ServiceName: pulumi.Input<string> };
  /** `arnSuffix` of the ALB and of its target group. */
  loadBalancer: pulumi.Input<string>;
  targetGroup: pulumi.Input<string>;
  /** The managed replication group's member clusters and how many there are (a plain count). */
  redis?: { memberClusters: pulumi.Input<string[]>; memberCount: number };
  /** The ElastiCache Serverless cache (`redis.mode: "serverless"`). */
  serverless?: ServerlessCacheTarget;
  /** SNS topic ARNs notified on ALARM and OK. */
  actions: pulumi.Input<string>[];
}

/** One alarm to create: its child-name suffix, its args and why missing data is treated so. */
export interface AlarmDefinition {
  suffix: string;
  /** Why `treatMissingData` is what it is. */
  missingDataReason: string;
  args: aws.cloudwatch.MetricAlarmArgs;
}

export const OPERATORS = { ">": "GreaterThanThreshold", "<": "LessThanThreshold" } as const;

/** Missing data of an app metric: the collector writes every scrape, so a gap is no signal. */
const APP_GAUGE_MISSING =
  "a gap means no task reported (no tasks, or no collector): it proves neither failure nor health, " +
  "so the alarm keeps its state and shows INSUFFICIENT_DATA when every task is silent";
const APP_COUNTER_MISSING =
  "a period without deltas (a task's first scrape only sets the counter's baseline) has no failures in it";

/** The alarms of every alert of `alerts` that CloudWatch can evaluate, then the AWS-only ones. */
export function fleetAlarmDefinitions(alerts: FleetAlert[], t: AlarmTargets): AlarmDefinition[] {
  const shared = alerts
    .filter((alert) => alert.prometheusOnly !== true)
    .flatMap((alert) => sharedAlarms(alert, t));
  const serverless = t.serverless === undefined ? [] : serverlessAlarms(t.serverless, t.actions);
  return [...shared, ...awsOnlyAlarms(alerts, t), ...serverless];
}

function sharedAlarms(alert: FleetAlert, t: AlarmTargets): AlarmDefinition[] {
  const periods = Math.max(1, Math.ceil(alert.forSeconds / ALARM_PERIOD_SECONDS));
  const common = {
    alarmDescription: describe(alert),
    comparisonOperator: OPERATORS[alert.comparison],
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    alarmActions: t.actions,
    okActions: t.actions,
  };
  const s = alert.signal;
  switch (s.kind) {
    case "counter":
      refuseLabels(alert, s.labels);
      return [
        {
          suffix: alert.name,
          missingDataReason: APP_COUNTER_MISSING,
          args: {
            ...common,
            namespace: t.namespace,
            metricName: s.metric,
            dimensions: t.appDimensions,
            statistic: "Sum",
            period: ALARM_PERIOD_SECONDS,
            threshold: alert.threshold * ALARM_PERIOD_SECONDS,
            treatMissingData: "notBreaching",
          },
        },
      ];
    case "gauge-each":
      refuseLabels(alert, s.labels);
      return [
        {
          suffix: alert.name,
          missingDataReason: APP_GAUGE_MISSING,
          args: {
            ...common,
            namespace: t.namespace,
            metricName: s.metric,
            dimensions: t.appDimensions,
            statistic: alert.comparison === ">" ? "Maximum" : "Minimum",
            period: ALARM_PERIOD_SECONDS,
            threshold: alert.threshold,
            treatMissingData: "missing",
          },
        },
      ];
    case "redis-memory":
      if (t.serverless !== undefined) return [serverlessMemoryAlarm(alert, common, t.serverless)];
      if (t.redis === undefined) return [];
      return memberAlarms(alert.name, t.redis, {
        metricName: "DatabaseMemoryUsagePercentage",
        stat: "Maximum",
        combine: "MAX",
        common,
        threshold: alert.threshold * 100,
        treatMissingData: "missing",
        missingDataReason:
          "ElastiCache publishes every minute; a gap (a node being replaced) keeps the alarm's state",
      });
    case "scrape-down":
      throw new Error(
        `alert ${alert.name}: a scrape-down signal exists only where Prometheus scrapes; mark it prometheusOnly`,
      );
  }
}

function describe(alert: FleetAlert): string {
  return fitDescription(
    `${alert.summary}. ${alert.description} Threshold: ${alert.thresholdReason}`,
  );
}

/**
 * `text` within CloudWatch's 1024 characters: whole sentences and "…" when it is longer, so a
 * notification never ends mid-word.
 */
export function fitDescription(text: string): string {
  if (text.length <= MAX_ALARM_DESCRIPTION) return text;
  const room = text.slice(0, MAX_ALARM_DESCRIPTION - 1);
  const end = room.lastIndexOf(". ");
  return `${end > 0 ? room.slice(0, end + 1) : room}…`;
}

/** The EMF series folds every label into one, so a label-selected signal cannot be rendered. */
function refuseLabels(alert: FleetAlert, labels: Record<string, string> | undefined) {
  if (labels !== undefined && Object.keys(labels).length > 0) {
    throw new Error(
      `alert ${alert.name}: CloudWatch app metrics have no labels (dimensions ${"[ClusterName, TaskFamily]"}); ` +
        "add the label as an EMF dimension before alerting on it",
    );
  }
}
