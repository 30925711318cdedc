/**
 * CloudWatch alarms of an ElastiCache Serverless cache (`redis.mode: "serverless"`): the shared
 * redis-memory alert against the cache's data-storage limit, and the AWS-only ECPU, throttling
 * and eviction alarms. A serverless cache has no nodes, so no `DatabaseMemoryUsagePercentage`
 * nor `EngineCPUUtilization`; its own metrics stand in for them.
 *
 * Facts they rely on (each settled in sources, 2026-12):
 * - Namespace `AWS/ElastiCache`, one dimension `clusterId` whose value is the cache's name
 *   (not `CacheClusterId`, which only node-based clusters publish): `aws cloudwatch list-metrics`
 *   output quoted in open-constructs/aws-cdk-library#68 and grafana/grafana-aws-sdk#151
 *   ("Value": "my-redis-cluster", the cache name) and #305; cdklabs/cdk-monitoring-constructs#750,
 *   fixed by #766 (its `CacheClusterId` dimension left every serverless alarm without data).
 *   aws/agent-toolkit-for-aws (`amazon-elasticache` skill: `references/monitoring/alarm-packs.md`,
 *   `scripts/generate_dashboards.py`) names the dimension `ServerlessCacheName` instead, without
 *   showing any published metric; the `list-metrics` outputs above are what CloudWatch holds, so
 *   `clusterId` wins [the one point a first real deployment should confirm].
 * - `BytesUsedForCache` (unit Bytes, "the total number of bytes used by the data stored in your
 *   cache"), `ElastiCacheProcessingUnits` (Count, "the total number of ECPUs consumed by the
 *   requests"), `ThrottledCmds` (Count, "requests that were throttled by ElastiCache because the
 *   workload was scaling faster than ElastiCache can scale") and `Evictions` (Count): AWS "Metrics and events for Valkey and Redis OSS serverless caches".
 * - At the data-storage maximum the cache evicts keys that have a TTL (LRU) and then answers
 *   writes with OOM; above the ECPU/second maximum it throttles requests. AWS advises an alarm
 *   below each limit (it suggests 75 %): "Scaling ElastiCache" → "Setting scaling limits to
 *   manage costs".
 * - `cacheUsageLimits.dataStorage.maximum` is an integer with unit "GB" (CloudFormation
 *   `AWS::ElastiCache::ServerlessCache DataStorage`; pulumi-aws typings: 1–5,000). No AWS page
 *   says whether that GB is 10^9 or 2^30 bytes [unconfirmed]. The threshold takes 10^9 (SI, what
 *   "GB" means by definition, and what the agent-toolkit alarm pack uses: "for a 5 GB limit,
 *   alarm at ~4 GB (4,000,000,000 bytes)"): if the service means 2^30, the alarm fires at 74.5 % of
 *   the real limit instead of 80 % (AWS's own advice is 75 %), never later than the catalog's ratio.
 * - The fleet always sets both limits (`maxDataStorageGb` default 10, `maxEcpuPerSecond`
 *   default 100,000, `AWS_DEFAULTS.serverlessRedis`), so a limit the user left unset is the
 *   default the cache was created with, and the alarms use the same value (`serverlessLimits`).
 *   A `transform.serverlessCache` that changes the limits is not seen here.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { FleetAlert } from "../shared";
import {
  ALARM_PERIOD_SECONDS,
  type AlarmDefinition,
  MAX_ALARM_DESCRIPTION,
  OPERATORS,
} from "./alarms";

/** Bytes in the "GB" of `cacheUsageLimits.dataStorage` (SI; see above). */
export const SERVERLESS_BYTES_PER_GB = 1e9;
/**
 * Share of the ECPU/second limit above which the ECPU alarm fires: the serverless counterpart of
 * the node-based `EngineCPUUtilization` alarm's 80 %.
 */
export const SERVERLESS_ECPU_RATIO_LIMIT = 0.8;
/** Minutes the ECPU rate must stay above that share (as the engine CPU alarm). */
export const SERVERLESS_ECPU_PERIODS = 5;
/** Consecutive minutes with throttled commands before the throttling alarm fires. */
export const SERVERLESS_THROTTLE_PERIODS = 2;

/** The serverless cache the alarms watch, as the fleet knows it. */
export interface ServerlessCacheTarget {
  /** The cache's name (its `clusterId` dimension). */
  cacheName: pulumi.Input<string>;
  /** The effective limits (`serverlessLimits`): plain numbers, so thresholds are plain. */
  maxDataStorageGb: number;
  maxEcpuPerSecond: number;
}

/** The cache's metric dimensions. */
export function serverlessDimensions(t: ServerlessCacheTarget) {
  return { clusterId: t.cacheName };
}

/** The memory alarm's threshold in bytes: the catalog's ratio of the data-storage limit. */
export function serverlessMemoryThresholdBytes(ratio: number, maxDataStorageGb: number): number {
  return Math.round(ratio * maxDataStorageGb * SERVERLESS_BYTES_PER_GB);
}

