/**
 * The metrics collector: an ADOT (AWS Distro for OpenTelemetry) collector beside the app in every
 * task. It scrapes the app's Prometheus endpoint on `localhost:METRICS_PORT` (awsvpc tasks share
 * one network namespace; the port is neither mapped nor opened) and writes the metrics to
 * CloudWatch Logs in the embedded metric format (awsemf exporter), from which CloudWatch extracts
 * them as custom metrics. Chosen over Amazon Managed Service for Prometheus because Application
 * Auto Scaling and CloudWatch alarms read CloudWatch metrics only, and over the CloudWatch agent
 * because it needs two configs (SSM) and more permissions
 * (`/work/shared/research/observability-autoscaling.md` §1).
 *
 * Facts checked in the sources of the pinned version (aws-observability/aws-otel-collector
 * v0.49.0, which vendors opentelemetry-collector-contrib v0.156.0):
 * - `AOT_CONFIG_CONTENT` set ⇒ the whole config is read from it (`pkg/config/config_factory.go`).
 *   The collector expands only `${…}` in it and turns `$$` into `$` (confmap `resolver.go`), so
 *   the config below holds no `${` and no `$$`.
 * - The image runs as the non-root user `aoc` (uid 4317) and writes no files
 *   (`cmd/awscollector/Dockerfile`), so the root filesystem stays read-only.
 * - awsemf keys (`exporter/awsemfexporter/config.go`): `namespace`, `log_group_name`, `region`,
 *   `dimension_rollup_option` (`NoDimensionRollup`: no extra rolled-up metrics),
 *   `metric_declarations[{dimensions, metric_name_selectors}]` (selectors are unanchored Go
 *   regexps, `metric_declaration.go`, so they carry `^…$`). Cumulative counters are written as
 *   deltas between scrapes (the first scrape of a task only sets the baseline).
 * - Calls it makes (`internal/aws/cwlogs/cwlog_client.go`): `PutLogEvents`, then
 *   `CreateLogStream` when the stream is missing, and `CreateLogGroup` (+ `PutRetentionPolicy`
 *   when `log_retention` is set) only when the group is missing. The fleet creates the group
 *   with its retention, so the task role gets the first two, on that group only.
 * - The Prometheus receiver keeps a counter's `_total` name when the exposition declares it
 *   (`receiver/prometheusreceiver/internal/metadata.go`), so CloudWatch metric names equal the
 *   app's (`METRIC_NAMES`).
 *
 * Cost (us-east-1 list prices, 2026): one custom metric per name in `EMF_METRICS` (9): the
 * dimensions are `[ClusterName, TaskFamily]` only, never per task, so the count does not grow
 * with tasks or deploys: 9 × $0.30 = $2.70 a month. Log ingestion: each 30 s scrape writes one
 * EMF event per label set (≈ 15 events, ≈ 6 KB), ≈ 0.5 GB per task-month × $0.50 ≈ $0.26 per
 * task-month; storage is bounded by `metricsLogRetentionDays`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { METRIC_NAMES } from "../shared";

/** The collector image, pinned: v0.49.0 (July 2026, OpenTelemetry Collector v0.156.0). */
export const ADOT_COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0";
/** The sidecar's name in the task definition. */
export const COLLECTOR_CONTAINER_NAME = "metrics-collector";
/** CPU units reserved for the collector (of the task's `cpu`). */
export const COLLECTOR_CPU_UNITS = 64;
/**
 * The collector's hard memory limit, MiB, taken from the task's `memoryMiB`: a few dozen series
 * need ≈ 50–70 MiB RSS; at the limit ECS stops the collector, never the app. The node capacity
 * (`connectionsPerNode`) is derived from the memory left to the app.
 */
export const COLLECTOR_MEMORY_MIB = 128;
/** How often the collector scrapes the app: two samples per one-minute alarm period. */
export const SCRAPE_INTERVAL_SECONDS = 30;
/** The environment variable the collector reads its whole config from. */
export const COLLECTOR_CONFIG_ENV = "AOT_CONFIG_CONTENT";
/** The app-metric dimensions. Never a per-task one: each value set is a billed metric. */
export const EMF_DIMENSIONS = ["ClusterName", "TaskFamily"] as const;

/**
 * The app metrics written as CloudWatch metrics: every signal an alarm, the dashboard or
 * autoscaling reads. Labels (`role`, `reason`) fold into the one series per name.
 */
