import { strict as assert } from "node:assert";
import { AwsSocketIoFleet, type AwsSocketIoFleetArgs } from "../../../components/aws";
import { ALERT_NAMES, fleetAlerts } from "../../../components/shared";
import type { MockRecorder } from "../../helpers/mocks";
import { ACCOUNT, AWS_OUTPUTS, REDIS_HOST, T, awsMocks, baseArgs, build } from "./fixtures";

const M = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  serverless: "aws:elasticache/serverlessCache:ServerlessCache",
  randomString: "random:index/randomString:RandomString",
} as const;
/** The name the provider gives the cache (auto-named): the metrics' `clusterId`. */
const CACHE_NAME = "fleet-redis-7c1d4e2";
const MEMBERS = ["fleet-redis-abc-001", "fleet-redis-abc-002"];
/** Capacity of the default 1 GiB task beside the collector (`awsNodeCapacity`). */
const CAPACITY = 19_600;
const memoryAlert = fleetAlerts({ connectionsPerNode: CAPACITY }).find(
  (a) => a.name === ALERT_NAMES.redisMemoryHigh,
)!;

async function fleet(args: Partial<AwsSocketIoFleetArgs> = {}): Promise<MockRecorder> {
  const mocks = await awsMocks({
    outputs: {
      [M.serverless]: () => ({
        name: CACHE_NAME,
        endpoints: [{ address: "fleet.serverless.use1.cache.amazonaws.com", port: 6379 }],
      }),
      [M.randomString]: () => ({ result: "k3x9q2ab" }),
      [T.replicationGroup]: (r) => ({
        ...AWS_OUTPUTS[T.replicationGroup](r),
        primaryEndpointAddress: REDIS_HOST,
        memberClusters: MEMBERS,
      }),
    },
  });
  await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs(args)));
  return mocks;
}

const serverless = (redis: Partial<AwsSocketIoFleetArgs["redis"]> = {}) =>
  fleet({ adapter: "redis-sharded", redis: { mode: "serverless", ...redis } });

function alarm(mocks: MockRecorder, suffix: string) {
  return mocks.named(M.alarm, `fleet-${suffix}`).inputs;
}

/** Inputs without the description (asserted on its own). */
function withoutDescription(inputs: Record<string, unknown>) {
  const { alarmDescription, ...rest } = inputs;
  assert.equal(typeof alarmDescription, "string");
  return rest;
}

const SHARED_APP_ALARMS = [
  ALERT_NAMES.clientsAboveCapacity,
  ALERT_NAMES.nodeNotReady,
  ALERT_NAMES.redisDisconnected,
  ALERT_NAMES.stickinessBroken,
];
const AWS_ALARMS = ["AlbElb5xx", "AlbUnhealthyHosts", "EcsCpuHigh", "EcsMemoryHigh"];
const SERVERLESS = { namespace: "AWS/ElastiCache", dimensions: { clusterId: CACHE_NAME } };

/** The fleet's alarm names without the fleet prefix, sorted. */
const alarmNames = (mocks: MockRecorder) =>
  mocks
    .ofType(M.alarm)
    .map((a) => a.name.replace(/^fleet-/, ""))
    .sort();

