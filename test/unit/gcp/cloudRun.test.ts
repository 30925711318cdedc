import { strict as assert } from "node:assert";
import {
  ACCOUNT_ID,
  CA_PEM,
  IMAGE,
  SECRET_ID,
  PROJECT,
  REGION,
  T,
  buildCloudRun,
} from "./fixtures";

describe("GcpSocketIoFleet on Cloud Run (websocket-only)", () => {
  it("a Cloud Run v2 service: LB-only ingress, no invoker check, timeout = connectionTimeoutSeconds, REDIS_URL from Secret Manager, Direct VPC egress", async () => {
    const mocks = await buildCloudRun({
      connectionTimeoutSeconds: 1800,
      autoscaling: { minReplicas: 2, maxReplicas: 10 },
    });
    const service = mocks.one(T.run).inputs;
    const [container, collector] = service.template.containers;
    assert.equal(collector.name, "collector"); // the sidecar: test/unit/gcp/monitoring*.test.ts
    const { envs, ...rest } = container;
    assert.deepEqual(rest, {
      name: "app",
      image: IMAGE,
      ports: { containerPort: 3000 },
      resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: false, startupCpuBoost: true },
      startupProbe: {
        httpGet: { path: "/readyz", port: 3000 },
        periodSeconds: 5,
        failureThreshold: 24,
      },
      livenessProbe: {
        httpGet: { path: "/healthz", port: 3000 },
        periodSeconds: 10,
        failureThreshold: 3,
      },
    });
    delete service.template.containers;
    assert.deepEqual(service, {
      location: REGION,
      description: "Socket.IO fleet (socketio-fleet), websocket-only",
      ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
      invokerIamDisabled: true,
      deletionProtection: false,
      labels: { "socketio-fleet": "fleet" },
      template: {
        serviceAccount: `${ACCOUNT_ID}@${PROJECT}.iam.gserviceaccount.com`,
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
        timeout: "1800s",
        maxInstanceRequestConcurrency: 1000,
        sessionAffinity: false,
        volumes: [
          {
            name: "rungmp-config",
            secret: {
              secret: "fleet-gmp-config-847ef8",
              items: [{ path: "config.yaml", version: "1" }],
            },
          },
        ],
        scaling: { minInstanceCount: 2, maxInstanceCount: 10 },
        vpcAccess: {
          networkInterfaces: [{ network: "fleet-vpc-id", subnetwork: "fleet-subnet-id" }],
          egress: "PRIVATE_RANGES_ONLY",
        },
      },
    });
    const byName = Object.fromEntries(
      (envs as { name: string; value?: string; valueSource?: unknown }[]).map((e) => [e.name, e]),
    );
    assert.deepEqual(byName.REDIS_URL, {
      name: "REDIS_URL",
      valueSource: { secretKeyRef: { secret: SECRET_ID, version: "1" } },
    });
    assert.equal(byName.HTTP_KEEPALIVE_TIMEOUT_MS.value, "620000");
    assert.equal(byName.REDIS_TLS_CA.value, CA_PEM);
    assert.equal(byName.SOCKETIO_TRANSPORTS.value, "websocket");
  });

  it("a serverless NEG behind a backend service without timeoutSec, health checks, port name or affinity", async () => {
    const mocks = await buildCloudRun();
    assert.deepEqual(mocks.one(T.neg).inputs, {
      region: REGION,
      networkEndpointType: "SERVERLESS",
      cloudRun: { service: "fleet-run" },
    });
    assert.deepEqual(mocks.one(T.backend).inputs, {
      loadBalancingScheme: "EXTERNAL_MANAGED",
      protocol: "HTTP",
      securityPolicy: "fleet-armor-id",
      logConfig: { enable: true, sampleRate: 0.1 },
      backends: [{ group: "fleet-neg-id" }],
    });
    for (const t of [T.template, T.group, T.firewall, T.healthCheck, T.repoIam]) {
      assert.equal(mocks.ofType(t).length, 0, `no ${t} on Cloud Run`);
    }
  });

  it("first deploy: no variable Cloud Run reserves (PORT comes from ports.containerPort); HEALTH_CHECK_PATH = the liveness probe's path", async () => {
    const mocks = await buildCloudRun({ containerPort: 8080, healthCheckPath: "/live" });
    const container = mocks.one(T.run).inputs.template.containers[0];
    const names = (container.envs as { name: string }[]).map((e) => e.name);
    assert.deepEqual(names, [
      "CORS_CREDENTIALS",
      "CORS_ORIGINS",
      "HEALTH_CHECK_PATH",
      "HTTP_KEEPALIVE_TIMEOUT_MS",
      "METRICS_PORT",
      "PING_INTERVAL_MS",
      "PING_TIMEOUT_MS",
      "REDIS_MODE",
      "REDIS_TLS_CA",
      "SOCKETIO_ADAPTER",
      "SOCKETIO_TRANSPORTS",
      "STICKINESS_MODE",
      "REDIS_URL",
    ]);
    assert.deepEqual(container.ports, { containerPort: 8080 });
    const health = (container.envs as { name: string; value?: string }[]).find(
      (e) => e.name === "HEALTH_CHECK_PATH",
    );
    assert.equal(health?.value, "/live");
    assert.deepEqual(container.livenessProbe.httpGet, { path: "/live", port: 8080 });
  });

  it("first deploy: the secretAccessor binding starts with the secret, before Memorystore (minutes of IAM propagation); the service waits for it and for the version", async () => {
    const mocks = await buildCloudRun();
    const names = (urns: string[]) => urns.map((u) => mocks.byUrn(u)?.type ?? u).sort();
    const binding = mocks.named(T.secretIam, "fleet-redis-url-access");
    assert.deepEqual(names(binding.dependencies), [T.secret, T.account].sort());
    assert.ok(
      names(mocks.named(T.secretVersion, "fleet-redis-url").dependencies).includes(T.redis),
    );
    const service = names(mocks.one(T.run).dependencies);
    for (const t of [T.secretIam, T.secretVersion]) assert.ok(service.includes(t), service.join());
  });

  it("first deploy with an external Redis: the service waits 120 s after the grant (IAM applies in about 2 minutes), re-waiting only when the grant changes", async () => {
    const mocks = await buildCloudRun({
      redis: { mode: "external", url: "rediss://:pw@redis.example.com:6379" },
    });
    const sleep = mocks.one("time:index/sleep:Sleep");
    const binding = mocks.named(T.secretIam, "fleet-redis-url-access");
    assert.equal(sleep.name, "fleet-iam-propagation");
    assert.equal(sleep.inputs.createDuration, "120s");
    assert.deepEqual(Object.keys(sleep.inputs.triggers).sort(), ["member", "secretId"]);
    assert.equal(sleep.inputs.triggers.member, binding.inputs.member);
    // Both grants of the revision: the Redis URL and the collector's RunMonitoring config.
    assert.deepEqual(sleep.dependencies.map((u) => mocks.byUrn(u)?.name).sort(), [
      "fleet-gmp-config-access",
      "fleet-redis-url-access",
    ]);
    assert.ok(
      mocks.one(T.run).dependencies.includes(sleep.urn),
      "the service is created only after the wait",
    );
  });

  it("without autoscaling: a fixed `replicas` instances", async () => {
    const mocks = await buildCloudRun({ replicas: 4 });
    assert.deepEqual(mocks.one(T.run).inputs.template.scaling, {
      minInstanceCount: 4,
      maxInstanceCount: 4,
    });
  });
});
