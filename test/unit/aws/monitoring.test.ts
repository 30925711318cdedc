import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { AwsSocketIoFleet, type AwsSocketIoFleetArgs } from "../../../components/aws";
import {
  ALARM_PERIOD_SECONDS,
  fitDescription,
  fleetAlarmDefinitions,
} from "../../../components/aws/alarms";
import { memberClusterCount } from "../../../components/aws/monitoring";
import {
  ADOT_COLLECTOR_IMAGE,
  EMF_METRICS,
  collectorConfig,
} from "../../../components/aws/metricsCollector";
import { ALERT_NAMES, METRIC_NAMES, fleetAlerts } from "../../../components/shared";
import type { MockRecorder } from "../../helpers/mocks";
import { RESOURCE_RULES, DEFAULT_RULE_CONFIG } from "../../../policy/rules";
import {
  ACCOUNT,
  AWS_OUTPUTS,
  REDIS_HOST,
  T,
  awsMocks,
  baseArgs,
  build,
  containers,
} from "./fixtures";

const M = {
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  topic: "aws:sns/topic:Topic",
} as const;
const LB_SUFFIX = "app/fleet-alb/50dc6c495c0c9188";
const TG_SUFFIX = "targetgroup/fleet-tg/73e2d6bc24d8a067";
const MEMBERS = ["fleet-redis-abc-002", "fleet-redis-abc-001"];
const APP_DIMS = { ClusterName: "fleet-cluster", TaskFamily: "fleet-test" };
const ECS_DIMS = { ClusterName: "fleet-cluster", ServiceName: "fleet-service" };
/** Capacity of the default 1 GiB task: 896 MiB beside the collector (`awsNodeCapacity`). */
const CAPACITY = 19_600;

