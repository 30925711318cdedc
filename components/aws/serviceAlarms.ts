/**
 * The alarms only AWS can raise (ALB, ECS, ElastiCache), each with its threshold's reason, and the
 * metric-math alarms over a replication group's member clusters (shared with `alarms.ts`).
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALERT_NAMES, type FleetAlert } from "../shared";
import {
  ALARM_PERIOD_SECONDS,
  type AlarmDefinition,
  type AlarmTargets,
  MAX_ALARM_DESCRIPTION,
  MEMBERS_PER_ALARM,
  OPERATORS,
} from "./alarms";

/** Alarms only AWS can raise, each with its threshold's reason. */
export function awsOnlyAlarms(alerts: FleetAlert[], t: AlarmTargets): AlarmDefinition[] {
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
    // `Maximum` of the service metric is the busiest task, `Average` the whole service (ECS
    // Developer Guide "Amazon ECS service utilization metrics").
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

export interface MemberAlarm {
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
export function memberAlarms(
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
