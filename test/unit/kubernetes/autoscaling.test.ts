/** Connection-based autoscaling and the node capacity on Kubernetes. */
import { strict as assert } from "node:assert";
import type {
  KubernetesMonitoring,
  KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";
import {
  SCALE_IN_PERIOD_SECONDS,
  SCALE_IN_PODS_PER_PERIOD,
  SCALE_IN_STABILIZATION_SECONDS,
  scaleInPeriodSeconds,
} from "../../../components/kubernetes/scaleIn";
import { validateKubernetesFleet } from "../../../components/kubernetes/validate";
import { TERMINATION_GRACE_SECONDS } from "../../../components/kubernetes/workload";
import { maxConnectionsForMemory } from "../../../components/shared";
import { scaleInBound } from "../../../components/shared/scaleInRules";
import { assertApplies, KUBERNETES_MINORS } from "../../helpers/strictSchema";
import { deploy, fleetArgs, T } from "./fixtures";

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
const PROM_URL = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090";
const OPERATOR: KubernetesMonitoring = {
  collector: "prometheus-operator",
  namespaces: ["monitoring"],
};
const SERVER_LABELS = {
  "app.kubernetes.io/name": "socketio-fleet",
  "app.kubernetes.io/instance": "chat",
  "app.kubernetes.io/component": "server",
  "app.kubernetes.io/managed-by": "pulumi",
};
const SCALE_DOWN = {
  stabilizationWindowSeconds: 600,
  policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
};

const connections = (
  over: Partial<KubernetesSocketIoFleetArgs> = {},
  scaling: NonNullable<KubernetesSocketIoFleetArgs["autoscaling"]>["connections"] = {
    prometheusUrl: PROM_URL,
  },
) =>
  fleetArgs({
    monitoring: OPERATOR,
    autoscaling: { minReplicas: 2, maxReplicas: 10, metric: "connections", connections: scaling },
    ...over,
  });

describe("KubernetesSocketIoFleet connection-based autoscaling", () => {
  it("KEDA (default scaler): a ScaledObject on the fleet's total clients, threshold = capacity per pod, no CPU HPA", async () => {
    const { mocks } = await deploy(connections());
    assert.equal(mocks.ofType(T.hpa).length, 0, "KEDA owns the HPA; none of ours beside it");
    assert.deepEqual(mocks.named(SCALED_OBJECT, "chat").inputs, {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { name: "chat", namespace: "chat", labels: SERVER_LABELS },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "chat" },
        minReplicaCount: 2,
        maxReplicaCount: 10,
        advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: SCALE_DOWN } } },
        triggers: [
          {
            type: "prometheus",
            metricType: "AverageValue",
            metadata: {
              serverAddress: PROM_URL,
              query: 'sum(socketio_connected_clients{namespace="chat",job="chat/chat"})',
              threshold: "9800",
              ignoreNullValues: "false",
            },
          },
        ],
      },
    });
    const deployment = mocks.one(T.deployment);
    assert.deepEqual(deployment.options.ignoreChanges, ["spec.replicas"]);
    assert.ok(mocks.named(SCALED_OBJECT, "chat").dependencies.includes(deployment.urn));
  });

  it("KEDA on Managed Prometheus: GMP's job label and the TriggerAuthentication", async () => {
    const url = "https://monitoring.googleapis.com/v1/projects/acme/location/global/prometheus";
    const { mocks } = await deploy(
      connections(
        { monitoring: undefined, ingress: { controller: "gke", tlsSecretName: "t" } },
        { scaler: "keda", prometheusUrl: url, authenticationRef: "gmp-query" },
      ),
    );
    const trigger = mocks.named(SCALED_OBJECT, "chat").inputs.spec.triggers[0];
    assert.equal(
      trigger.metadata.query,
      'sum(socketio_connected_clients{namespace="chat",job="chat"})',
    );
    assert.deepEqual(trigger.authenticationRef, { name: "gmp-query" });
  });

  it("prometheus-adapter: an HPA on the Pods metric with the same scale-in bound, no ScaledObject", async () => {
    const { mocks } = await deploy(
      connections({ connectionsPerNode: 4000 }, { scaler: "prometheus-adapter" }),
    );
    assert.equal(mocks.ofType(SCALED_OBJECT).length, 0);
    assert.deepEqual(mocks.one(T.hpa).inputs.spec, {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "chat" },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        {
          type: "Pods",
          pods: {
            metric: { name: "socketio_connected_clients" },
            target: { type: "AverageValue", averageValue: "4000" },
          },
        },
      ],
      behavior: { scaleDown: SCALE_DOWN },
    });
  });

  it("metric cpu (the default) keeps the CPU HPA, with the same scale-in bound, and creates no ScaledObject", async () => {
    const { mocks } = await deploy(fleetArgs({ autoscaling: { minReplicas: 2, maxReplicas: 4 } }));
    assert.equal(mocks.ofType(SCALED_OBJECT).length, 0);
    assert.deepEqual(mocks.one(T.hpa).inputs.spec.metrics, [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
      },
    ]);
    assert.deepEqual(mocks.one(T.hpa).inputs.spec.behavior, { scaleDown: SCALE_DOWN });
  });

  it("the scale-in bound: one pod per period, the period longer than a pod's whole termination", () => {
    assert.equal(SCALE_IN_PODS_PER_PERIOD, 1);
    assert.ok(TERMINATION_GRACE_SECONDS < SCALE_IN_PERIOD_SECONDS, "two drains never overlap");
    assert.ok(SCALE_IN_STABILIZATION_SECONDS >= 300, "at least the HPA's own default window");
  });

  it("the period also follows the shared bound: bigger pods and fewer survivors remove pods slower", () => {
    // 512 Mi (9,800 clients): the shared bound (49 s with one survivor) is under a termination.
    assert.equal(scaleInPeriodSeconds(9800, 1), SCALE_IN_PERIOD_SECONDS);
    // 1 Gi (22,900): one survivor accepts 200 handshakes/s, so 115 s; two survivors halve it.
    assert.equal(scaleInPeriodSeconds(22900, 1), 115);
    assert.equal(scaleInPeriodSeconds(22900, 1), scaleInBound(22900).removalPeriodSeconds);
    assert.equal(scaleInPeriodSeconds(22900, 2), SCALE_IN_PERIOD_SECONDS);
    // Never above what an HPA policy takes.
    assert.equal(scaleInPeriodSeconds(1_000_000, 1), 1800);
  });

  it("every object applies under strict server-side apply (KEDA v2.20.2 CRD, autoscaling/v2)", async () => {
    for (const scaler of ["keda", "prometheus-adapter"] as const) {
      const { mocks } = await deploy(
        connections({}, { scaler, ...(scaler === "keda" ? { prometheusUrl: PROM_URL } : {}) }),
      );
      for (const kubernetes of KUBERNETES_MINORS) assertApplies(mocks.resources, { kubernetes });
    }
  });

  it("refuses inconsistent connection autoscaling, naming the field and the fix", () => {
    const fields = (args: KubernetesSocketIoFleetArgs) =>
      validateKubernetesFleet("chat", args).map((p) => p.field);
    // No collector: nothing gathers the metric.
    assert.deepEqual(fields(connections({ monitoring: undefined })), ["autoscaling.metric"]);
    assert.deepEqual(fields(connections({ monitoring: { ...OPERATOR, enabled: false } })), [
      "autoscaling.metric",
    ]);
    // KEDA needs the URL; the adapter takes none.
    assert.deepEqual(fields(connections({}, {})), ["autoscaling.connections.prometheusUrl"]);
    assert.deepEqual(
      fields(
        fleetArgs({
          monitoring: OPERATOR,
          autoscaling: { minReplicas: 2, maxReplicas: 4, metric: "connections" },
        }),
      ),
      ["autoscaling.connections.prometheusUrl"],
    );
    assert.deepEqual(
      fields(connections({}, { scaler: "prometheus-adapter", prometheusUrl: PROM_URL })),
      ["autoscaling.connections.prometheusUrl"],
    );
    assert.deepEqual(fields(connections({}, { prometheusUrl: "prometheus:9090" })), [
      "autoscaling.connections.prometheusUrl",
    ]);
    assert.deepEqual(
      fields(
        connections(
          {},
          {
            prometheusUrl:
              "https://monitoring.googleapis.com/v1/projects/p/location/global/prometheus",
          },
        ),
      ),
      ["autoscaling.connections.authenticationRef"],
    );
    // One autoscaler: no CPU target with connections, no connections with CPU.
    const both = validateKubernetesFleet(
      "chat",
      fleetArgs({
        monitoring: OPERATOR,
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          metric: "connections",
          targetCpuPercent: 60,
          connections: { prometheusUrl: PROM_URL },
        },
      }),
    );
    assert.deepEqual(both, [
      {
        field: "autoscaling.targetCpuPercent",
        message:
          '`autoscaling.targetCpuPercent` applies only with `autoscaling.metric: "cpu"`: with "connections" the fleet scales on connected clients per pod against `connectionsPerNode`, and one autoscaler only may target the Deployment. Remove it',
      },
    ]);
    assert.deepEqual(
      fields(
        fleetArgs({
          autoscaling: { minReplicas: 2, maxReplicas: 4, connections: { prometheusUrl: PROM_URL } },
        }),
      ),
      ["autoscaling.connections"],
    );
  });
});