async function fleet(
  args: Partial<AwsSocketIoFleetArgs> = {},
  where: { project?: string; stack?: string } = {},
): Promise<MockRecorder> {
  const mocks = await awsMocks({
    ...where,
    outputs: {
      [T.lb]: () => ({ dnsName: "alb.example", arnSuffix: LB_SUFFIX }),
      [T.tg]: () => ({ arnSuffix: TG_SUFFIX }),
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

function alarm(mocks: MockRecorder, suffix: string) {
  return mocks.named(M.alarm, `fleet-${suffix}`).inputs;
}

describe("AwsSocketIoFleet: monitoring (collector, alarms, dashboard)", () => {
  it("adds the ADOT collector sidecar: pinned, non-essential, sized, read-only, config from AOT_CONFIG_CONTENT", async () => {
    const mocks = await fleet();
    const [app, collector] = containers(mocks);
    assert.equal(app.essential, true);
    const config = collector.environment[0].value;
    assert.deepEqual(
      { ...collector, environment: undefined },
      {
        name: "metrics-collector",
        image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0",
        essential: false,
        cpu: 64,
        memory: 128,
        environment: undefined,
        readonlyRootFilesystem: true,
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": "/ecs/fleet-logs",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "collector",
          },
        },
      },
    );
    assert.deepEqual(
      collector.environment.map((e: { name: string }) => e.name),
      ["AOT_CONFIG_CONTENT"],
    );
    assert.equal(ADOT_COLLECTOR_IMAGE.endsWith(":v0.49.0"), true);
    // The collector expands `${…}` and turns `$$` into `$`: the config must hold neither.
    assert.ok(!config.includes("${") && !config.includes("$$"), config);
    const names = EMF_METRICS.join("|");
    assert.deepEqual(parse(config), {
      receivers: {
        prometheus: {
          config: {
            scrape_configs: [
              {
                job_name: "socketio",
                scrape_interval: "30s",
                scrape_timeout: "10s",
                static_configs: [{ targets: ["localhost:9464"], labels: APP_DIMS }],
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
          region: "us-east-1",
          namespace: "SocketIoFleet",
          log_group_name: "/ecs/fleet-metrics",
          dimension_rollup_option: "NoDimensionRollup",
          metric_declarations: [
            {
              dimensions: [["ClusterName", "TaskFamily"]],
              metric_name_selectors: [`^(${names})$`],
            },
          ],
        },
      },
      service: {
        telemetry: { metrics: { level: "none" } },
        pipelines: { metrics: { receivers: ["prometheus"], exporters: ["awsemf"] } },
      },
    });
  });

  it("the task definition with the sidecar passes every rule of the policy pack", async () => {
    const mocks = await fleet();
    const td = mocks.one(T.taskDef);
    const resource = { type: td.type, name: td.name, urn: td.urn, props: td.inputs };
    for (const rule of RESOURCE_RULES) {
      assert.deepEqual(rule.check(resource, DEFAULT_RULE_CONFIG), [], rule.name);
    }
    // The rule does read the collector: a writable root filesystem there is refused.
    const defs = containers(mocks);
    defs[1].readonlyRootFilesystem = false;
    const broken = {
      ...resource,
      props: { ...td.inputs, containerDefinitions: JSON.stringify(defs) },
    };
    const refused = RESOURCE_RULES.flatMap((rule) => rule.check(broken, DEFAULT_RULE_CONFIG));
    assert.equal(refused.length, 1);
    assert.match(refused[0], /metrics-collector/);
  });

  it("collects every metric an alert reads, only socketio_* metrics, and the selector matches names exactly", () => {
    for (const alert of fleetAlerts({ connectionsPerNode: 100 })) {
      if (alert.signal.kind === "counter" || alert.signal.kind === "gauge-each") {
        assert.ok(
          (EMF_METRICS as readonly string[]).includes(alert.signal.metric),
          alert.signal.metric,
        );
      }
    }
    assert.ok(EMF_METRICS.every((m) => m.startsWith("socketio_")));
    const config = collectorConfig({
      metricsPort: 9464,
      namespace: "N",
      clusterName: "c",
      taskFamily: "f",
      logGroupName: "g",
      region: "r",
    }) as { exporters: { awsemf: { metric_declarations: { metric_name_selectors: string[] }[] } } };
    const selector = new RegExp(
      config.exporters.awsemf.metric_declarations[0].metric_name_selectors[0],
    );
    assert.ok(selector.test(METRIC_NAMES.connectedClients));
    assert.ok(!selector.test(`${METRIC_NAMES.connectedClients}_by_transport`));
    assert.ok(!selector.test(METRIC_NAMES.eventsIn));
  });

  it("creates the metrics log group with its retention and grants the task role only EMF writes to it", async () => {
    const mocks = await fleet({ monitoring: { metricsLogRetentionDays: 14 } });
    assert.deepEqual(mocks.named(T.logGroup, "fleet-metrics").inputs, { retentionInDays: 14 });
    const grant = mocks.named(T.rolePolicy, "fleet-task-metrics");
    assert.equal(grant.inputs.role, "fleet-task");
    assert.deepEqual(JSON.parse(grant.inputs.policy), {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          // No CreateLogGroup / PutRetentionPolicy: the fleet owns the group and its retention.
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`arn:mock:${T.logGroup}:fleet-metrics:*`],
        },
      ],
    });
    assert.ok(
      mocks.one(T.service).dependencies.includes(grant.urn),
      "tasks must not start before the collector may write",
    );
  });

  it("renders every shared alert that is not Prometheus-only, with the catalog's thresholds converted", async () => {
    const mocks = await fleet();
    const alerts = fleetAlerts({ connectionsPerNode: CAPACITY });
    const byName = Object.fromEntries(alerts.map((a) => [a.name, a]));
    const stickiness = byName[ALERT_NAMES.stickinessBroken];
    // The whole text when it fits CloudWatch's 1024 characters (the catalog keeps it short).
    const full = `${stickiness.summary}. ${stickiness.description} Threshold: ${stickiness.thresholdReason}`;
    const { alarmDescription, ...stickinessAlarm } = alarm(mocks, ALERT_NAMES.stickinessBroken);
    assert.ok(full.length <= 1024, `${full.length} characters`);
    assert.equal(alarmDescription, full);
    // A longer one is cut after the last whole sentence that fits, and says so.
    const long = `${full} ${"Another sentence that will not fit. ".repeat(20)}`.trim();
    const cut = fitDescription(long);
    assert.ok(cut.length <= 1024 && cut.endsWith(".…"), cut);
    assert.ok(long.startsWith(`${cut.slice(0, -1)} `), cut);
    const next = long.indexOf(". ", cut.length);
    assert.ok((next < 0 ? long.length : next + 1) + 1 > 1024, "every sentence that fits is kept");
    assert.equal(fitDescription(full), full);
    assert.deepEqual(stickinessAlarm, {
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: stickiness.forSeconds / 60,
      datapointsToAlarm: stickiness.forSeconds / 60,
      alarmActions: [],
      okActions: [],
      namespace: "SocketIoFleet",
      metricName: "socketio_unknown_session_total",
      dimensions: APP_DIMS,
      statistic: "Sum",
      period: 60,
      // The catalog's rate per second × the one-minute period.
      threshold: stickiness.threshold * 60,
      treatMissingData: "notBreaching",
    });
    const redisDown = alarm(mocks, ALERT_NAMES.redisDisconnected);
    assert.deepEqual(
      [
        redisDown.metricName,
        redisDown.statistic,
        redisDown.comparisonOperator,
        redisDown.threshold,
      ],
      ["socketio_redis_connected", "Minimum", "LessThanThreshold", 1],
    );
    assert.equal(
      redisDown.evaluationPeriods,
      byName[ALERT_NAMES.redisDisconnected].forSeconds / 60,
    );
    assert.equal(redisDown.treatMissingData, "missing");
    const notReady = alarm(mocks, ALERT_NAMES.nodeNotReady);
    assert.deepEqual(
      [notReady.metricName, notReady.statistic, notReady.threshold, notReady.evaluationPeriods],
      ["socketio_ready", "Minimum", 1, 5],
    );
    const clients = alarm(mocks, ALERT_NAMES.clientsAboveCapacity);
    assert.deepEqual(
      [clients.metricName, clients.statistic, clients.comparisonOperator, clients.threshold],
      ["socketio_connected_clients", "Maximum", "GreaterThanThreshold", CAPACITY],
    );
    const memory = alarm(mocks, ALERT_NAMES.redisMemoryHigh);
    assert.equal(memory.threshold, byName[ALERT_NAMES.redisMemoryHigh].threshold * 100);
    assert.equal(memory.metricName, undefined);
    assert.deepEqual(memory.metricQueries, [
      ...[...MEMBERS].sort().map((id, i) => ({
        id: `m${i}`,
        metric: {
          namespace: "AWS/ElastiCache",
          metricName: "DatabaseMemoryUsagePercentage",
          dimensions: { CacheClusterId: id },
          period: 60,
          stat: "Maximum",
        },
        returnData: false,
      })),
      {
        id: "e0",
        expression: "MAX(METRICS())",
        label: "DatabaseMemoryUsagePercentage (highest over member clusters)",
        returnData: true,
      },
    ]);
    // Prometheus-only: no alarm.
    assert.throws(() => alarm(mocks, ALERT_NAMES.nodeDown));
  });

  it("adds the AWS-only alarms with their inputs, and each alarm is valid for PutMetricAlarm", async () => {
    const mocks = await fleet();
    assert.deepEqual(
      mocks
        .ofType(M.alarm)
        .map((a) => a.name)
        .sort(),
      [
        "fleet-AlbElb5xx",
        "fleet-AlbUnhealthyHosts",
        "fleet-EcsCpuHigh",
        "fleet-EcsMemoryHigh",
        "fleet-RedisEngineCpuHigh",
        "fleet-RedisEvictions",
        `fleet-${ALERT_NAMES.clientsAboveCapacity}`,
        `fleet-${ALERT_NAMES.nodeNotReady}`,
        `fleet-${ALERT_NAMES.redisDisconnected}`,
        `fleet-${ALERT_NAMES.redisMemoryHigh}`,
        `fleet-${ALERT_NAMES.stickinessBroken}`,
      ].sort(),
    );
    const unhealthy = alarm(mocks, "AlbUnhealthyHosts");
    assert.deepEqual(
      [unhealthy.namespace, unhealthy.metricName, unhealthy.dimensions, unhealthy.statistic],
      [
        "AWS/ApplicationELB",
        "UnHealthyHostCount",
        { TargetGroup: TG_SUFFIX, LoadBalancer: LB_SUFFIX },
        "Maximum",
      ],
    );
    // The ALB's side of the Prometheus-only node-down alert, over its duration.
    const nodeDown = fleetAlerts({ connectionsPerNode: 1 }).find(
      (a) => a.name === ALERT_NAMES.nodeDown,
    );
    assert.equal(unhealthy.evaluationPeriods, (nodeDown?.forSeconds ?? 0) / 60);
    assert.equal(unhealthy.treatMissingData, "notBreaching");
    const elb5xx = alarm(mocks, "AlbElb5xx");
    assert.deepEqual(
      [
        elb5xx.metricName,
        elb5xx.dimensions,
        elb5xx.statistic,
        elb5xx.threshold,
        elb5xx.treatMissingData,
      ],
      ["HTTPCode_ELB_5XX_Count", { LoadBalancer: LB_SUFFIX }, "Sum", 5, "notBreaching"],
    );
    for (const [suffix, metric, threshold] of [
      ["EcsCpuHigh", "CPUUtilization", 80],
      ["EcsMemoryHigh", "MemoryUtilization", 85],
    ] as const) {
      const a = alarm(mocks, suffix);
      assert.deepEqual(
        [a.namespace, a.metricName, a.dimensions, a.statistic, a.threshold],
        ["AWS/ECS", metric, ECS_DIMS, "Maximum", threshold],
      );
    }
    const evictions = alarm(mocks, "RedisEvictions");
    assert.equal(evictions.metricQueries.at(-1).expression, "SUM(METRICS())");
    assert.equal(evictions.metricQueries[0].metric.stat, "Sum");
    for (const a of mocks.ofType(M.alarm)) {
      const i = a.inputs;
      assert.ok(i.datapointsToAlarm <= i.evaluationPeriods, a.name);
      assert.ok(i.alarmDescription.length <= 1024, a.name);
      const periods = i.metricQueries
        ? i.metricQueries
            .filter((q: { metric?: unknown }) => q.metric)
            .map((q: { metric: { period: number } }) => q.metric.period)
        : [i.period];
      for (const p of periods)
        assert.ok([10, 20, 30].includes(p) || p % 60 === 0, `${a.name}: ${p}`);
      if (i.metricQueries) {
        assert.ok(i.metricQueries.length <= 20, a.name);
        for (const k of ["metricName", "namespace", "period", "statistic", "dimensions"])
          assert.equal(i[k], undefined, `${a.name}: ${k} conflicts with metricQueries`);
      }
    }
  });

  it("one metric-math alarm per 19 member clusters of a cluster-mode group; none without a managed group", () => {
    const alerts = fleetAlerts({ connectionsPerNode: 100 });
    const targets = {
      namespace: "N",
      appDimensions: {},
      ecs: { ClusterName: "c", ServiceName: "s" },
      loadBalancer: "lb",
      targetGroup: "tg",
      actions: [],
    };
    const big = fleetAlarmDefinitions(alerts, {
      ...targets,
      redis: { memberClusters: [], memberCount: 30 },
    }).map((d) => d.suffix);
    assert.deepEqual(
      big.filter((s) => s.startsWith(ALERT_NAMES.redisMemoryHigh)),
      [`${ALERT_NAMES.redisMemoryHigh}-1`, `${ALERT_NAMES.redisMemoryHigh}-2`],
    );
    const none = fleetAlarmDefinitions(alerts, targets).map((d) => d.suffix);
    assert.ok(!none.some((s) => s.startsWith("Redis") || s === ALERT_NAMES.redisMemoryHigh));
    assert.equal(ALARM_PERIOD_SECONDS, 60);
    // The plain member count: 1 + replicas per shard, times the shards in cluster mode.
    assert.equal(memberClusterCount({ mode: "managed" }), 2);
    assert.equal(memberClusterCount({ mode: "managed", replicas: 0 }), 1);
    assert.equal(
      memberClusterCount({ mode: "managed", clusterMode: "enabled", shards: 3, replicas: 2 }),
      9,
    );
    assert.equal(memberClusterCount({ mode: "managed", clusterMode: "enabled" }), 4);
  });

  it("notifies an existing SNS topic, or one it creates; none by default", async () => {
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:oncall`;
    const given = await fleet({ monitoring: { alarmTopicArn: topicArn } });
    assert.equal(given.ofType(M.topic).length, 0);
    for (const a of given.ofType(M.alarm).filter((x) => x.name !== "fleet-scale-in")) {
      assert.deepEqual(
        [a.inputs.alarmActions, a.inputs.okActions],
        [[topicArn], [topicArn]],
        a.name,
      );
    }
    const created = await fleet({ monitoring: { createAlarmTopic: true } });
    const topic = created.one(M.topic);
    assert.equal(topic.name, "fleet-alarms");
    assert.deepEqual(topic.inputs, {});
    const arn = `arn:mock:${M.topic}:fleet-alarms`;
    assert.deepEqual(alarm(created, ALERT_NAMES.stickinessBroken).alarmActions, [arn]);
    assert.deepEqual(alarm(created, "EcsCpuHigh").okActions, [arn]);
  });

  it("dashboards are account-global: two Pulumi projects with the same fleet and stack names get different dashboards (PutDashboard would overwrite)", async () => {
    const name = async (project: string, stack: string) =>
      (await fleet({}, { project, stack })).one(M.dashboard).inputs.dashboardName as string;
    const [east, west, prod] = [
      await name("chat-us-east-1", "prod"),
      await name("chat-eu-west-1", "prod"),
      await name("chat-us-east-1", "staging"),
    ];
    assert.match(east, /^fleet-prod-[0-9a-f]{6}$/);
    assert.match(west, /^fleet-prod-[0-9a-f]{6}$/);
    assert.notEqual(east, west);
    assert.match(prod, /^fleet-staging-[0-9a-f]{6}$/);
    assert.equal(await name("chat-us-east-1", "prod"), east, "stable across `up`s (ForceNew)");
  });

  it("draws a dashboard named after the task family with the app signals and the AWS metrics", async () => {
    const mocks = await fleet();
    const dashboard = mocks.one(M.dashboard);
    // The family, then sha256("socketio-fleet/test/fleet") cut to 6 hex digits.
    assert.equal(dashboard.inputs.dashboardName, "fleet-test-847ef8");
    const body = JSON.parse(dashboard.inputs.dashboardBody);
    const widgets = body.widgets as {
      type: string;
      x: number;
      y: number;
      width: number;
      height: number;
      properties: { title: string; region: string; metrics: unknown[][]; annotations?: unknown };
    }[];
    assert.equal(widgets.length, 10);
    for (const w of widgets) {
      assert.equal(w.type, "metric");
      assert.ok(w.x + w.width <= 24 && w.height > 0);
      assert.equal(w.properties.region, "us-east-1");
      for (const row of w.properties.metrics) {
        const last = row.at(-1) as Record<string, unknown>;
        assert.equal(typeof last, "object");
        assert.equal(
          (row.length - 3) % 2,
          0,
          `namespace, name, dimension pairs: ${JSON.stringify(row)}`,
        );
      }
    }
    assert.deepEqual(widgets[0].properties.metrics[0], [
      "SocketIoFleet",
      "socketio_connected_clients",
      "ClusterName",
      "fleet-cluster",
      "TaskFamily",
      "fleet-test",
      { stat: "Average", label: "average task" },
    ]);
    assert.deepEqual(widgets[0].properties.annotations, {
      horizontal: [{ label: "capacity (connectionsPerNode)", value: CAPACITY }],
    });
    const all = JSON.stringify(body);
    for (const m of [
      "UnHealthyHostCount",
      "HTTPCode_ELB_5XX_Count",
      "MemoryUtilization",
      "Evictions",
    ])
      assert.ok(all.includes(m), m);
    for (const id of MEMBERS) assert.ok(all.includes(id), id);
  });

  it("monitoring disabled: no collector, metrics log group, alarms, dashboard or connection scaling", async () => {
    const mocks = await fleet({
      monitoring: { enabled: false },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
    });
    assert.deepEqual(
      containers(mocks).map((c) => c.name),
      ["app"],
    );
    assert.deepEqual(
      mocks.ofType(T.logGroup).map((g) => g.name),
      ["fleet-logs"],
    );
    assert.equal(mocks.ofType(M.alarm).length, 0);
    assert.equal(mocks.ofType(M.dashboard).length, 0);
    assert.equal(mocks.ofType(M.topic).length, 0);
    assert.throws(() => mocks.named(T.rolePolicy, "fleet-task-metrics"));
    // CPU alone, scale-in included, as before monitoring existed.
    const [cpu] = mocks.ofType(T.scalingPolicy);
    assert.equal(mocks.ofType(T.scalingPolicy).length, 1);
    assert.equal(cpu.inputs.targetTrackingScalingPolicyConfiguration.disableScaleIn, undefined);
    // The whole 1 GiB is the app's: MAX_CONNECTIONS = 80 % of (1024 − 128) × 1024 ÷ 20.
    const env = containers(mocks)[0].environment as { name: string; value: string }[];
    assert.deepEqual(
      env.filter((e) => e.name === "MAX_CONNECTIONS"),
      [{ name: "MAX_CONNECTIONS", value: "36700" }],
    );
  });
});
