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
 *   of the managed replication group, `MAX` across them, against threshold × 100. Not rendered for
 *   an external Redis (nothing to read) nor for ElastiCache Serverless, which has no memory
 *   ratio (its `BytesUsedForCache` against `maxDataStorageGb` is not wired yet).
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
import * as pulumi from "@pulumi/pulumi";
import { ALERT_NAMES, type FleetAlert } from "../shared";

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

const OPERATORS = { ">": "GreaterThanThreshold", "<": "LessThanThreshold" } as const;

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
  return [...shared, ...awsOnlyAlarms(alerts, t)];
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

/** Alarms only AWS can raise, each with its threshold's reason. */
function awsOnlyAlarms(alerts: FleetAlert[], t: AlarmTargets): AlarmDefinition[] {
  // UnHealthyHostCount is the ALB's view of the Prometheus-only "node down" alert: same duration.
  const nodeDown = alerts.find((a) => a.name === ALERT_NAMES.nodeDown);
  const unhealthyPeriods = Math.max(
    1,
    Math.ceil((nodeDown?.forSeconds ?? 120) / ALARM_PERIOD_SECONDS),
  );
  const base = (periods: number, description: string) => ({
    alarmDescription: description.slice(0, MAX_ALARM_DESCRIPTION),
    comparisonOperator: OPERATORS[">"],
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    alarmActions: t.actions,
    okActions: t.actions,
  });
  const alb = { LoadBalancer: t.loadBalancer };
  const definitions: AlarmDefinition[] = [
    {
      suffix: "AlbElb5xx",
      missingDataReason:
        "the ALB publishes HTTPCode_ELB_5XX_Count only for minutes with such responses",
      args: {
        ...base(
          3,
          "The load balancer itself answers 5xx (502/503/504): no healthy task, or tasks resetting connections. " +
            "Threshold: more than 5 a minute for 3 minutes; a task stopping abnormally costs a handful of " +
            "in-flight polls once, not minutes of them.",
        ),
        namespace: "AWS/ApplicationELB",
        metricName: "HTTPCode_ELB_5XX_Count",
        period: ALARM_PERIOD_SECONDS,
        dimensions: alb,
        statistic: "Sum",
        threshold: 5,
        treatMissingData: "notBreaching",
      },
    },
    {
      suffix: "AlbUnhealthyHosts",
      missingDataReason:
        "no datapoints while the target group has no registered targets (a replacement): that is not an unhealthy task",
      args: {
        ...base(
          unhealthyPeriods,
          "A task fails the ALB's /readyz check: draining without exiting, or never reached Redis. " +
            "The cloud side of the Prometheus-only node-down alert, over the same duration.",
        ),
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        period: ALARM_PERIOD_SECONDS,
        dimensions: { TargetGroup: t.targetGroup, ...alb },
        statistic: "Maximum",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
    },
    {
      suffix: "EcsCpuHigh",
      missingDataReason: "ECS publishes every minute while the service runs; a gap keeps the state",
      args: {
        ...base(
          10,
          "A task's CPU stays above 80 % for 10 minutes: Node's one event loop is saturated (broadcast " +
            "storm, too many polling clients) and autoscaling is at its maximum or off.",
        ),
        namespace: "AWS/ECS",
        metricName: "CPUUtilization",
        period: ALARM_PERIOD_SECONDS,
        dimensions: t.ecs,
        statistic: "Maximum",
        threshold: 80,
        treatMissingData: "missing",
      },
    },
    {
      suffix: "EcsMemoryHigh",
      missingDataReason: "ECS publishes every minute while the service runs; a gap keeps the state",
      args: {
        ...base(
          5,
          "A task uses more than 85 % of its memory for 5 minutes: connections cost memory, and the " +
            "capacity keeps half of it as headroom, so this task is far above its capacity or leaking.",
        ),
        namespace: "AWS/ECS",
        metricName: "MemoryUtilization",
        period: ALARM_PERIOD_SECONDS,
        dimensions: t.ecs,
        statistic: "Maximum",
        threshold: 85,
        treatMissingData: "missing",
      },
    },
  ];
  if (t.redis === undefined) return definitions;
  return [
    ...definitions,
    ...memberAlarms("RedisEngineCpuHigh", t.redis, {
      metricName: "EngineCPUUtilization",
      stat: "Maximum",
      combine: "MAX",
      common: base(
        5,
        "Redis's engine thread (one core) is above 80 % for 5 minutes on a node: publishes queue up " +
          "and broadcasts slow down. Use the redis-sharded adapter, more shards or a larger node.",
      ),
      threshold: 80,
      treatMissingData: "missing",
      missingDataReason:
        "ElastiCache publishes every minute; a gap (a node being replaced) keeps the alarm's state",
    }),
    ...memberAlarms("RedisEvictions", t.redis, {
      metricName: "Evictions",
      stat: "Sum",
      combine: "SUM",
      common: base(
        1,
        "Redis evicts keys: its memory is full, so streams-adapter entries and recovery sessions are lost. " +
          "Any eviction in a minute fires: none is normal for a pub/sub Redis.",
      ),
      threshold: 0,
      treatMissingData: "notBreaching",
      missingDataReason: "a minute without an Evictions datapoint evicted nothing",
    }),
  ];
}

interface MemberAlarm {
  metricName: string;
  stat: "Maximum" | "Sum";
  combine: "MAX" | "SUM";
  common: aws.cloudwatch.MetricAlarmArgs;
  threshold: number;
  treatMissingData: string;
  missingDataReason: string;
}

/**
 * One metric-math alarm per `MEMBERS_PER_ALARM` member clusters: member ids come from the
 * replication group (an output), their number from the args (a plain count), so the set of
 * alarms is known before the group exists.
 */
function memberAlarms(
  suffix: string,
  redis: NonNullable<AlarmTargets["redis"]>,
  m: MemberAlarm,
): AlarmDefinition[] {
  const chunks = Math.ceil(redis.memberCount / MEMBERS_PER_ALARM);
  return Array.from({ length: chunks }, (_, chunk) => {
    return {
      suffix: chunks === 1 ? suffix : `${suffix}-${chunk + 1}`,
      missingDataReason: m.missingDataReason,
      args: {
        ...m.common,
        threshold: m.threshold,
        treatMissingData: m.treatMissingData,
        metricQueries: memberQueries(redis.memberClusters, chunk, m),
      },
    };
  });
}

function memberQueries(
  members: pulumi.Input<string[]>,
  chunk: number,
  m: MemberAlarm,
): pulumi.Input<aws.types.input.cloudwatch.MetricAlarmMetricQuery[]> {
  const build = (all: string[] | undefined) => {
    const ids = [...(all ?? [])]
      .sort()
      .slice(chunk * MEMBERS_PER_ALARM, (chunk + 1) * MEMBERS_PER_ALARM);
    return [
      ...ids.map((id, i) => ({
        id: `m${i}`,
        metric: {
          namespace: "AWS/ElastiCache",
          metricName: m.metricName,
          dimensions: { CacheClusterId: id },
          period: ALARM_PERIOD_SECONDS,
          stat: m.stat,
        },
        returnData: false,
      })),
      {
        id: "e0",
        expression: `${m.combine}(METRICS())`,
        label: `${m.metricName} (${m.combine === "MAX" ? "highest" : "sum"} over member clusters)`,
        returnData: true,
      },
    ];
  };
  return pulumi.output(members).apply(build);
}

function describe(alert: FleetAlert): string {
  return `${alert.summary}. ${alert.description} Threshold: ${alert.thresholdReason}`.slice(
    0,
    MAX_ALARM_DESCRIPTION,
  );
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
