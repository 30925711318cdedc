import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { isSecretInput, setupMocks } from "../../helpers/mocks";
import {
  CERT_ARN,
  deploy,
  fleetArgs,
  isBuiltIn,
  K8S_OUTPUTS,
  kubeObjects,
  PASSWORD,
  T,
  validateBuiltIn,
} from "./fixtures";
import {
  KubernetesSocketIoFleet,
  type KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";

const SERVER = {
  "app.kubernetes.io/name": "socketio-fleet",
  "app.kubernetes.io/instance": "chat",
  "app.kubernetes.io/component": "server",
};
const REDIS = { ...SERVER, "app.kubernetes.io/component": "redis" };
const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: "RuntimeDefault" },
};
const CONTAINER_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
// Ports 53 and 5353 to any destination: NodeLocal DNSCache (iptables mode) answers for the
// kube-dns ClusterIP from the node's host network, which no pod selector or link-local ipBlock
// matches; OpenShift's DNS pods listen on 5353.
const DNS_EGRESS = {
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
    { protocol: "UDP", port: 5353 },
    { protocol: "TCP", port: 5353 },
  ],
};

describe("KubernetesSocketIoFleet workload, Redis and NetworkPolicies", () => {
  it("every rendered built-in object validates against the upstream schema (kubernetes-models), for every variant", async () => {
    const variants: KubernetesSocketIoFleetArgs[] = [
      fleetArgs({
        autoscaling: { minReplicas: 2, maxReplicas: 6 },
        redis: { mode: "in-cluster", storageGi: 2 },
      }),
      fleetArgs({ ingress: { controller: "gke", tlsSecretName: "t" }, replicas: 1 }),
      fleetArgs({
        ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
        redis: { mode: "external", url: "rediss://:pw@r.example.com:6380" },
      }),
      fleetArgs({
        ingress: { controller: "traefik", tlsSecretName: "t" },
        namespace: { name: "apps", create: false },
        monitoring: { namespaces: ["monitoring", "observability"] },
      }),
    ];
    let validated = 0;
    for (const args of variants) {
      const { mocks } = await deploy(args);
      for (const r of kubeObjects(mocks).filter(isBuiltIn)) {
        validateBuiltIn(r);
        validated++;
      }
    }
    assert.ok(validated >= 36, `validated ${validated} objects`);
  });

  it("the schema check fails on a wrong type (so passing means something)", async () => {
    const { mocks } = await deploy();
    const deployment = structuredClone(mocks.one(T.deployment));
    deployment.inputs.spec.template.spec.containers[0].ports[0].containerPort = "3000";
    assert.throws(() => validateBuiltIn(deployment), /containerPort must be integer/);
  });

  it("the Deployment: hardened pods, probes, preStop sleep, spread, grace, rolling update, /tmp volume", async () => {
    const { mocks } = await deploy(fleetArgs({ healthCheckPath: "/livez", containerPort: 8080 }));
    const d = mocks.one(T.deployment).inputs;
    assert.deepEqual(d.metadata, {
      name: "chat",
      namespace: "chat",
      labels: { ...SERVER, "app.kubernetes.io/managed-by": "pulumi" },
    });
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.selector, { matchLabels: SERVER });
    assert.deepEqual(d.spec.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 1 },
    });
    const pod = d.spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.enableServiceLinks, false);
    assert.deepEqual(pod.securityContext, POD_SECURITY);
    // 10 s preStop (counted in the grace period) + 25 s drain + 5 s margin.
    assert.equal(pod.terminationGracePeriodSeconds, 10 + 25 + 5);
    // Spread is counted per ReplicaSet (pod-template-hash), so a rolling update spreads the new
    // revision on its own instead of against the old pods it is about to replace.
    assert.deepEqual(pod.topologySpreadConstraints, [
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: SERVER },
        matchLabelKeys: ["pod-template-hash"],
      },
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: SERVER },
        matchLabelKeys: ["pod-template-hash"],
      },
    ]);
    assert.deepEqual(pod.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }]);
    assert.equal(pod.containers.length, 1);
    const c = pod.containers[0];
    assert.equal(c.image, "ghcr.io/acme/chat:1.2.3");
    assert.deepEqual(c.ports, [
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "metrics", containerPort: 9464, protocol: "TCP" },
    ]);
    // The kubelet sleeps (no shell binary needed in the image) before it sends SIGTERM.
    assert.deepEqual(c.lifecycle, { preStop: { sleep: { seconds: 10 } } });
    assert.deepEqual(c.securityContext, CONTAINER_SECURITY);
    assert.deepEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
    assert.deepEqual(c.readinessProbe, {
      httpGet: { path: "/readyz", port: "http" },
      periodSeconds: 5,
      failureThreshold: 2,
      timeoutSeconds: 2,
    });
    assert.deepEqual(c.livenessProbe, {
      httpGet: { path: "/livez", port: "http" },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      failureThreshold: 3,
      timeoutSeconds: 2,
    });
    assert.deepEqual(c.resources, {
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    });
  });

  it("one replica is replaced surge-first (never zero ready pods) and gets no PodDisruptionBudget", async () => {
    const { mocks } = await deploy(fleetArgs({ replicas: 1 }));
    assert.deepEqual(mocks.one(T.deployment).inputs.spec.strategy.rollingUpdate, {
      maxUnavailable: 0,
      maxSurge: 1,
    });
    assert.equal(mocks.ofType(T.pdb).length, 0);
    assert.equal(mocks.ofType(T.hpa).length, 0);
  });

  it("the app environment: the shared contract, NODE_ID from the pod, REDIS_URL from the Secret, then user env", async () => {
    const { mocks } = await deploy(fleetArgs({ env: { FEATURE: "on" }, adapter: "redis-streams" }));
    const env = mocks.one(T.deployment).inputs.spec.template.spec.containers[0].env;
    assert.deepEqual(env, [
      { name: "PORT", value: "3000" },
      { name: "SOCKETIO_ADAPTER", value: "redis-streams" },
      { name: "CORS_ORIGINS", value: "https://app.example.com" },
      { name: "CORS_CREDENTIALS", value: "true" },
      { name: "SOCKETIO_TRANSPORTS", value: "polling,websocket" },
      { name: "PING_INTERVAL_MS", value: "25000" },
      { name: "PING_TIMEOUT_MS", value: "20000" },
      { name: "STICKINESS_MODE", value: "cookie" },
      { name: "HEALTH_CHECK_PATH", value: "/healthz" },
      { name: "REDIS_MODE", value: "standalone" },
      { name: "METRICS_PORT", value: "9464" },
      // ingress-nginx's upstream-keepalive-timeout (60 s) plus 5 s.
      { name: "HTTP_KEEPALIVE_TIMEOUT_MS", value: "65000" },
      // What the default 512Mi limit holds at all (`resolveCapacity`).
      { name: "MAX_CONNECTIONS", value: "19660" },
      { name: "NODE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "REDIS_URL", valueFrom: { secretKeyRef: { name: "chat-redis", key: "url" } } },
      { name: "FEATURE", value: "on" },
    ]);
  });

  it("REDIS_MODE: standalone for in-cluster Valkey and by default for external; cluster when redis.cluster", async () => {
    const redisMode = async (redis: KubernetesSocketIoFleetArgs["redis"]) => {
      const { mocks } = await deploy(fleetArgs({ redis, adapter: "redis-sharded" }));
      const env: { name: string; value?: string }[] = mocks.one(T.deployment).inputs.spec.template
        .spec.containers[0].env;
      return env.filter((e) => e.name === "REDIS_MODE").map((e) => e.value);
    };
    const url = "rediss://:pw@clustercfg.chat.example.com:6379";
    assert.deepEqual(await redisMode(undefined), ["standalone"]);
    assert.deepEqual(await redisMode({ mode: "external", url }), ["standalone"]);
    assert.deepEqual(await redisMode({ mode: "external", url, cluster: false }), ["standalone"]);
    assert.deepEqual(await redisMode({ mode: "external", url, cluster: true }), ["cluster"]);
  });

  it("the Redis URL is never a plain value: not in any pod env, only in the Secret, marked secret", async () => {
    for (const redis of [
      undefined,
      { mode: "external", url: "rediss://:s3cr3t@r.example.com:6380" },
    ] as const) {
      const { mocks, fleet } = await deploy(fleetArgs({ redis }));
      const password = redis ? "s3cr3t" : PASSWORD;
      for (const r of kubeObjects(mocks).filter((o) => o.type !== T.secret)) {
        assert.ok(
          !JSON.stringify(r.inputs).includes(password),
          `${r.type} ${r.name} holds the password`,
        );
      }
      const secret = mocks.one(T.secret);
      assert.ok(isSecretInput(secret.rawInputs.stringData), "stringData is sent as a secret");
      assert.equal(
        secret.inputs.stringData.url,
        redis
          ? "rediss://:s3cr3t@r.example.com:6380"
          : `redis://:${PASSWORD}@chat-redis.chat.svc:6379`,
      );
      assert.ok(await import("../../helpers/unwrap").then((u) => u.isSecret(fleet.redisUrl)));
    }
  });

  it("Service (ClusterIP on 80 → http), PodDisruptionBudget and HorizontalPodAutoscaler", async () => {
    const { mocks } = await deploy(
      fleetArgs({ autoscaling: { minReplicas: 2, maxReplicas: 8, targetCpuPercent: 60 } }),
    );
    const svc = mocks.named(T.service, "chat").inputs;
    assert.deepEqual(svc.spec, {
      type: "ClusterIP",
      selector: SERVER,
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    });
    assert.deepEqual(mocks.one(T.pdb).inputs.spec, {
      maxUnavailable: 1,
      selector: { matchLabels: SERVER },
    });
    assert.deepEqual(mocks.one(T.hpa).inputs.spec, {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "chat" },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } },
        },
      ],
      // The fleet's scale-in bound (`scaleIn.ts`): one pod per minute after a 10-minute window.
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 600,
          policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
        },
      },
    });
    assert.equal(mocks.one(T.deployment).inputs.spec.replicas, 3, "the initial count");
  });

  it("autoscaling without replicas starts inside the range (default 70% CPU)", async () => {
    const { mocks } = await deploy(fleetArgs({ autoscaling: { minReplicas: 5, maxReplicas: 9 } }));
    assert.equal(mocks.one(T.deployment).inputs.spec.replicas, 5);
    assert.equal(mocks.one(T.hpa).inputs.spec.metrics[0].resource.target.averageUtilization, 70);
  });

  it("NetworkPolicies: fleet ingress only on containerPort, egress only to Redis and DNS; Redis only from the fleet", async () => {
    const { mocks } = await deploy(fleetArgs({ containerPort: 8080 }));
    assert.equal(mocks.ofType(T.networkPolicy).length, 2);
    assert.deepEqual(mocks.named(T.networkPolicy, "chat").inputs.spec, {
      podSelector: { matchLabels: SERVER },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ ports: [{ protocol: "TCP", port: 8080 }] }],
      egress: [
        { to: [{ podSelector: { matchLabels: REDIS } }], ports: [{ protocol: "TCP", port: 6379 }] },
        DNS_EGRESS,
      ],
    });
    assert.deepEqual(mocks.named(T.networkPolicy, "chat-redis").inputs.spec, {
      podSelector: { matchLabels: REDIS },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: SERVER } }],
          ports: [{ protocol: "TCP", port: 6379 }],
        },
      ],
      egress: [],
    });
  });

  it("external Redis: egress to its port (from the URL, or given), no Redis pods or Redis policy", async () => {
    const { mocks } = await deploy(
      fleetArgs({ redis: { mode: "external", url: "rediss://:pw@r.example.com:6380" } }),
    );
    assert.equal(mocks.ofType(T.statefulSet).length, 0);
    assert.equal(mocks.ofType(T.password).length, 0);
    assert.deepEqual(
      mocks.ofType(T.networkPolicy).map((p) => p.name),
      ["chat"],
    );
    assert.deepEqual(mocks.one(T.networkPolicy).inputs.spec.egress, [
      { ports: [{ protocol: "TCP", port: 6380 }] },
      DNS_EGRESS,
    ]);
    const given = await deploy(
      fleetArgs({ redis: { mode: "external", url: "redis://:pw@r:1", port: 7000 } }),
    );
    assert.deepEqual(given.mocks.one(T.networkPolicy).inputs.spec.egress[0], {
      ports: [{ protocol: "TCP", port: 7000 }],
    });
  });

  it("in-cluster Valkey: hardened StatefulSet reading its password from a Secret-mounted config file", async () => {
    const { mocks } = await deploy();
    const pw = mocks.one(T.password).inputs;
    assert.deepEqual(pw, { length: 32, special: false });
    const secret = mocks.one(T.secret).inputs;
    // On an emptyDir: nothing persisted (no AOF, no RDB snapshots), so Valkey never forks;
    // maxmemory = 75 % of the 256Mi limit (192 MiB); full means refused writes, never eviction.
    assert.equal(
      secret.stringData["redis.conf"],
      [
        "port 6379",
        "bind * -::*",
        "protected-mode yes",
        `requirepass ${PASSWORD}`,
        "dir /data",
        `maxmemory ${192 * 1024 * 1024}`,
        "maxmemory-policy noeviction",
        'save ""',
        "appendonly no",
        "",
      ].join("\n"),
    );
    const sts = mocks.one(T.statefulSet).inputs;
    assert.equal(sts.spec.replicas, 1);
    assert.equal(sts.spec.serviceName, "chat-redis");
    assert.equal(sts.spec.volumeClaimTemplates, undefined);
    // A config change restarts Valkey (it reads the file only at start); no password in it.
    const hash = createHash("sha256")
      .update(secret.stringData["redis.conf"].replace(PASSWORD, "<password>"))
      .digest("hex");
    assert.deepEqual(sts.spec.template.metadata.annotations, {
      "socketio-fleet/redis-config-sha256": hash,
    });
    const pod = sts.spec.template.spec;
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(pod.securityContext, POD_SECURITY);
    const c = pod.containers[0];
    // Valkey (BSD-3-Clause), pinned: not redis:7.4 (RSALv2/SSPLv1).
    assert.equal(c.image, "valkey/valkey:9.1.1-alpine");
    assert.deepEqual(c.command, ["valkey-server", "/etc/redis/redis.conf"]);
    assert.deepEqual(c.resources, {
      requests: { cpu: "100m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
    assert.equal(c.args, undefined);
    assert.equal(c.env, undefined, "no password in the environment");
    assert.deepEqual(c.securityContext, CONTAINER_SECURITY);
    assert.deepEqual(c.readinessProbe, { tcpSocket: { port: "redis" }, periodSeconds: 5 });
    assert.deepEqual(c.volumeMounts, [
      { name: "data", mountPath: "/data" },
      { name: "config", mountPath: "/etc/redis", readOnly: true },
    ]);
    assert.deepEqual(pod.volumes, [
      {
        name: "config",
        secret: {
          secretName: "chat-redis",
          defaultMode: 0o440,
          items: [{ key: "redis.conf", path: "redis.conf" }],
        },
      },
      { name: "data", emptyDir: {} },
    ]);
    assert.deepEqual(mocks.named(T.service, "chat-redis").inputs.spec, {
      type: "ClusterIP",
      selector: REDIS,
      ports: [{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }],
    });
    const sp = mocks.one(T.statefulSet);
    assert.ok(sp.dependencies.includes(mocks.one(T.secret).urn));
    assert.ok(
      mocks.one(T.deployment).dependencies.includes(sp.urn),
      "the fleet starts after Redis",
    );
  });

  it("storageGi gives Valkey a persistent volume, the append-only file, and room for its rewrite fork", async () => {
    const { mocks } = await deploy(
      fleetArgs({
        redis: { mode: "in-cluster", storageGi: 5, image: "valkey/valkey:8.1.11-alpine" },
      }),
    );
    const conf: string = mocks.one(T.secret).inputs.stringData["redis.conf"];
    // The AOF rewrite forks: copy-on-write can double the footprint, so 50 % of 256Mi.
    assert.deepEqual(conf.split("\n").slice(5), [
      `maxmemory ${128 * 1024 * 1024}`,
      "maxmemory-policy noeviction",
      'save ""',
      "appendonly yes",
      // Not Redis's file names: Valkey refuses a Redis 7.4 volume's files and would crash-loop.
      "appenddirname valkey-appendonly",
      "dbfilename valkey-dump.rdb",
      "",
    ]);
    const sts = mocks.one(T.statefulSet).inputs;
    const ephemeral = await deploy();
    assert.notEqual(
      sts.spec.template.metadata.annotations["socketio-fleet/redis-config-sha256"],
      ephemeral.mocks.one(T.statefulSet).inputs.spec.template.metadata.annotations[
        "socketio-fleet/redis-config-sha256"
      ],
      "another config, another hash: the pod restarts with it",
    );
    assert.deepEqual(sts.spec.volumeClaimTemplates, [
      {
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } } },
      },
    ]);
    assert.deepEqual(
      sts.spec.template.spec.volumes.map((v: { name: string }) => v.name),
      ["config"],
    );
    assert.equal(sts.spec.template.spec.containers[0].image, "valkey/valkey:8.1.11-alpine");
  });

  it("the namespace is created for the restricted Pod Security Standard, or used as given", async () => {
    const { mocks } = await deploy();
    assert.deepEqual(mocks.one(T.namespace).inputs.metadata, {
      name: "chat",
      labels: {
        "app.kubernetes.io/managed-by": "pulumi",
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    });
    const given = await deploy(fleetArgs({ namespace: { name: "apps", create: false } }));
    assert.equal(given.mocks.ofType(T.namespace).length, 0);
    for (const r of kubeObjects(given.mocks))
      assert.equal(r.inputs.metadata.namespace, "apps", `${r.type} ${r.name}`);
    const named = await deploy(fleetArgs({ namespace: { name: "apps" } }));
    assert.equal(named.mocks.one(T.namespace).inputs.metadata.name, "apps");
  });

  it("with aws-alb the namespace turns on the AWS Load Balancer Controller's pod readiness gate", async () => {
    const { mocks } = await deploy(
      fleetArgs({ ingress: { controller: "aws-alb", certificateArn: CERT_ARN } }),
    );
    assert.deepEqual(mocks.one(T.namespace).inputs.metadata.labels, {
      "app.kubernetes.io/managed-by": "pulumi",
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
    });
    validateBuiltIn(mocks.one(T.namespace));
  });

  it("transforms reach the Deployment, Service, Ingress and Redis StatefulSet args before creation", async () => {
    const mocks = await setupMocks({ outputs: K8S_OUTPUTS });
    new KubernetesSocketIoFleet("chat", fleetArgs(), {
      transform: {
        deployment: (a) => void ((a.metadata as { annotations?: object }).annotations = { d: "1" }),
        service: (a) =>
          void ((a.metadata as { annotations: Record<string, string> }).annotations.s = "1"),
        ingress: (a) =>
          void ((a.metadata as { annotations: Record<string, string> }).annotations.i = "1"),
        redisStatefulSet: (a) =>
          void ((a.metadata as { annotations?: object }).annotations = { r: "1" }),
      },
    });
    await mocks.settled();
    assert.deepEqual(mocks.one(T.deployment).inputs.metadata.annotations, { d: "1" });
    assert.deepEqual(mocks.named(T.service, "chat").inputs.metadata.annotations, { s: "1" });
    assert.equal(mocks.one(T.ingress).inputs.metadata.annotations.i, "1");
    assert.deepEqual(mocks.one(T.statefulSet).inputs.metadata.annotations, { r: "1" });
  });
});
