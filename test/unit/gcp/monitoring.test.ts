/**
 * GCP monitoring on the instance group: the collector beside the app in cloud-init, the alert
 * policies (PromQL from the shared renderer with this fleet's GMP matchers, `duration` = the
 * alert's `for`), notification channels, the dashboard, and nothing of it when disabled.
 */
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { GcpSocketIoFleet, type GcpSocketIoFleetArgs } from "../../../components/gcp";
import { GCP_COLLECTOR_IMAGES } from "../../../components/gcp/monitoringArgs";
import {
  alertExpression,
  fleetAlerts,
  promDuration,
  REDIS_MEMORY_RATIO_LIMIT,
} from "../../../components/shared";
import type { MockRecorder } from "../../helpers/mocks";
import { AUTONAME, PROJECT, T, baseArgs, cloudConfig, gcpMocks } from "./fixtures";

const APP = 'job="socketio-fleet",namespace="fleet-847ef8"';
const REDIS_RATIO = `redis_googleapis_com:stats_memory_usage_ratio{monitored_resource="redis_instance",instance_id=~"(projects/.+/instances/)?${AUTONAME("fleet-redis")}"}`;
const CHANNELS = [
  `projects/${PROJECT}/notificationChannels/111`,
  `projects/${PROJECT}/notificationChannels/222`,
];

async function build(args: Partial<GcpSocketIoFleetArgs> = {}): Promise<MockRecorder> {
  const mocks = await gcpMocks();
  new GcpSocketIoFleet("fleet", baseArgs(args));
  await mocks.settled();
  return mocks;
}

function policyNamed(mocks: MockRecorder, alertName: string) {
  const found = mocks
    .ofType(T.alertPolicy)
    .filter((p) => p.inputs.displayName === `fleet: ${alertName}`);
  assert.equal(found.length, 1, `one policy for ${alertName}`);
  return found[0].inputs;
}