describe("KubernetesSocketIoFleet node capacity and MAX_CONNECTIONS", () => {
  const env = async (args: KubernetesSocketIoFleetArgs) => {
    const { mocks } = await deploy(args);
    const vars = mocks.one(T.deployment).inputs.spec.template.spec.containers[0].env as {
      name: string;
      value?: string;
    }[];
    return vars.find((v) => v.name === "MAX_CONNECTIONS")?.value;
  };

  it("MAX_CONNECTIONS: maxConnectionsPerNode when set, else what the memory limit holds", async () => {
    assert.equal(await env(fleetArgs()), String(maxConnectionsForMemory(512)));
    assert.equal(await env(fleetArgs()), "19660");
    assert.equal(await env(fleetArgs({ maxConnectionsPerNode: 12000 })), "12000");
    assert.equal(
      await env(
        fleetArgs({ resources: { limits: { memory: "1Gi" }, requests: { memory: "1Gi" } } }),
      ),
      "45875",
    );
  });

  it("a derived capacity stays below a lower ceiling (the autoscaler never aims above it)", async () => {
    const { mocks } = await deploy(
      connections({ maxConnectionsPerNode: 6000 }, { scaler: "prometheus-adapter" }),
    );
    assert.equal(mocks.one(T.hpa).inputs.spec.metrics[0].pods.target.averageValue, "6000");
  });

  it("refuses a capacity or a ceiling the memory limit cannot hold, with the numbers", () => {
    assert.deepEqual(
      validateKubernetesFleet(
        "chat",
        fleetArgs({ connectionsPerNode: 20000, maxConnectionsPerNode: 30000 }),
      ),
      [
        {
          field: "connectionsPerNode",
          message:
            '`connectionsPerNode` (20000) is more than the container\'s memory limit holds: `resources.limits.memory` "512Mi" (512 MiB) holds at most 19660 connections ((512 − 128 MiB baseline) × 1024 ÷ 20 KiB a connection). Lower `connectionsPerNode` to at most 19660, or raise the memory limit to at least 519 Mi',
        },
        {
          field: "maxConnectionsPerNode",
          message:
            '`maxConnectionsPerNode` (30000) is more than the container\'s memory limit holds: `resources.limits.memory` "512Mi" (512 MiB) holds at most 19660 connections ((512 − 128 MiB baseline) × 1024 ÷ 20 KiB a connection). Lower `maxConnectionsPerNode` to at most 19660, or raise the memory limit to at least 714 Mi',
        },
      ],
    );
    // Above the ceiling: the shared rule, with both numbers.
    const above = validateKubernetesFleet(
      "chat",
      fleetArgs({ connectionsPerNode: 9000, maxConnectionsPerNode: 8000 }),
    );
    assert.deepEqual(
      above.map((p) => p.field),
      ["connectionsPerNode"],
    );
    assert.match(above[0].message, /\(9000\) is above `maxConnectionsPerNode` \(8000\)/);
    assert.deepEqual(validateKubernetesFleet("chat", fleetArgs({ connectionsPerNode: 19660 })), []);
  });
});
