/** Monitoring on Kubernetes: the collector's monitors, the fleet's rules, the exporter, the dashboard. */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
  type KubernetesMonitoring,
  KubernetesSocketIoFleet,
  type KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";
import { REDIS_EXPORTER_IMAGE } from "../../../components/kubernetes/redisExporter";
import { validateKubernetesFleet } from "../../../components/kubernetes/validate";
import { MONITORING_WITHOUT_COLLECTOR_WARNING } from "../../../components/kubernetes/warnings";
import { ALERT_NAMES, fleetAlerts, prometheusRuleGroup } from "../../../components/shared";
import { setupMocks } from "../../helpers/mocks";
import { assertApplies, KUBERNETES_MINORS } from "../../helpers/strictSchema";
import { deploy, fleetArgs, K8S_OUTPUTS, PASSWORD, T, gatewayArgs } from "./fixtures";

const M = {
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  podMonitoring: "kubernetes:monitoring.googleapis.com/v1:PodMonitoring",
  rules: "kubernetes:monitoring.googleapis.com/v1:Rules",
  configMap: "kubernetes:core/v1:ConfigMap",
  scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
} as const;
const MONITORING_TYPES = Object.values(M);

const GKE = { controller: "gke", tlsSecretName: "chat-tls" } as const;
const OPERATOR: KubernetesMonitoring = {
  collector: "prometheus-operator",
  namespaces: ["monitoring"],
  labels: { release: "kube-prometheus-stack" },
};

const SERVER_LABELS = {
  "app.kubernetes.io/name": "socketio-fleet",
  "app.kubernetes.io/instance": "chat",
  "app.kubernetes.io/component": "server",
};
const REDIS_LABELS = { ...SERVER_LABELS, "app.kubernetes.io/component": "redis" };
const managed = (labels: Record<string, string>) => ({
  ...labels,
  "app.kubernetes.io/managed-by": "pulumi",
});

const kinds = (mocks: { resources: { type: string; name: string }[] }) =>
  mocks.resources
    .filter((r) => (MONITORING_TYPES as string[]).includes(r.type))
    .map((r) => `${r.type.split(":").pop()}/${r.name}`)
    .sort();

