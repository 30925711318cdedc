import { strict as assert } from "node:assert";
import { AwsSocketIoFleet, validateAwsFleet } from "../../../components/aws";
import {
  SCALE_IN_LOAD_RATIO,
  scaleInCooldownSeconds,
  scaleInTasksPerMinute,
} from "../../../components/aws/connectionScaling";
import { awsNodeCapacity } from "../../../components/aws/validateMonitoring";
import { maxConnectionsForMemory } from "../../../components/shared";
import { T, awsMocks, baseArgs, build, containers } from "./fixtures";

const SCALABLE = {
  serviceNamespace: "ecs",
  scalableDimension: "ecs:service:DesiredCount",
  resourceId: "service/fleet-cluster/fleet-service",
};
const APP_DIMS = { ClusterName: "fleet-cluster", TaskFamily: "fleet-test" };

describe("AwsSocketIoFleet: autoscaling on connections per task (#21)", () => {
  it("scales out on connections per task and CPU, scales in one task per cooldown on both loads", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            connectionsPerNode: 10_000,
            autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 },
          }),
        ),
    );
    assert.deepEqual(
      mocks
        .ofType(T.scalingPolicy)
        .map((p) => p.name)
        .sort(),
      ["fleet-connections", "fleet-cpu", "fleet-scale-in"],
    );
    assert.deepEqual(mocks.named(T.scalingPolicy, "fleet-connections").inputs, {
      policyType: "TargetTrackingScaling",
      ...SCALABLE,
      targetTrackingScalingPolicyConfiguration: {
        customizedMetricSpecification: {
          namespace: "SocketIoFleet",
          metricName: "socketio_connected_clients",
          dimensions: [
            { name: "ClusterName", value: "fleet-cluster" },
            { name: "TaskFamily", value: "fleet-test" },
          ],
          // Every task writes into the one series: the average is connections per task.
          statistic: "Average",
        },
        targetValue: 10_000,
        disableScaleIn: true,
        scaleOutCooldown: 60,
      },
    });
    const cpu = mocks.named(T.scalingPolicy, "fleet-cpu").inputs;
    assert.equal(cpu.targetTrackingScalingPolicyConfiguration.disableScaleIn, true);
    assert.equal(cpu.targetTrackingScalingPolicyConfiguration.targetValue, 50);
    assert.deepEqual(mocks.named(T.scalingPolicy, "fleet-scale-in").inputs, {
      policyType: "StepScaling",
      ...SCALABLE,
      stepScalingPolicyConfiguration: {
        adjustmentType: "ChangeInCapacity",
        cooldown: 360,
        metricAggregationType: "Maximum",
        stepAdjustments: [{ metricIntervalUpperBound: "0", scalingAdjustment: -1 }],
      },
    });
    const alarm = mocks.named("aws:cloudwatch/metricAlarm:MetricAlarm", "fleet-scale-in").inputs;
    assert.deepEqual(
      { ...alarm, alarmDescription: undefined },
      {
        alarmDescription: undefined,
        comparisonOperator: "LessThanThreshold",
        threshold: 0.5,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: "notBreaching",
        alarmActions: [`arn:mock:${T.scalingPolicy}:fleet-scale-in`],
        metricQueries: [
          {
            id: "m0",
            metric: {
              namespace: "SocketIoFleet",
              metricName: "socketio_connected_clients",
              dimensions: APP_DIMS,
              period: 60,
              stat: "Average",
            },
            returnData: false,
          },
          {
            id: "m1",
            metric: {
              namespace: "AWS/ECS",
              metricName: "CPUUtilization",
              dimensions: { ClusterName: "fleet-cluster", ServiceName: "fleet-service" },
              period: 60,
              stat: "Average",
            },
            returnData: false,
          },
          {
            id: "e0",
            expression: "IF(m0 / 10000 > m1 / 50, m0 / 10000, m1 / 50)",
            label: "Load per task (the higher of connections and CPU, each ÷ its target)",
            returnData: true,
          },
        ],
      },
    );
    // The service's desired count belongs to autoscaling.
    assert.deepEqual(mocks.one(T.service).options.ignoreChanges, ["desiredCount"]);
  });

  it("the scale-in bound: one removal drained and gone, then three fresh minutes, per cooldown", () => {
    // 33 s deregistration + 30 s stop + 3 × 60 s + 60 s ingestion = 303 s → 360 s.
    assert.equal(scaleInCooldownSeconds(33), 360);
    assert.equal(scaleInTasksPerMinute(33), 60 / 360);
    assert.equal(scaleInCooldownSeconds(300), 600);
    // The shared bound only matters for very large tasks: 19,600 per task (half moves) is 49 s,
    // 1,000,000 per task with one survivor is 500,000 ÷ 200/s = 2,500 s → 2,520 s.
    assert.equal(scaleInCooldownSeconds(33, { connectionsPerNode: 19_600, minReplicas: 1 }), 360);
    assert.equal(
      scaleInCooldownSeconds(33, { connectionsPerNode: 1_000_000, minReplicas: 1 }),
      2520,
    );
    // Removing one of N ≥ 2 tasks below half their target leaves them at most at the target.
    for (let n = 2; n <= 50; n++) assert.ok((SCALE_IN_LOAD_RATIO * n) / (n - 1) <= 1, `${n}`);
  });

  it("uses the capacity derived from the memory beside the collector when connectionsPerNode is unset", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ memoryMiB: 2048, autoscaling: { minReplicas: 1, maxReplicas: 4 } }),
        ),
    );
    const expected = awsNodeCapacity({ memoryMiB: 2048 });
    assert.equal(expected.appMemoryMiB, 2048 - 128);
    assert.equal(
      mocks.named(T.scalingPolicy, "fleet-connections").inputs
        .targetTrackingScalingPolicyConfiguration.targetValue,
      expected.connectionsPerNode,
    );
    const env = containers(mocks)[0].environment as { name: string; value: string }[];
    assert.equal(
      env.find((e) => e.name === "MAX_CONNECTIONS")?.value,
      String(expected.maxConnections),
    );
  });

  it("renders maxConnectionsPerNode as MAX_CONNECTIONS when given", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ connectionsPerNode: 5000, maxConnectionsPerNode: 8000 }),
        ),
    );
    const env = containers(mocks)[0].environment as { name: string; value: string }[];
    assert.equal(env.find((e) => e.name === "MAX_CONNECTIONS")?.value, "8000");
  });

  it("refuses a capacity the task's memory cannot hold, or above the ceiling, with the numbers, all at once", () => {
    const holds = maxConnectionsForMemory(1024 - 128);
    const problems = validateAwsFleet({
      image: "ghcr.io/acme/chat:1",
      connectionsPerNode: holds + 1,
      maxConnectionsPerNode: holds + 2,
      monitoring: { namespace: "AWS/Mine", metricsLogRetentionDays: 8 },
    });
    assert.deepEqual(
      problems.map((p) => p.field),
      [
        "monitoring.namespace",
        "monitoring.metricsLogRetentionDays",
        "connectionsPerNode",
        "maxConnectionsPerNode",
      ],
    );
    assert.equal(
      problems[2].message,
      `\`connectionsPerNode\` (${holds + 1}) is more than a task's memory can hold: 896 MiB (\`memoryMiB\` 1024 minus 128 MiB for the metrics collector) holds at most ${holds} connections (≈ 20 KiB each above a 128 MiB baseline); lower it to at most ${holds} or raise \`memoryMiB\``,
    );
    // A ceiling below the default capacity for the memory.
    const low = validateAwsFleet({ image: "ghcr.io/acme/chat:1", maxConnectionsPerNode: 1000 });
    assert.deepEqual(
      low.map((p) => p.field),
      ["maxConnectionsPerNode"],
    );
    assert.match(low[0].message, /below the default `connectionsPerNode` for 896 MiB \(19600\)/);
    // Without the collector the whole memory is the app's.
    assert.deepEqual(
      validateAwsFleet({
        image: "ghcr.io/acme/chat:1",
        connectionsPerNode: holds + 1,
        monitoring: { enabled: false },
      }),
      [],
    );
  });

  it("refuses malformed monitoring fields, naming each", () => {
    const problems = validateAwsFleet({
      image: "ghcr.io/acme/chat:1",
      monitoring: {
        enabled: "yes",
        createAlarmTopic: true,
        alarmTopicArn: "oncall",
        alarmTopicAn: "x",
      },
    });
    assert.deepEqual(
      problems.map((p) => p.field),
      [
        "monitoring.alarmTopicAn",
        "monitoring.enabled",
        "monitoring.createAlarmTopic",
        "monitoring.alarmTopicArn",
      ],
    );
    assert.match(problems[0].message, /did you mean `monitoring\.alarmTopicArn`/);
  });
});
