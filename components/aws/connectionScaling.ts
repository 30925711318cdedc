/**
 * Autoscaling on connections per task (#21), beside the CPU policy, when `autoscaling` and
 * `monitoring` are both on (the connection metric exists only where the collector runs).
 *
 * The rule:
 * - scale OUT by target tracking on the collected `socketio_connected_clients`, statistic
 *   `Average` over the one `[ClusterName, TaskFamily]` series every task writes into: the mean
 *   connections per task, tracked at `connectionsPerNode`. The CPU policy still scales out too
 *   (a broadcast storm). Both have scale-in disabled: target tracking may remove many tasks in
 *   one step (desired ≈ current × metric ÷ target), and CPU alone is low on a fleet full of idle
 *   websockets, so either would drop thousands of sockets at once.
 * - scale IN one task at a time by a step policy (`ChangeInCapacity` −1) on an alarm that fires
 *   when the busier of the two loads — connections per task ÷ `connectionsPerNode` and CPU ÷
 *   `targetCpuPercent` — stays below `SCALE_IN_LOAD_RATIO` (½) for `SCALE_IN_EVALUATION_PERIODS`
 *   minutes. With N ≥ 2 tasks below half their targets, removing one leaves N−1 tasks at most
 *   N/(N−1) ≤ 2 times as loaded: still at or below both targets, so scale-in never causes a
 *   scale-out.
 * - the step policy's cooldown bounds the speed (`scaleInCooldownSeconds`): a removal takes the
 *   deregistration delay (ECS status poll + the app's drain + margin) plus the stop timeout; then
 *   the alarm must see `SCALE_IN_EVALUATION_PERIODS` fresh minutes (plus a minute of metric
 *   ingestion) before the next decision, so it never acts on load measured before the last
 *   removal. CloudWatch repeats Auto Scaling actions while the alarm stays in ALARM ("except for
 *   Auto Scaling actions, the actions happen only on state transitions", CloudWatch User Guide
 *   "Alarm actions"), and for a scale-in step policy "the cooldown period is used to block
 *   subsequent scale-in requests until it has expired" while a scale-out still happens at once
 *   (Application Auto Scaling API, `StepScalingPolicyConfiguration.Cooldown`).
 *
 * Numbers with the defaults (1 GiB task, deregistration delay 33 s, stop timeout 30 s):
 * cooldown = ⌈(33 + 30 + 3 × 60 + 60) ÷ 60⌉ × 60 = 360 s, so at most one task every 6 minutes
 * (0.17 tasks a minute). A task removed at the scale-in condition holds under half its capacity
 * (19,600 ÷ 2 = 9,800 clients on 896 MiB left to the app); the app closes them in 40 batches
 * over ≈ 10 s (`app/src/shutdown.ts`), ≈ 980 reconnects a second spread over the survivors, and
 * at most ≈ 1,630 clients move per minute on average. Going from 10 tasks to 3 takes ≥ 42 min.
 *
 * Inputs checked against hashicorp/terraform-provider-aws
 * `internal/service/appautoscaling/policy.go`: `name`, `resource_id`, `scalable_dimension`,
 * `service_namespace` force a new policy (all fixed here); `customized_metric_specification`
 * conflicts with `predefined_metric_specification`; step bounds are strings (floats).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METRIC_NAMES } from "../shared";
import { scaleInBound } from "../shared/scaleInRules";
import { ALARM_PERIOD_SECONDS } from "./alarms";
import { STOP_TIMEOUT_SECONDS } from "./service";

/** Scale in only while both loads are below this share of their targets. */
export const SCALE_IN_LOAD_RATIO = 0.5;
/** Minutes the scale-in condition must hold. */
export const SCALE_IN_EVALUATION_PERIODS = 3;
/** Time for a minute's EMF events to become a CloudWatch datapoint (scrape + flush + ingest). */
export const METRIC_LAG_SECONDS = 60;

/**
 * The scale-in cooldown: one removal drained and gone, then fresh data (see above); and never
 * shorter than the shared bound (`shared/scaleInRules.ts`) for a task removed at the scale-in
 * condition (half its capacity) with the fewest survivors, so the survivors accept the moved
 * clients even for very large tasks (with the defaults, 9,800 clients to one survivor: 49 s, far below 360 s).
 */
export function scaleInCooldownSeconds(
  deregistrationDelaySeconds: number,
  bound?: { connectionsPerNode: number; minReplicas: number },
): number {
  const removal = deregistrationDelaySeconds + STOP_TIMEOUT_SECONDS;
  const fresh = SCALE_IN_EVALUATION_PERIODS * ALARM_PERIOD_SECONDS + METRIC_LAG_SECONDS;
  const shared =
    bound === undefined
      ? 0
      : scaleInBound(Math.ceil(bound.connectionsPerNode * SCALE_IN_LOAD_RATIO), {
          survivors: bound.minReplicas,
        }).removalPeriodSeconds;
  return Math.ceil(Math.max(removal + fresh, shared) / 60) * 60;
}

