import { strict as assert } from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import { KubernetesSocketIoFleet } from "../../../components/kubernetes";
import { isSecretInput, setupMocks } from "../../helpers/mocks";
import { isKnown, isSecret, unwrap } from "../../helpers/unwrap";
import { deploy, fleetArgs, K8S_OUTPUTS, LB_HOSTNAME, PASSWORD, T, gatewayArgs } from "./fixtures";

describe("KubernetesSocketIoFleet component", () => {
  it("has the type token, parents every child directly, and registers its outputs", async () => {
    const { mocks } = await deploy(fleetArgs({ autoscaling: { minReplicas: 2, maxReplicas: 4 } }));
    const component = mocks.one(T.fleet);
    assert.equal(component.name, "chat");
    const children = mocks.resources.filter((r) => r !== component);
    assert.deepEqual(
      children.map((r) => `${r.type}::${r.name}`).sort(),
      [
        `${T.password}::chat-redis-password`,
        `${T.deployment}::chat`,
        `${T.statefulSet}::chat-redis`,
        `${T.hpa}::chat`,
        `${T.namespace}::chat`,
        `${T.secret}::chat-redis`,
        `${T.service}::chat`,
        `${T.service}::chat-redis`,
        `${T.ingress}::chat`,
        `${T.networkPolicy}::chat`,
        `${T.networkPolicy}::chat-redis`,
        `${T.pdb}::chat`,
      ].sort(),
    );
    for (const child of children)
      assert.equal(child.parent, component.urn, `${child.type} ${child.name}`);
    const outputs = mocks.registeredOutputs.get(component.urn);
    assert.ok(outputs);
    assert.deepEqual(Object.keys(outputs).sort(), [
      "clientOptions",
      "namespace",
      "redisUrl",
      "serviceName",
      "url",
    ]);
    assert.ok(isSecretInput(outputs.redisUrl), "redisUrl is registered as a secret");
  });

  it("every namespaced object lands in the namespace, after it is created", async () => {
    const { mocks } = await deploy();
    const ns = mocks.one(T.namespace);
    for (const r of mocks.resources.filter((x) => x.type.startsWith("kubernetes:") && x !== ns)) {
      assert.equal(r.inputs.metadata.namespace, "chat", `${r.type} ${r.name}`);
      assert.ok(r.dependencies.includes(ns.urn), `${r.type} ${r.name} depends on the namespace`);
    }
  });

  it("outputs: url from host (https with TLS), namespace, serviceName, redisUrl (secret)", async () => {
    const { fleet } = await deploy();
    assert.equal(await unwrap(fleet.url), "https://chat.example.com");
    assert.equal(await unwrap(fleet.namespace), "chat");
    assert.equal(await unwrap(fleet.serviceName), "chat");
    assert.equal(await unwrap(fleet.redisUrl), `redis://:${PASSWORD}@chat-redis.chat.svc:6379`);
    assert.ok(await isSecret(fleet.redisUrl));
    const http = await deploy(
      fleetArgs({ ingress: { controller: "nginx", host: "chat.example.com" }, cors: undefined }),
    );
    assert.equal(await unwrap(http.fleet.url), "http://chat.example.com");
  });

  it("without a host the url comes from the Ingress status (hostname, else ip; empty until published)", async () => {
    const tls = await deploy(
      fleetArgs({ ingress: { controller: "nginx", tlsSecretName: "chat-tls" } }),
    );
    assert.equal(await unwrap(tls.fleet.url), `https://${LB_HOSTNAME}`);
    const ip = await deploy(fleetArgs({ ingress: { controller: "nginx" }, cors: undefined }), {
      outputs: {
        ...K8S_OUTPUTS,
        [T.ingress]: () => ({ status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } } }),
      },
    });
    assert.equal(await unwrap(ip.fleet.url), "http://203.0.113.7");
    const none = await deploy(fleetArgs({ ingress: { controller: "nginx" }, cors: undefined }), {
      outputs: { ...K8S_OUTPUTS, [T.ingress]: () => ({}) },
    });
    assert.equal(await unwrap(none.fleet.url), "");
  });

  it("gateway-api: the url is the host, https when the Gateway terminates TLS", async () => {
    const { fleet } = await deploy(gatewayArgs({ name: "g", namespace: "gw" }));
    assert.equal(await unwrap(fleet.url), "https://chat.example.com");
  });

  it("with an autoscaler the Deployment ignores spec.replicas (the HPA owns it); without, it does not", async () => {
    for (const autoscaling of [{ minReplicas: 2, maxReplicas: 6 }, undefined]) {
      const mocks = await setupMocks({ outputs: K8S_OUTPUTS });
      const seen: { type: string; ignoreChanges?: string[] }[] = [];
      new KubernetesSocketIoFleet("chat", fleetArgs({ autoscaling }), {
        transformations: [
          (a) => {
            seen.push({ type: a.type, ignoreChanges: a.opts.ignoreChanges });
            return undefined;
          },
        ],
      });
      await mocks.settled();
      const deployment = seen.filter((s) => s.type === T.deployment);
      assert.equal(deployment.length, 1);
      assert.deepEqual(deployment[0].ignoreChanges, autoscaling ? ["spec.replicas"] : []);
    }
  });

  it("passes opts.provider to every Kubernetes child", async () => {
    const mocks = await setupMocks({ outputs: K8S_OUTPUTS });
    const provider = new k8s.Provider("k8s", { context: "kind-test" });
    new KubernetesSocketIoFleet("chat", fleetArgs(), { provider });
    await mocks.settled();
    const p = mocks.one(T.provider);
    const kube = mocks.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.equal(kube.length, 10);
    for (const r of kube) {
      assert.ok(r.provider?.startsWith(`${p.urn}::`), `${r.type} ${r.name} uses ${r.provider}`);
    }
  });

  it("preview: builds every child; generated and published values stay unknown", async () => {
    const { mocks, fleet } = await deploy(
      fleetArgs({ ingress: { controller: "nginx", tlsSecretName: "chat-tls" } }),
      {
        preview: true,
      },
    );
    assert.equal(mocks.ofType(T.deployment).length, 1);
    assert.equal(mocks.ofType(T.statefulSet).length, 1);
    assert.equal(
      await isKnown(fleet.url),
      false,
      "the load balancer address is not known in preview",
    );
    assert.equal(await isKnown(fleet.redisUrl), false, "the password is generated on update");
    assert.equal(await isKnown(fleet.namespace), true);
    await assert.rejects(unwrap(fleet.url), /unknown \(preview\)/);
    const withHost = await deploy(fleetArgs(), { preview: true });
    assert.equal(await unwrap(withHost.fleet.url), "https://chat.example.com");
  });
});