export const EMF_METRICS = [
  METRIC_NAMES.connectedClients,
  METRIC_NAMES.unknownSessions,
  METRIC_NAMES.redisConnected,
  METRIC_NAMES.ready,
  METRIC_NAMES.handshakeFailures,
  METRIC_NAMES.disconnects,
  METRIC_NAMES.adapterMessagesPublished,
  METRIC_NAMES.adapterMessagesReceived,
  METRIC_NAMES.redisRoundTripSeconds,
] as const;

/** Where the app metrics land in CloudWatch: namespace and the dimension values of this fleet. */
export interface AppMetricsScope {
  namespace: string;
  clusterName: string;
  taskFamily: string;
}

/** The dimension map of the app metrics of one fleet. */
export function appMetricDimensions(scope: {
  clusterName: string;
  taskFamily: string;
}): Record<(typeof EMF_DIMENSIONS)[number], string> {
  return { ClusterName: scope.clusterName, TaskFamily: scope.taskFamily };
}

export interface CollectorConfigOptions extends AppMetricsScope {
  metricsPort: number;
  logGroupName: string;
  region: string;
}

/** The collector config (an OpenTelemetry Collector config as a plain object). */
export function collectorConfig(o: CollectorConfigOptions): Record<string, unknown> {
  const names = EMF_METRICS.join("|");
  return {
    receivers: {
      prometheus: {
        config: {
          scrape_configs: [
            {
              job_name: "socketio",
              scrape_interval: `${SCRAPE_INTERVAL_SECONDS}s`,
              scrape_timeout: "10s",
              static_configs: [
                {
                  targets: [`localhost:${o.metricsPort}`],
                  labels: appMetricDimensions(o),
                },
              ],
              // Only the metrics below reach CloudWatch Logs: an unmatched metric would still be
              // written (and billed) as log data. Prometheus regexps are anchored.
              metric_relabel_configs: [
                {
                  source_labels: ["__name__"],
                  regex: `(${names})(_bucket|_sum|_count)?`,
                  action: "keep",
                },
              ],
            },
          ],
        },
      },
    },
    exporters: {
      awsemf: {
        region: o.region,
        namespace: o.namespace,
        log_group_name: o.logGroupName,
        dimension_rollup_option: "NoDimensionRollup",
        metric_declarations: [
          { dimensions: [[...EMF_DIMENSIONS]], metric_name_selectors: [`^(${names})$`] },
        ],
      },
    },
    service: {
      // No listener for the collector's own metrics (nothing scrapes them).
      telemetry: { metrics: { level: "none" } },
      pipelines: { metrics: { receivers: ["prometheus"], exporters: ["awsemf"] } },
    },
  };
}

/** The collector config as the YAML text of `AOT_CONFIG_CONTENT`. */
export function collectorConfigYaml(o: CollectorConfigOptions): string {
  return stringify(collectorConfig(o));
}

/**
 * The sidecar's container definition. `essential: false`: a collector that crashes or hits its
 * memory limit stops alone; the app and its clients are untouched (ECS stops a task only when an
 * essential container exits).
 */
export function collectorContainerDefinition(o: {
  configYaml: string;
  logGroupName: string;
  region: string;
}): Record<string, unknown> {
  return {
    name: COLLECTOR_CONTAINER_NAME,
    image: ADOT_COLLECTOR_IMAGE,
    essential: false,
    cpu: COLLECTOR_CPU_UNITS,
    memory: COLLECTOR_MEMORY_MIB,
    environment: [{ name: COLLECTOR_CONFIG_ENV, value: o.configYaml }],
    readonlyRootFilesystem: true,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": o.logGroupName,
        "awslogs-region": o.region,
        "awslogs-stream-prefix": "collector",
      },
    },
  };
}

/** The task role's grant: write EMF events to the metrics log group, nothing else. */
export function metricsLogPolicy(logGroupArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${logGroupArn}:*`],
      },
    ],
  });
}

export interface MetricsCollector {
  /** Where the collector writes EMF events (CloudWatch extracts the metrics from them). */
  logGroup: aws.cloudwatch.LogGroup;
  /** The task role's grant on that group; tasks must not start before it exists. */
  policy: aws.iam.RolePolicy;
}

/** The metrics log group and the task role's grant on it. */
export function createMetricsCollector(
  name: string,
  o: { retentionDays: number; taskRoleName: pulumi.Input<string> },
  parent: pulumi.Resource,
): MetricsCollector {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-metrics`,
    { retentionInDays: o.retentionDays },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-task-metrics`,
    { role: o.taskRoleName, policy: logGroup.arn.apply(metricsLogPolicy) },
    { parent },
  );
  return { logGroup, policy };
}