/** Tasks removed per minute at most. */
export function scaleInTasksPerMinute(deregistrationDelaySeconds: number): number {
  return 60 / scaleInCooldownSeconds(deregistrationDelaySeconds);
}

export interface ConnectionScalingOptions {
  target: aws.appautoscaling.Target;
  connectionsPerNode: number;
  targetCpuPercent: number;
  deregistrationDelaySeconds: number;
  /** The autoscaling minimum: the fewest survivors of a removal. */
  minReplicas: number;
  namespace: string;
  appDimensions: Record<string, pulumi.Input<string>>;
  ecs: { ClusterName: pulumi.Input<string>; ServiceName: pulumi.Input<string> };
}

export interface ConnectionScaling {
  connectionsPolicy: aws.appautoscaling.Policy;
  scaleInPolicy: aws.appautoscaling.Policy;
  scaleInAlarm: aws.cloudwatch.MetricAlarm;
}

export function createConnectionScaling(
  name: string,
  o: ConnectionScalingOptions,
  parent: pulumi.Resource,
): ConnectionScaling {
  const scalable = {
    serviceNamespace: o.target.serviceNamespace,
    scalableDimension: o.target.scalableDimension,
    resourceId: o.target.resourceId,
  };
  const connectionsPolicy = new aws.appautoscaling.Policy(
    `${name}-connections`,
    {
      policyType: "TargetTrackingScaling",
      ...scalable,
      targetTrackingScalingPolicyConfiguration: {
        customizedMetricSpecification: {
          namespace: o.namespace,
          metricName: METRIC_NAMES.connectedClients,
          dimensions: Object.entries(o.appDimensions).map(([dimension, value]) => ({
            name: dimension,
            value,
          })),
          statistic: "Average",
        },
        targetValue: o.connectionsPerNode,
        disableScaleIn: true,
        scaleOutCooldown: 60,
      },
    },
    { parent },
  );
  const scaleInPolicy = new aws.appautoscaling.Policy(
    `${name}-scale-in`,
    {
      policyType: "StepScaling",
      ...scalable,
      stepScalingPolicyConfiguration: {
        adjustmentType: "ChangeInCapacity",
        cooldown: scaleInCooldownSeconds(o.deregistrationDelaySeconds, {
          connectionsPerNode: o.connectionsPerNode,
          minReplicas: o.minReplicas,
        }),
        metricAggregationType: "Maximum",
        // The alarm fires below the threshold: any breach (metric − threshold < 0) removes one.
        stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: -1 }],
      },
    },
    { parent },
  );
  const scaleInAlarm = new aws.cloudwatch.MetricAlarm(
    `${name}-scale-in`,
    scaleInAlarmArgs(o, scaleInPolicy.arn),
    { parent },
  );
  return { connectionsPolicy, scaleInPolicy, scaleInAlarm };
}

/** The scale-in alarm: the busier of connections and CPU, each ÷ its target, below ½. */
export function scaleInAlarmArgs(
  o: Pick<
    ConnectionScalingOptions,
    "connectionsPerNode" | "targetCpuPercent" | "namespace" | "appDimensions" | "ecs"
  >,
  policyArn: pulumi.Input<string>,
): aws.cloudwatch.MetricAlarmArgs {
  const connections = `m0 / ${o.connectionsPerNode}`;
  const cpu = `m1 / ${o.targetCpuPercent}`;
  return {
    alarmDescription:
      "Removes one task when both connections per task and CPU have stayed below half their " +
      "targets (connectionsPerNode, targetCpuPercent), at most once per cooldown.",
    comparisonOperator: "LessThanThreshold",
    threshold: SCALE_IN_LOAD_RATIO,
    evaluationPeriods: SCALE_IN_EVALUATION_PERIODS,
    datapointsToAlarm: SCALE_IN_EVALUATION_PERIODS,
    // No data (no tasks reporting) is no evidence of low load: never scale in on it.
    treatMissingData: "notBreaching",
    alarmActions: [policyArn],
    metricQueries: [
      {
        id: "m0",
        metric: {
          namespace: o.namespace,
          metricName: METRIC_NAMES.connectedClients,
          dimensions: o.appDimensions,
          period: ALARM_PERIOD_SECONDS,
          stat: "Average",
        },
        returnData: false,
      },
      {
        id: "m1",
        metric: {
          namespace: "AWS/ECS",
          metricName: "CPUUtilization",
          dimensions: o.ecs,
          period: ALARM_PERIOD_SECONDS,
          stat: "Average",
        },
        returnData: false,
      },
      {
        id: "e0",
        expression: `IF(${connections} > ${cpu}, ${connections}, ${cpu})`,
        label: "Load per task (the higher of connections and CPU, each ÷ its target)",
        returnData: true,
      },
    ],
  };
}