describe("GcpSocketIoFleet monitoring on the instance group", () => {
  it("cloud-init runs the GMP Prometheus beside the app: its config keeps socketio_* from the loopback metrics port, labels namespace and the VM's name", async () => {
    const mocks = await build();
    const { config, files } = cloudConfig(mocks);
    assert.deepEqual(config.runcmd, [
      "systemctl daemon-reload",
      "systemctl start socketio-fleet.service",
      "systemctl start socketio-fleet-collector.service",
    ]);
    assert.deepEqual(parse(files["/etc/socketio-fleet/prometheus.yml"]), {
      global: { scrape_interval: "30s", scrape_timeout: "10s" },
      scrape_configs: [
        {
          job_name: "socketio-fleet",
          metrics_path: "/metrics",
          static_configs: [
            {
              targets: ["127.0.0.1:9464"],
              labels: { namespace: "fleet-847ef8", instance: "@INSTANCE@" },
            },
          ],
          metric_relabel_configs: [
            { source_labels: ["__name__"], regex: "socketio_.*", action: "keep" },
          ],
        },
      ],
    });
    assert.equal(
      files["/etc/socketio-fleet/collector.sh"],
      [
        "#!/bin/bash",
        "# Runs the metrics collector (written by socketio-fleet; started by its systemd unit).",
        "set -euo pipefail",
        "mkdir -p /run/socketio-fleet-collector",
        'sed "s/@INSTANCE@/$(hostname)/" /etc/socketio-fleet/prometheus.yml > /run/socketio-fleet-collector/prometheus.yml',
        "chmod 0644 /run/socketio-fleet-collector/prometheus.yml",
        "exec /usr/bin/docker run --rm --name=socketio-fleet-collector \\",
        "  --network=host \\",
        "  --read-only --tmpfs=/prometheus:rw,mode=1777,size=64m \\",
        "  --memory=256m \\",
        "  --log-driver=gcplogs \\",
        "  --volume=/run/socketio-fleet-collector/prometheus.yml:/etc/prometheus/prometheus.yml:ro \\",
        `  '${GCP_COLLECTOR_IMAGES.instanceGroup}' \\`,
        "  --config.file=/etc/prometheus/prometheus.yml \\",
        "  --storage.tsdb.path=/prometheus \\",
        "  --storage.tsdb.retention.time=30m \\",
        "  --web.listen-address=127.0.0.1:19090",
        "",
      ].join("\n"),
    );
    const unit = files["/etc/systemd/system/socketio-fleet-collector.service"];
    assert.ok(
      unit.includes("After=network-online.target docker.socket socketio-fleet.service"),
      unit,
    );
    assert.ok(unit.includes("Restart=always"), unit);
    // The app publishes its metrics port on the VM's loopback only; the app port as before.
    const start = files["/etc/socketio-fleet/start.sh"];
    assert.ok(
      start.includes("  --publish=3000:3000 \\\n  --publish=127.0.0.1:9464:9464 \\\n"),
      start,
    );
    assert.equal(start.match(/--publish=/g)?.length, 2);
  });

  it("the nodes' service account writes metrics with roles/monitoring.metricWriter, and no broader monitoring role", async () => {
    const mocks = await build();
    const roles = mocks
      .ofType(T.projectIam)
      .map((r) => r.inputs.role)
      .sort();
    assert.deepEqual(roles, ["roles/logging.logWriter", "roles/monitoring.metricWriter"]);
  });

  it("one alert policy per shared alert with a PromQL form (not nodeDown, which needs `up`) plus the GCP-only ones", async () => {
    const mocks = await build();
    const names = mocks
      .ofType(T.alertPolicy)
      .map((p) => p.inputs.displayName)
      .sort();
    assert.deepEqual(names, [
      "fleet: SocketIoBalancer5xx",
      "fleet: SocketIoClientsAboveCapacity",
      "fleet: SocketIoNodeNotReady",
      "fleet: SocketIoReadyNodesBelowMinimum",
      "fleet: SocketIoRedisDisconnected",
      "fleet: SocketIoRedisMemoryHigh",
      "fleet: SocketIoStickinessBroken",
    ]);
  });

  it("each shared alert's condition is the shared renderer's PromQL on this fleet's series, for its `for`, evaluated every 30 s, created before the metric exists", async () => {
    const mocks = await build();
    const alerts = fleetAlerts({ connectionsPerNode: 32700 }).filter((a) => !a.prometheusOnly);
    assert.equal(alerts.length, 5);
    for (const alert of alerts) {
      const p = policyNamed(mocks, alert.name);
      assert.deepEqual(p.conditions, [
        {
          displayName: alert.summary,
          conditionPrometheusQueryLanguage: {
            query: alertExpression(alert, { app: APP, redisRatio: REDIS_RATIO }),
            duration: promDuration(alert.forSeconds),
            evaluationInterval: "30s",
            alertRule: alert.name,
            ruleGroup: "socketio-fleet",
            labels: { severity: alert.severity },
            disableMetricValidation: true,
          },
        },
      ]);
      assert.equal(p.combiner, "OR");
      assert.equal(p.severity, alert.severity === "critical" ? "CRITICAL" : "WARNING");
      assert.deepEqual(p.documentation, {
        mimeType: "text/markdown",
        subject: `fleet: ${alert.summary}`,
        content: `${alert.description}\n\n**Threshold** ${alert.threshold}: ${alert.thresholdReason}`,
      });
      assert.deepEqual(p.userLabels, { "socketio-fleet": "fleet" });
    }
    // The same thresholds, spelled out once here (not through the renderer).
    const query = (name: string) =>
      policyNamed(mocks, name).conditions[0].conditionPrometheusQueryLanguage;
    assert.equal(
      query("SocketIoStickinessBroken").query,
      `sum(rate(socketio_unknown_session_total{${APP}}[120s])) > 0.1`,
    );
    assert.equal(query("SocketIoStickinessBroken").duration, "300s");
    assert.equal(query("SocketIoRedisDisconnected").query, `socketio_redis_connected{${APP}} < 1`);
    assert.equal(query("SocketIoRedisDisconnected").duration, "60s");
    assert.equal(
      query("SocketIoClientsAboveCapacity").query,
      `socketio_connected_clients{${APP}} > 32700`,
    );
    assert.equal(
      query("SocketIoRedisMemoryHigh").query,
      `${REDIS_RATIO} > ${REDIS_MEMORY_RATIO_LIMIT}`,
    );
  });

  it("GCP-only alerts: balancer 5xx share on this backend service, ready nodes below the minimum", async () => {
    const mocks = await build({ autoscaling: { minReplicas: 2, maxReplicas: 6 } });
    const lb = `monitored_resource="https_lb_rule",backend_target_name="${AUTONAME("fleet-backend")}"`;
    const c5xx = policyNamed(mocks, "SocketIoBalancer5xx").conditions[0]
      .conditionPrometheusQueryLanguage;
    assert.equal(
      c5xx.query,
      `sum(rate(loadbalancing_googleapis_com:https_request_count{${lb},response_code_class="500"}[5m])) / sum(rate(loadbalancing_googleapis_com:https_request_count{${lb}}[5m])) > 0.05`,
    );
    assert.equal(c5xx.duration, "300s");
    const ready = policyNamed(mocks, "SocketIoReadyNodesBelowMinimum").conditions[0]
      .conditionPrometheusQueryLanguage;
    assert.equal(ready.query, `(sum(socketio_ready{${APP}}) or vector(0)) < 2`);
    assert.equal(ready.duration, "600s");
  });

  it("notification channels: every policy notifies the given channels; none given, none sent", async () => {
    const withChannels = await build({ monitoring: { notificationChannels: CHANNELS } });
    const policies = withChannels.ofType(T.alertPolicy);
    assert.equal(policies.length, 7);
    for (const p of policies) assert.deepEqual(p.inputs.notificationChannels, CHANNELS);
    const without = await build();
    for (const p of without.ofType(T.alertPolicy)) {
      assert.equal(p.inputs.notificationChannels, undefined);
    }
  });

  it("an external Redis reports no memory metric: no Redis memory policy", async () => {
    const mocks = await build({
      redis: { mode: "external", url: "rediss://:pw@redis.example.com:6379" },
    });
    const names = mocks.ofType(T.alertPolicy).map((p) => p.inputs.displayName);
    assert.equal(names.length, 6);
    assert.ok(!names.includes("fleet: SocketIoRedisMemoryHigh"));
  });

  it("monitoring.enabled false: no collector, no policies, no dashboard, no connection scaling, the ceiling from the whole VM", async () => {
    const mocks = await build({
      monitoring: { enabled: false },
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
    });
    assert.equal(mocks.ofType(T.alertPolicy).length, 0);
    assert.equal(mocks.ofType(T.dashboard).length, 0);
    const { config, files } = cloudConfig(mocks);
    assert.deepEqual(config.runcmd, [
      "systemctl daemon-reload",
      "systemctl start socketio-fleet.service",
    ]);
    assert.deepEqual(
      config.write_files.map((f) => f.path).filter((p) => /collector|prometheus/.test(p)),
      [],
    );
    assert.equal(files["/etc/socketio-fleet/start.sh"].match(/--publish=/g)?.length, 1);
    assert.equal(mocks.one(T.autoscaler).inputs.autoscalingPolicy.metrics, undefined);
    // 2048 − 384 MiB: (1664 − 128) × 1024 ÷ 20 = 78,643.
    assert.ok(files["/etc/socketio-fleet/app.env"].includes("MAX_CONNECTIONS=78643\n"));
  });
});
