import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { KIND_TRAEFIK_CHART } from "../../../stacks/kindTraefik";
import { program } from "../../../stacks/kubernetes";
import { loadStackConfig } from "../../helpers/config";
import { setupMocks } from "../../helpers/mocks";
import { isSecret, unwrap } from "../../helpers/unwrap";
import { K8S_OUTPUTS, PASSWORD, T, validateBuiltIn, isBuiltIn } from "./fixtures";

describe("the k8s stack (Pulumi.k8s-dev.yaml) under mocks", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}, []));

  it("builds the fleet from the stack config on the configured kube context, and exports its outputs", async () => {
    const mocks = await setupMocks({
      stack: "k8s-dev",
      outputs: {
        ...K8S_OUTPUTS,
        [T.ingress]: () => ({ status: { loadBalancer: { ingress: [{ hostname: "localhost" }] } } }),
      },
    });
    loadStackConfig("k8s-dev");
    const outputs = await program();
    await mocks.settled();

    assert.deepEqual(Object.keys(outputs).sort(), [
      "clientOptions",
      "namespace",
      "redisUrl",
      "serviceName",
      "url",
    ]);
    assert.equal(await unwrap(outputs.url as pulumi.Output<string>), "http://localhost");
    assert.equal(await unwrap(outputs.namespace as pulumi.Output<string>), "socketio");
    assert.equal(await unwrap(outputs.serviceName as pulumi.Output<string>), "socketio");
    assert.equal(
      await unwrap(outputs.redisUrl as pulumi.Output<string>),
      `redis://:${PASSWORD}@socketio-redis.socketio.svc:6379`,
    );
    assert.ok(await isSecret(outputs.redisUrl as pulumi.Output<string>));

    const provider = mocks.one(T.provider);
    assert.equal(provider.inputs.context, "kind-socketio-fleet");
    const fleet = mocks.one(T.fleet);
    assert.equal(fleet.name, "socketio");
    const deployment = mocks.one(T.deployment).inputs;
    assert.equal(deployment.spec.replicas, 3);
    const container = deployment.spec.template.spec.containers[0];
    assert.equal(container.image, "socketio-fleet-app:dev");
    assert.deepEqual(container.resources, {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    });
    // Traefik v3, not the retired ingress-nginx: cookie stickiness on the Service.
    const ingress = mocks.one(T.ingress).inputs;
    assert.equal(ingress.spec.ingressClassName, "traefik");
    assert.deepEqual(ingress.metadata.annotations, {});
    assert.equal(
      mocks.named(T.service, "socketio").inputs.metadata.annotations[
        "traefik.ingress.kubernetes.io/service.sticky.cookie"
      ],
      "true",
    );
    assert.equal(mocks.ofType(T.statefulSet).length, 1, "in-cluster Valkey");
    assert.equal(
      mocks.one(T.statefulSet).inputs.spec.template.spec.containers[0].image,
      "valkey/valkey:9.1.1-alpine",
    );
    for (const r of mocks.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.ok(
        r.provider?.startsWith(`${provider.urn}::`),
        `${r.type} ${r.name} on the kind context`,
      );
      if (isBuiltIn(r)) validateBuiltIn(r);
    }
  });

  it("installs Traefik from its Helm chart at a pinned version, on the kind node's ports, before the fleet", async () => {
    const mocks = await setupMocks({ stack: "k8s-dev", outputs: K8S_OUTPUTS });
    loadStackConfig("k8s-dev");
    await program();
    await mocks.settled();
    const release = mocks.one(T.helmRelease);
    assert.deepEqual(release.inputs, {
      compat: "true", // set by @pulumi/kubernetes's Release itself
      name: "traefik",
      chart: "traefik",
      version: "41.3.0",
      repositoryOpts: { repo: "https://traefik.github.io/charts" },
      namespace: "traefik",
      createNamespace: true,
      values: {
        deployment: { replicas: 1 },
        nodeSelector: { "ingress-ready": "true" },
        tolerations: [
          { key: "node-role.kubernetes.io/control-plane", operator: "Equal", effect: "NoSchedule" },
        ],
        ports: { web: { hostPort: 80 }, websecure: { hostPort: 443 } },
        service: { spec: { type: "ClusterIP" } },
        providers: {
          kubernetesIngress: {
            publishedService: { enabled: false },
            ingressEndpoint: { hostname: "localhost" },
          },
        },
        ingressClass: { enabled: true, isDefaultClass: false },
      },
    });
    assert.ok(
      release.provider?.startsWith(`${mocks.one(T.provider).urn}::`),
      "on the kind context",
    );
    assert.ok(mocks.one(T.fleet).dependencies.includes(release.urn), "the fleet waits for Traefik");
  });

  it("the README walkthrough installs nothing unpinned and no longer leads with ingress-nginx", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
    const start = readme.indexOf("## Deploying to Kubernetes");
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
    assert.ok(start >= 0 && section.length > 1000, "the section exists");
    assert.ok(!/kubectl apply -f https?:\/\//.test(section), "no manifest applied from a URL");
    assert.ok(!section.includes("/main/"), "nothing fetched from a branch");
    assert.ok(
      section.includes(`at a pinned version (${KIND_TRAEFIK_CHART.version}, Traefik v3.7.11;`),
      "names the chart version the stack pins",
    );
    const intro = section.slice(0, section.indexOf("1. Create a cluster"));
    assert.ok(intro.indexOf("Traefik v3") < intro.indexOf("ingress-nginx"), "leads with Traefik");
    assert.ok(
      !section.includes("minikube addons enable ingress"),
      "minikube's addon is ingress-nginx",
    );
  });

  it("without installTraefik no controller is installed (a cluster that has its own)", async () => {
    const mocks = await setupMocks({ stack: "k8s-dev", outputs: K8S_OUTPUTS });
    loadStackConfig("k8s-dev");
    pulumi.runtime.setAllConfig(
      { ...pulumi.runtime.allConfig(), "socketio-fleet:installTraefik": "false" },
      [],
    );
    await program();
    await mocks.settled();
    assert.equal(mocks.ofType(T.helmRelease).length, 0);
    assert.deepEqual(mocks.one(T.fleet).dependencies, []);
  });

  it("a secret redisUrl switches to an external Redis", async () => {
    const mocks = await setupMocks({ stack: "k8s-dev", outputs: K8S_OUTPUTS });
    loadStackConfig("k8s-dev");
    const config = {
      ...pulumi.runtime.allConfig(),
      "socketio-fleet:redisUrl": "rediss://:pw@r.example.com:6380",
    };
    pulumi.runtime.setAllConfig(config, ["socketio-fleet:redisUrl"]);
    const outputs = await program();
    await mocks.settled();
    assert.equal(mocks.ofType(T.statefulSet).length, 0);
    assert.equal(mocks.one(T.secret).inputs.stringData.url, "rediss://:pw@r.example.com:6380");
    assert.ok(await isSecret(outputs.redisUrl as pulumi.Output<string>));
    // A secret URL is an Output: its port cannot be read, so the policy falls back to 6379.
    assert.deepEqual(mocks.one(T.networkPolicy).inputs.spec.egress[0], {
      ports: [{ protocol: "TCP", port: 6379 }],
    });
  });

  it("with a secret redisUrl, redis.port opens the NetworkPolicy to that port", async () => {
    const mocks = await setupMocks({ stack: "k8s-dev", outputs: K8S_OUTPUTS });
    loadStackConfig("k8s-dev");
    const config = {
      ...pulumi.runtime.allConfig(),
      "socketio-fleet:redisUrl": "rediss://:pw@r.example.com:6380",
      "socketio-fleet:redis": JSON.stringify({ mode: "external", port: 6380 }),
    };
    pulumi.runtime.setAllConfig(config, ["socketio-fleet:redisUrl"]);
    await program();
    await mocks.settled();
    assert.equal(mocks.ofType(T.statefulSet).length, 0);
    assert.deepEqual(mocks.one(T.networkPolicy).inputs.spec.egress[0], {
      ports: [{ protocol: "TCP", port: 6380 }],
    });
  });
});