describe("KubernetesSocketIoFleet monitoring", () => {
  it("default on GKE: Managed Prometheus (PodMonitoring + Rules), the exporter's monitor and the dashboard", async () => {
    const { mocks } = await deploy(fleetArgs({ ingress: GKE }));
    assert.deepEqual(kinds(mocks), [
      "ConfigMap/chat-dashboard",
      "PodMonitoring/chat",
      "PodMonitoring/chat-redis",
      "Rules/chat",
    ]);
    assert.deepEqual(mocks.named(M.podMonitoring, "chat").inputs, {
      apiVersion: "monitoring.googleapis.com/v1",
      kind: "PodMonitoring",
      metadata: { name: "chat", namespace: "chat", labels: managed(SERVER_LABELS) },
      spec: {
        selector: { matchLabels: SERVER_LABELS },
        endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
      },
    });
    assert.deepEqual(mocks.named(M.podMonitoring, "chat-redis").inputs.spec, {
      selector: { matchLabels: REDIS_LABELS },
      endpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
    });
    // GKE's collectors run in gmp-system: admitted to both metrics ports, nothing else.
    const admitted = (port: number) => ({
      from: [
        {
          namespaceSelector: {
            matchExpressions: [
              { key: "kubernetes.io/metadata.name", operator: "In", values: ["gmp-system"] },
            ],
          },
        },
      ],
      ports: [{ protocol: "TCP", port }],
    });
    assert.deepEqual(mocks.named(T.networkPolicy, "chat").inputs.spec.ingress[1], admitted(9464));
    assert.deepEqual(mocks.named(T.networkPolicy, "chat-redis").inputs.spec.ingress, [
      {
        from: [{ podSelector: { matchLabels: SERVER_LABELS } }],
        ports: [{ protocol: "TCP", port: 6379 }],
      },
      admitted(9121),
    ]);
  });

  it("a GKE Gateway implies Managed Prometheus too", async () => {
    const { mocks } = await deploy(
      gatewayArgs({ name: "g", namespace: "gw", implementation: "gke" }),
    );
    assert.equal(mocks.ofType(M.podMonitoring).length, 2);
    assert.equal(mocks.ofType(M.rules).length, 1);
  });

  it("the rule group is the shared renderer's, with this fleet's namespace and job (GMP: job = PodMonitoring name)", async () => {
    const { mocks } = await deploy(fleetArgs({ ingress: GKE }));
    const rules = mocks.named(M.rules, "chat").inputs;
    assert.deepEqual(rules.metadata, {
      name: "chat",
      namespace: "chat",
      labels: managed(SERVER_LABELS),
    });
    const expected = prometheusRuleGroup(fleetAlerts({ connectionsPerNode: 9800 }), {
      app: 'namespace="chat",job="chat"',
      redis: 'namespace="chat",job="chat-redis"',
    });
    assert.deepEqual(rules.spec, { groups: [expected] });
    // Every alert, the Redis memory one included (the exporter is scraped).
    assert.deepEqual(
      expected.rules.map((r) => r.alert),
      Object.values(ALERT_NAMES),
    );
  });

  it('collector "prometheus-operator": PodMonitor + PrometheusRule with the extra labels, job "<namespace>/<name>"', async () => {
    const { mocks } = await deploy(
      fleetArgs({ monitoring: OPERATOR, namespace: { name: "realtime" } }),
    );
    assert.deepEqual(kinds(mocks), [
      "ConfigMap/chat-dashboard",
      "PodMonitor/chat",
      "PodMonitor/chat-redis",
      "PrometheusRule/chat",
    ]);
    assert.deepEqual(mocks.named(M.podMonitor, "chat").inputs, {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: {
        name: "chat",
        namespace: "realtime",
        labels: { ...managed(SERVER_LABELS), release: "kube-prometheus-stack" },
      },
      spec: {
        selector: { matchLabels: SERVER_LABELS },
        podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "30s" }],
      },
    });
    const rule = mocks.named(M.prometheusRule, "chat").inputs;
    assert.equal(rule.metadata.labels.release, "kube-prometheus-stack");
    assert.deepEqual(rule.spec.groups, [
      prometheusRuleGroup(fleetAlerts({ connectionsPerNode: 9800 }), {
        app: 'namespace="realtime",job="realtime/chat"',
        redis: 'namespace="realtime",job="realtime/chat-redis"',
      }),
    ]);
    assert.deepEqual(
      mocks.named(T.networkPolicy, "chat").inputs.spec.ingress[1].from[0].namespaceSelector
        .matchExpressions[0].values,
      ["monitoring"],
    );
  });

  it("the capacity threshold follows connectionsPerNode", async () => {
    const { mocks } = await deploy(fleetArgs({ ingress: GKE, connectionsPerNode: 5000 }));
    const rules = mocks.named(M.rules, "chat").inputs.spec.groups[0].rules as {
      alert: string;
      expr: string;
    }[];
    assert.equal(
      rules.find((r) => r.alert === ALERT_NAMES.clientsAboveCapacity)?.expr,
      'socketio_connected_clients{namespace="chat",job="chat"} > 5000',
    );
  });

  it("external Redis: no exporter and no Redis memory alert (the renderer leaves it out)", async () => {
    const { mocks } = await deploy(
      fleetArgs({
        ingress: GKE,
        redis: { mode: "external", url: "rediss://:pw@redis.example.com:6380" },
      }),
    );
    assert.deepEqual(kinds(mocks), [
      "ConfigMap/chat-dashboard",
      "PodMonitoring/chat",
      "Rules/chat",
    ]);
    assert.deepEqual(mocks.named(M.rules, "chat").inputs.spec.groups, [
      prometheusRuleGroup(fleetAlerts({ connectionsPerNode: 9800 }), {
        app: 'namespace="chat",job="chat"',
      }),
    ]);
  });

  it("monitoring.enabled false: no monitor, rule, dashboard or exporter, even on GKE; the metrics port stays closed", async () => {
    for (const ingress of [GKE, fleetArgs().ingress]) {
      const { mocks } = await deploy(fleetArgs({ ingress, monitoring: { enabled: false } }));
      assert.deepEqual(kinds(mocks), [], ingress.controller);
      const sts = mocks.one(T.statefulSet).inputs.spec.template.spec;
      assert.deepEqual(
        sts.containers.map((c: { name: string }) => c.name),
        ["redis"],
      );
      assert.equal(mocks.named(T.networkPolicy, "chat").inputs.spec.ingress.length, 1);
      assert.equal(mocks.named(T.networkPolicy, "chat-redis").inputs.spec.ingress.length, 1);
      const secret = mocks.named(T.secret, "chat-redis").inputs.stringData;
      assert.deepEqual(Object.keys(secret).sort(), ["redis.conf", "url"]);
    }
  });

  it("default off GKE: nothing created (a CRD the cluster lacks would fail `pulumi up`), and a warning says how to turn it on", async () => {
    await setupMocks({ outputs: K8S_OUTPUTS });
    const logged: string[] = [];
    const original = pulumi.log.warn;
    pulumi.log.warn = async (message: string) => {
      logged.push(message);
    };
    let args: KubernetesSocketIoFleetArgs;
    try {
      args = fleetArgs({ ingress: { controller: "traefik", host: "chat.example.com" } });
      new KubernetesSocketIoFleet("chat", { ...args, cors: undefined });
      assert.deepEqual(logged, [MONITORING_WITHOUT_COLLECTOR_WARNING]);
      logged.length = 0;
      new KubernetesSocketIoFleet("chat2", { ...args, cors: undefined, monitoring: OPERATOR });
      assert.deepEqual(logged, []);
    } finally {
      pulumi.log.warn = original;
    }
    const { mocks } = await deploy(fleetArgs());
    assert.deepEqual(kinds(mocks), []);
  });

  it("the redis exporter sidecar: pinned, non-root, read-only, capped, password from a file in the Secret", async () => {
    const { mocks } = await deploy(fleetArgs({ ingress: GKE }));
    const pod = mocks.one(T.statefulSet).inputs.spec.template.spec;
    assert.deepEqual(pod.containers[1], {
      name: "redis-exporter",
      image: "oliver006/redis_exporter:v1.88.0",
      env: [
        { name: "REDIS_ADDR", value: "redis://127.0.0.1:6379" },
        {
          name: "REDIS_PASSWORD_FILE",
          value: "/etc/redis-exporter/redis-exporter-passwords.json",
        },
      ],
      ports: [{ name: "metrics", containerPort: 9121, protocol: "TCP" }],
      resources: {
        requests: { cpu: "10m", memory: "32Mi" },
        limits: { cpu: "100m", memory: "64Mi" },
      },
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      },
      volumeMounts: [{ name: "exporter-secret", mountPath: "/etc/redis-exporter", readOnly: true }],
    });
    assert.equal(pod.containers[1].image, REDIS_EXPORTER_IMAGE);
    assert.deepEqual(pod.volumes.at(-1), {
      name: "exporter-secret",
      secret: {
        secretName: "chat-redis",
        defaultMode: 0o440,
        items: [{ key: "redis-exporter-passwords.json", path: "redis-exporter-passwords.json" }],
      },
    });
    const secret = mocks.named(T.secret, "chat-redis");
    assert.equal(
      secret.inputs.stringData["redis-exporter-passwords.json"],
      JSON.stringify({ "redis://127.0.0.1:6379": PASSWORD }),
    );
    // Never a plain value: the password is nowhere in the pod spec.
    assert.ok(!JSON.stringify(pod).includes(PASSWORD));
  });

  it("the Grafana dashboard: a ConfigMap for the sidecar, every panel on this fleet's series", async () => {
    const { mocks } = await deploy(fleetArgs({ ingress: GKE }));
    const cm = mocks.named(M.configMap, "chat-dashboard").inputs;
    assert.deepEqual(cm.metadata, {
      name: "chat-dashboard",
      namespace: "chat",
      labels: { ...managed(SERVER_LABELS), grafana_dashboard: "1" },
    });
    assert.deepEqual(Object.keys(cm.data), ["chat.json"]);
    const dashboard = JSON.parse(cm.data["chat.json"]) as {
      uid: string;
      panels: {
        title: string;
        targets: { expr: string }[];
        fieldConfig: { defaults: { thresholds?: { steps: { value: number | null }[] } } };
      }[];
    };
    assert.ok(dashboard.uid.length <= 40);
    assert.deepEqual(
      dashboard.panels.map((p) => p.title),
      [
        "Connected clients per node",
        "Connected clients by transport",
        'Unknown-session rate ("Session ID unknown": stickiness broken)',
        "Connection errors by reason",
        "Disconnects by reason",
        "Adapter messages per second",
        "Redis round trip p50 / p99",
        "Redis connected (1 = every connection of the role ready)",
        "Ready nodes",
        "Redis memory used / maxmemory",
      ],
    );
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        assert.match(t.expr, /\{namespace="chat",job="chat(-redis)?"\}/, panel.title);
      }
    }
    assert.equal(dashboard.panels[0].fieldConfig.defaults.thresholds?.steps[1].value, 9800);
    assert.equal(
      dashboard.panels[6].targets[1].expr,
      'histogram_quantile(0.99, sum by (le, role) (rate(socketio_redis_roundtrip_seconds_bucket{namespace="chat",job="chat"}[$__rate_interval])))',
    );
    // In Grafana's namespace when named; none when disabled.
    const other = await deploy(
      fleetArgs({ ingress: GKE, monitoring: { dashboard: { namespace: "grafana" } } }),
    );
    assert.equal(
      other.mocks.named(M.configMap, "chat-chat-dashboard").inputs.metadata.namespace,
      "grafana",
    );
    const off = await deploy(
      fleetArgs({ ingress: GKE, monitoring: { dashboard: { enabled: false } } }),
    );
    assert.equal(off.mocks.ofType(M.configMap).length, 0);
    assert.equal(off.mocks.ofType(M.rules).length, 1);
  });

  it("every object applies under strict server-side apply, for each collector (pinned CRDs)", async () => {
    for (const monitoring of [undefined, OPERATOR] as const) {
      const { mocks } = await deploy(fleetArgs({ ingress: GKE, monitoring }));
      for (const kubernetes of KUBERNETES_MINORS) assertApplies(mocks.resources, { kubernetes });
    }
  });

  it("refuses malformed monitoring args, each with the field, the value and the fix", () => {
    const problems = validateKubernetesFleet(
      "chat",
      fleetArgs({
        monitoring: {
          collector: "prometheus" as never,
          enabled: "yes" as never,
          labels: { release: "kube prometheus", "bad key!": "x" },
          dashboard: { namespace: "Grafana" },
        },
      }),
    );
    assert.deepEqual(problems, [
      {
        field: "monitoring.enabled",
        message: '`monitoring.enabled` ("yes") must be true or false',
      },
      {
        field: "monitoring.collector",
        message:
          '`monitoring.collector` ("prometheus") must be one of "prometheus-operator", "gke-managed-prometheus"',
      },
      {
        field: "monitoring.labels.release",
        message:
          '`monitoring.labels.release` ("kube prometheus") must be a label value: at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit',
      },
      {
        field: "monitoring.labels",
        message:
          '`monitoring.labels` key "bad key!" is not a Kubernetes label name (an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_", "."), e.g. "release"',
      },
      {
        field: "monitoring.dashboard.namespace",
        message:
          '`monitoring.dashboard.namespace` ("Grafana") must be a namespace name (Grafana\'s, where its sidecar looks), e.g. "grafana"',
      },
    ]);
    assert.deepEqual(
      validateKubernetesFleet(
        "chat",
        fleetArgs({ monitoring: { collector: "prometheus-operator" } }),
      ),
      [
        {
          field: "monitoring.namespaces",
          message:
            '`monitoring.namespaces` is required with `collector: "prometheus-operator"`: the NetworkPolicy admits scrapes only from the namespaces named, so name the one your Prometheus runs in, e.g. ["monitoring"]',
        },
      ],
    );
    assert.deepEqual(
      validateKubernetesFleet(
        "chat",
        fleetArgs({
          monitoring: { collector: "gke-managed-prometheus", namespaces: ["monitoring"] },
        }),
      ),
      [
        {
          field: "monitoring.namespaces",
          message:
            '`monitoring.namespaces` (["monitoring"]) leaves out "gmp-system", where GKE\'s managed collectors run: the NetworkPolicy would refuse their scrapes. Add "gmp-system" or leave `namespaces` out',
        },
      ],
    );
  });
});
