/**
 * The AWS `monitoring` arg (re-exported by `args.ts`): the app's metrics collected by an ADOT
 * collector sidecar into CloudWatch (embedded metric format), the fleet's alarms, a dashboard and
 * connection-based autoscaling. See README "AWS monitoring and autoscaling".
 */
import type * as pulumi from "@pulumi/pulumi";
import type { FleetMonitoring } from "../shared";

/** Metrics, alarms and dashboard of an AWS fleet. */
export interface AwsMonitoring extends FleetMonitoring {
  /**
   * An existing SNS topic the alarms notify (ALARM and OK). Subscribe your e-mail, chat or
   * pager to it. Default none. Do not combine with `createAlarmTopic`.
   */
  alarmTopicArn?: pulumi.Input<string>;
  /**
   * Create an SNS topic for the alarms (ALARM and OK), exported as `alarmTopic`; subscribe to it
   * yourself (an e-mail subscription needs a confirmation, so the fleet does not create one).
   * Default false: alarms without actions still show on the dashboard and in the console.
   */
  createAlarmTopic?: boolean;
  /**
   * CloudWatch namespace of the app's metrics. Default "SocketIoFleet": fleets of one account
   * share it and are told apart by their `ClusterName` and `TaskFamily` dimensions.
   */
  namespace?: string;
  /**
   * Retention in days of the log group the collector writes its embedded-metric-format events
   * to (same values as `logRetentionDays`). The metrics themselves are extracted at ingestion
   * and kept 15 months by CloudWatch whatever this is. Default 7: the raw events are only for
   * debugging the collector.
   */
  metricsLogRetentionDays?: number;
}

/** The TypeScript name before the package schema (same type). */
export type AwsMonitoringArgs = AwsMonitoring;

/** Defaults of `monitoring`, each with its reason on the field's doc comment above. */
export const AWS_MONITORING_DEFAULTS = {
  enabled: true,
  createAlarmTopic: false,
  namespace: "SocketIoFleet",
  metricsLogRetentionDays: 7,
} as const;

/** The `monitoring` fields, for the validator. */
export const AWS_MONITORING_FIELDS = [
  "enabled",
  "alarmTopicArn",
  "createAlarmTopic",
  "namespace",
  "metricsLogRetentionDays",
] as const;