describe("AwsSocketIoFleet: ElastiCache Serverless alarms and dashboard", () => {
  it("creates exactly the app, AWS and serverless alarms; none of the node-based Redis ones", async () => {
    const mocks = await serverless();
    assert.deepEqual(
      alarmNames(mocks),
      [
        ...SHARED_APP_ALARMS,
        ...AWS_ALARMS,
        ALERT_NAMES.redisMemoryHigh,
        "RedisEcpuHigh",
        "RedisEvictions",
        "RedisThrottledCmds",
      ].sort(),
    );
    for (const a of mocks.ofType(M.alarm)) {
      assert.ok(!JSON.stringify(a.inputs).includes("CacheClusterId"), a.name);
      assert.equal(a.inputs.metricQueries, undefined, a.name);
    }
  });

  it("renders the shared memory alert as BytesUsedForCache above the catalog's ratio of the default 10 GB", async () => {
    const mocks = await serverless();
    const inputs = alarm(mocks, ALERT_NAMES.redisMemoryHigh);
    const periods = memoryAlert.forSeconds / 60;
    assert.deepEqual(inputs, {
      alarmDescription: `${memoryAlert.summary}. ${memoryAlert.description} Threshold: ${memoryAlert.thresholdReason}`,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      alarmActions: [],
      okActions: [],
      ...SERVERLESS,
      metricName: "BytesUsedForCache",
      statistic: "Maximum",
      period: 60,
      // 0.8 × 10 GB (the fleet's default limit, which the cache was created with) × 10^9 bytes.
      threshold: memoryAlert.threshold * 10 * 1e9,
      treatMissingData: "missing",
    });
    assert.equal(inputs.threshold, 8_000_000_000);
    assert.equal(
      mocks.one(M.serverless).inputs.cacheUsageLimits.dataStorage.maximum,
      10,
      "the alarm's limit is the cache's",
    );
  });

  it("follows maxDataStorageGb and maxEcpuPerSecond: memory, ECPU, throttling and eviction alarms with exact inputs", async () => {
    const mocks = await serverless({ maxDataStorageGb: 3, maxEcpuPerSecond: 5000 });
    const limits = mocks.one(M.serverless).inputs.cacheUsageLimits;
    assert.deepEqual(limits, {
      dataStorage: { maximum: 3, unit: "GB" },
      ecpuPerSeconds: [{ maximum: 5000 }],
    });
    assert.equal(alarm(mocks, ALERT_NAMES.redisMemoryHigh).threshold, memoryAlert.threshold * 3e9);

    const common = { alarmActions: [], okActions: [], ...SERVERLESS, period: 60, statistic: "Sum" };
    const ecpu = alarm(mocks, "RedisEcpuHigh");
    assert.deepEqual(withoutDescription(ecpu), {
      ...common,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      metricName: "ElastiCacheProcessingUnits",
      // 80 % of 5,000 ECPU/s over a 60 s period: the minute's average rate against the limit.
      threshold: 0.8 * 5000 * 60,
      treatMissingData: "notBreaching",
    });
    assert.match(ecpu.alarmDescription, /maxEcpuPerSecond 5000/);
    assert.match(ecpu.alarmDescription, /Threshold: /);

    const throttled = alarm(mocks, "RedisThrottledCmds");
    assert.deepEqual(withoutDescription(throttled), {
      ...common,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      metricName: "ThrottledCmds",
      threshold: 0,
      treatMissingData: "notBreaching",
    });
    assert.match(throttled.alarmDescription, /broadcast lost/);

    const evictions = alarm(mocks, "RedisEvictions");
    assert.deepEqual(withoutDescription(evictions), {
      ...common,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      metricName: "Evictions",
      threshold: 0,
      treatMissingData: "notBreaching",
    });
    assert.match(evictions.alarmDescription, /maxDataStorageGb/);
  });

  it("each serverless alarm is valid for PutMetricAlarm and notifies the alarm topic", async () => {
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
    const mocks = await serverless();
    const notified = await fleet({
      adapter: "redis-sharded",
      redis: { mode: "serverless" },
      monitoring: { alarmTopicArn: topicArn },
    });
    for (const suffix of [
      ALERT_NAMES.redisMemoryHigh,
      "RedisEcpuHigh",
      "RedisThrottledCmds",
      "RedisEvictions",
    ]) {
      const i = alarm(mocks, suffix);
      assert.ok(i.datapointsToAlarm <= i.evaluationPeriods, suffix);
      assert.ok(i.alarmDescription.length <= 1024, suffix);
      assert.ok([10, 20, 30].includes(i.period) || i.period % 60 === 0, suffix);
      assert.ok(Number.isFinite(i.threshold), suffix);
      const n = alarm(notified, suffix);
      assert.deepEqual([n.alarmActions, n.okActions], [[topicArn], [topicArn]], suffix);
    }
  });

  it("draws the serverless metrics on the dashboard, by clusterId, with the alarms' thresholds", async () => {
    const mocks = await serverless({ maxDataStorageGb: 3, maxEcpuPerSecond: 5000 });
    const body = JSON.parse(mocks.one(M.dashboard).inputs.dashboardBody);
    const widgets = body.widgets as {
      y: number;
      x: number;
      width: number;
      properties: { title: string; metrics: unknown[][]; annotations?: unknown };
    }[];
    // The 8 app, ALB and ECS widgets, then 3 for the cache; none for member clusters.
    assert.equal(widgets.length, 11);
    const byTitle = Object.fromEntries(widgets.map((w) => [w.properties.title, w.properties]));
    assert.deepEqual(byTitle["Redis data stored (bytes)"].metrics, [
      [
        "AWS/ElastiCache",
        "BytesUsedForCache",
        "clusterId",
        CACHE_NAME,
        { stat: "Maximum", label: "BytesUsedForCache" },
      ],
    ]);
    assert.deepEqual(byTitle["Redis data stored (bytes)"].annotations, {
      horizontal: [
        { label: "memory alert", value: memoryAlert.threshold * 3e9 },
        { label: "maxDataStorageGb", value: 3e9 },
      ],
    });
    assert.deepEqual(byTitle["Redis ECPUs per minute"].metrics, [
      [
        "AWS/ElastiCache",
        "ElastiCacheProcessingUnits",
        "clusterId",
        CACHE_NAME,
        { stat: "Sum", label: "ECPUs" },
      ],
    ]);
    assert.deepEqual(byTitle["Redis ECPUs per minute"].annotations, {
      horizontal: [
        { label: "ECPU alert", value: alarm(mocks, "RedisEcpuHigh").threshold },
        { label: "maxEcpuPerSecond × 60", value: 300_000 },
      ],
    });
    assert.deepEqual(byTitle["Redis throttled commands and evictions per minute"].metrics, [
      [
        "AWS/ElastiCache",
        "ThrottledCmds",
        "clusterId",
        CACHE_NAME,
        { stat: "Sum", label: "throttled commands" },
      ],
      [
        "AWS/ElastiCache",
        "Evictions",
        "clusterId",
        CACHE_NAME,
        { stat: "Sum", label: "evictions" },
      ],
    ]);
    const all = JSON.stringify(body);
    assert.ok(!all.includes("CacheClusterId"));
    assert.ok(!all.includes("DatabaseMemoryUsagePercentage"));
    for (const w of widgets) assert.ok(w.x + w.width <= 24);
  });

  it("node-based mode is unchanged: member-cluster alarms and widgets, no serverless metric", async () => {
    const mocks = await fleet();
    assert.deepEqual(
      alarmNames(mocks),
      [
        ...SHARED_APP_ALARMS,
        ...AWS_ALARMS,
        ALERT_NAMES.redisMemoryHigh,
        "RedisEngineCpuHigh",
        "RedisEvictions",
      ].sort(),
    );
    const memory = alarm(mocks, ALERT_NAMES.redisMemoryHigh);
    assert.equal(memory.threshold, memoryAlert.threshold * 100);
    assert.deepEqual(
      memory.metricQueries
        .filter((q: { metric?: unknown }) => q.metric)
        .map((q: { metric: { metricName: string; dimensions: unknown } }) => [
          q.metric.metricName,
          q.metric.dimensions,
        ]),
      MEMBERS.map((id) => ["DatabaseMemoryUsagePercentage", { CacheClusterId: id }]),
    );
    const evictions = alarm(mocks, "RedisEvictions");
    assert.equal(evictions.metricQueries.at(-1).expression, "SUM(METRICS())");
    const body = mocks.one(M.dashboard).inputs.dashboardBody as string;
    assert.equal(JSON.parse(body).widgets.length, 10);
    for (const absent of [
      "clusterId",
      "BytesUsedForCache",
      "ElastiCacheProcessingUnits",
      "ThrottledCmds",
    ]) {
      assert.ok(!body.includes(absent), absent);
      for (const a of mocks.ofType(M.alarm))
        assert.ok(!JSON.stringify(a.inputs).includes(absent), `${a.name}: ${absent}`);
    }
  });

  it("monitoring disabled: no serverless alarm and no dashboard", async () => {
    const mocks = await fleet({
      adapter: "redis-sharded",
      redis: { mode: "serverless" },
      monitoring: { enabled: false },
    });
    assert.equal(mocks.ofType(M.alarm).length, 0);
    assert.equal(mocks.ofType(M.dashboard).length, 0);
    assert.equal(mocks.ofType(M.serverless).length, 1);
  });
});