/** The ECPU alarm's threshold: ECPUs consumed in one period at that share of the limit. */
export function serverlessEcpuThresholdPerPeriod(maxEcpuPerSecond: number): number {
  return SERVERLESS_ECPU_RATIO_LIMIT * maxEcpuPerSecond * ALARM_PERIOD_SECONDS;
}

/**
 * The shared redis-memory alert on a serverless cache: `BytesUsedForCache` against the alert's
 * ratio of the data-storage limit, as a threshold in bytes (one metric, no metric math: the limit
 * is a plain number known at construction). `Maximum` over the minute, like
 * `DatabaseMemoryUsagePercentage` on node-based clusters.
 */
export function serverlessMemoryAlarm(
  alert: FleetAlert,
  common: Omit<aws.cloudwatch.MetricAlarmArgs, "threshold">,
  t: ServerlessCacheTarget,
): AlarmDefinition {
  return {
    suffix: alert.name,
    missingDataReason:
      "ElastiCache publishes BytesUsedForCache every minute; a gap proves neither a full nor an empty " +
      "cache, so the alarm keeps its state",
    args: {
      ...common,
      namespace: "AWS/ElastiCache",
      metricName: "BytesUsedForCache",
      dimensions: serverlessDimensions(t),
      statistic: "Maximum",
      period: ALARM_PERIOD_SECONDS,
      threshold: serverlessMemoryThresholdBytes(alert.threshold, t.maxDataStorageGb),
      treatMissingData: "missing",
    },
  };
}

/** The AWS-only alarms of a serverless cache, each with its threshold's reason. */
export function serverlessAlarms(
  t: ServerlessCacheTarget,
  actions: pulumi.Input<string>[],
): AlarmDefinition[] {
  const base = (periods: number, description: string) => ({
    alarmDescription: description.slice(0, MAX_ALARM_DESCRIPTION),
    comparisonOperator: OPERATORS[">"],
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    alarmActions: actions,
    okActions: actions,
    namespace: "AWS/ElastiCache",
    dimensions: serverlessDimensions(t),
    period: ALARM_PERIOD_SECONDS,
    statistic: "Sum",
  });
  const percent = Math.round(SERVERLESS_ECPU_RATIO_LIMIT * 100);
  return [
    {
      // ElastiCacheProcessingUnits counts ECPUs consumed, so its `Sum` over a minute is the
      // minute's consumption whatever the publishing cadence; ÷ 60 is the average ECPU/second,
      // the unit of the limit. CloudWatch has no finer period for it, so a peak within the
      // minute shows up as ThrottledCmds (below), not here.
      suffix: "RedisEcpuHigh",
      missingDataReason:
        "a minute without an ElastiCacheProcessingUnits datapoint consumed no ECPUs: far from the limit",
      args: {
        ...base(
          SERVERLESS_ECPU_PERIODS,
          `The serverless cache consumes more than ${percent} % of its ECPU/second limit ` +
            `(maxEcpuPerSecond ${t.maxEcpuPerSecond}) on average for ${SERVERLESS_ECPU_PERIODS} minutes: at the ` +
            "limit ElastiCache throttles commands and publishes fail. Raise `redis.maxEcpuPerSecond`, or look " +
            "for a broadcast storm. Threshold: the serverless side of the engine CPU alarm (80 % for 5 minutes).",
        ),
        metricName: "ElastiCacheProcessingUnits",
        threshold: serverlessEcpuThresholdPerPeriod(t.maxEcpuPerSecond),
        treatMissingData: "notBreaching",
      },
    },
    {
      suffix: "RedisThrottledCmds",
      missingDataReason:
        "ElastiCache publishes ThrottledCmds only for minutes that throttled something; none throttled nothing",
      args: {
        ...base(
          SERVERLESS_THROTTLE_PERIODS,
          "The serverless cache throttles commands: the ECPU/second limit is reached, or traffic grows faster " +
            "than the cache scales. A throttled publish is a broadcast lost. Threshold: any throttled command " +
            `in each of ${SERVERLESS_THROTTLE_PERIODS} consecutive minutes; one minute can be the cache catching ` +
            "up with a sudden ramp (a reconnect storm), two are the limit or a ramp it cannot follow.",
        ),
        metricName: "ThrottledCmds",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
    },
    {
      suffix: "RedisEvictions",
      missingDataReason: "a minute without an Evictions datapoint evicted nothing",
      args: {
        ...base(
          1,
          "The serverless cache evicts keys: its data reached `redis.maxDataStorageGb`, so recovery " +
            "sessions (keys with a TTL) are lost, and writes fail with OOM once none is left to evict. " +
            "Any eviction in a minute fires: none is normal for a pub/sub Redis.",
        ),
        metricName: "Evictions",
        threshold: 0,
        treatMissingData: "notBreaching",
      },
    },
  ];
}
