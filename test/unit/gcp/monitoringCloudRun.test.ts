/**
 * GCP monitoring on Cloud Run: the run-gmp-sidecar beside the app, its RunMonitoring from Secret
 * Manager, the grant to read it, the policies' matchers (`cluster="__run__"`, the service's name),
 * and the request concurrency derived from the capacity.
 */
import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { GCP_COLLECTOR_IMAGES } from "../../../components/gcp/monitoringArgs";
import { ACCOUNT_ID, PROJECT, T, buildCloudRun } from "./fixtures";

describe("GcpSocketIoFleet monitoring on Cloud Run", () => {
  it("the run-gmp-sidecar: after the app, no ports, CPU always allocated, its config mounted at /etc/rungmp", async () => {
    const mocks = await buildCloudRun();
    const containers = mocks.one(T.run).inputs.template.containers;
    assert.equal(containers.length, 2);
    assert.equal(containers[0].name, "app");
    assert.ok(containers[0].ports, "the app is the ingress container");
    assert.deepEqual(containers[1], {
      name: "collector",
      image: GCP_COLLECTOR_IMAGES.cloudRun,
      dependsOns: ["app"],
      resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: false },
      livenessProbe: {
        httpGet: { path: "/liveness", port: 13133 },
        periodSeconds: 30,
        timeoutSeconds: 30,
      },
      volumeMounts: [{ name: "rungmp-config", mountPath: "/etc/rungmp" }],
    });
    assert.equal(containers[0].resources.cpuIdle, false);
  });

  it("the RunMonitoring: port 9464 at the scrape interval, socketio_* kept, in a secret the nodes (only) may read; versions abandoned, not destroyed", async () => {
    const mocks = await buildCloudRun({ monitoring: { scrapeIntervalSeconds: 60 } });
    const secret = mocks.named(T.secret, "fleet-gmp-config").inputs;
    assert.deepEqual(secret, {
      secretId: "fleet-gmp-config-847ef8",
      replication: { auto: {} },
      labels: { "socketio-fleet": "fleet" },
    });
    const version = mocks.named(T.secretVersion, "fleet-gmp-config").inputs;
    assert.equal(version.secret, "fleet-gmp-config-id");
    assert.equal(version.deletionPolicy, "ABANDON");
    assert.deepEqual(parse(version.secretData), {
      apiVersion: "monitoring.googleapis.com/v1beta",
      kind: "RunMonitoring",
      metadata: { name: "socketio-fleet" },
      spec: {
        endpoints: [
          {
            port: "9464",
            path: "/metrics",
            interval: "60s",
            metricRelabeling: [
              { action: "keep", sourceLabels: ["__name__"], regex: "socketio_.*" },
            ],
          },
        ],
      },
    });
    assert.deepEqual(mocks.named(T.secretIam, "fleet-gmp-config-access").inputs, {
      secretId: "fleet-gmp-config-id",
      role: "roles/secretmanager.secretAccessor",
      member: `serviceAccount:${ACCOUNT_ID}@${PROJECT}.iam.gserviceaccount.com`,
    });
  });

  it("the policies select the sidecar's series: cluster __run__, the service's name, job socketio-fleet", async () => {
    const mocks = await buildCloudRun();
    const capacity = mocks
      .ofType(T.alertPolicy)
      .find((p) => p.inputs.displayName === "fleet: SocketIoClientsAboveCapacity");
    assert.equal(
      capacity?.inputs.conditions[0].conditionPrometheusQueryLanguage.query,
      'socketio_connected_clients{cluster="__run__",job="socketio-fleet",namespace="fleet-run"} > 1000',
    );
  });

  it("concurrency: the capacity up to 1000 (each websocket holds one request); `maxRequestsPerInstance` wins; MAX_CONNECTIONS only when given", async () => {
    const small = await buildCloudRun({ connectionsPerNode: 400 });
    assert.equal(small.one(T.run).inputs.template.maxInstanceRequestConcurrency, 400);
    const given = await buildCloudRun({
      compute: { mode: "cloud-run", maxRequestsPerInstance: 250 },
      connectionsPerNode: 200,
      maxConnectionsPerNode: 240,
    });
    const template = given.one(T.run).inputs.template;
    assert.equal(template.maxInstanceRequestConcurrency, 250);
    const env = (template.containers[0].envs as { name: string; value?: string }[]).find(
      (e) => e.name === "MAX_CONNECTIONS",
    );
    assert.equal(env?.value, "240");
    const plain = await buildCloudRun();
    assert.ok(
      !(plain.one(T.run).inputs.template.containers[0].envs as { name: string }[]).some(
        (e) => e.name === "MAX_CONNECTIONS",
      ),
    );
  });

  it("monitoring disabled: one container, no volume, no config secret", async () => {
    const mocks = await buildCloudRun({ monitoring: { enabled: false } });
    const template = mocks.one(T.run).inputs.template;
    assert.equal(template.containers.length, 1);
    assert.equal(template.volumes, undefined);
    assert.equal(mocks.ofType(T.secret).length, 1);
    assert.equal(mocks.ofType(T.alertPolicy).length, 0);
  });
});
