/**
 * The escape hatch across languages: another language's program passes the engine's
 * `transforms` resource option to the component, and the engine calls it for every resource
 * registered under the component, which the program matches by type token. (The engine's side
 * needs the Pulumi CLI; see the README's manual release check.) What this package owes it is
 * tested here: every child, created remotely, descends from the component, and the README's table
 * lists every child type token a program may match.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KubernetesSocketIoFleet } from "../../../components/kubernetes";
import { type MockRecorder, setupMocks } from "../../helpers/mocks";
import { awsMocks } from "../aws/fixtures";
import { CERT_ARN, fleetArgs, K8S_OUTPUTS } from "../kubernetes/fixtures";
import { PACKAGE_ROOT } from "../../../stacks/package/schema";
import { INFERENCE_TIMEOUT_MS, inferredSchema, sharedProvider } from "./packageSchema";

/** The README table row of `component`'s child type tokens. */
function readmeTokens(component: string): string[] {
  const readme = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");
  const row = readme.split("\n").find((line) => line.startsWith(`| \`${component}\``));
  assert.ok(row, `README has a child-token row for ${component}`);
  return [...row.split("|")[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

function childTypes(mocks: MockRecorder, componentType: string): Set<string> {
  const component = mocks.resources.find((r) => r.type === componentType)!;
  const children = mocks.resources.filter((r) => r !== component);
  for (const child of children) {
    assert.ok(mocks.descendsFrom(child, component.urn), `${child.type} ${child.name}`);
  }
  return new Set(children.map((r) => r.type));
}

describe("the cross-language escape hatch: transforms matched by type token", function () {
  this.timeout(INFERENCE_TIMEOUT_MS);

  before(async () => {
    await inferredSchema();
  });

  it("AwsSocketIoFleet, constructed remotely: every child under it, every type in the README", async () => {
    const token = "socketio-fleet:index:AwsSocketIoFleet";
    const inputs = {
      image: "ghcr.io/acme/chat:1",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      domainName: "chat.acme.com",
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      monitoring: { createAlarmTopic: true },
    };
    const mocks = await awsMocks();
    await sharedProvider().construct("chat", token, inputs, {});
    await mocks.settled();
    const seen = childTypes(mocks, token);
    assert.deepEqual([...seen].sort(), readmeTokens("AwsSocketIoFleet").sort());
  });

  it("KubernetesSocketIoFleet, every controller: every child under it, every type in the README", async () => {
    const token = "socketio-fleet:index:KubernetesSocketIoFleet";
    const seen = new Set<string>();
    const ingresses = [
      { controller: "nginx", host: "chat.example.com", tlsSecretName: "t" },
      { controller: "traefik", host: "chat.example.com", tlsSecretName: "t" },
      { controller: "gke", tlsSecretName: "t" },
      { controller: "aws-alb", certificateArn: CERT_ARN },
      ...(["envoy-gateway", "gke", "istio"] as const).map((implementation) => ({
        controller: "gateway-api" as const,
        host: "chat.example.com",
        gateway: { name: "g", namespace: "gw", implementation },
      })),
    ] as const;
    for (const ingress of ingresses) {
      const mocks = await setupMocks({ outputs: K8S_OUTPUTS });
      new KubernetesSocketIoFleet(
        "chat",
        fleetArgs({ ingress, autoscaling: { minReplicas: 2, maxReplicas: 4 } }),
      );
      await mocks.settled();
      for (const type of childTypes(mocks, token)) seen.add(type);
    }
    // The Prometheus Operator's kinds and KEDA's, which no default creates.
    const mocks = await setupMocks({ outputs: K8S_OUTPUTS });
    new KubernetesSocketIoFleet(
      "chat",
      fleetArgs({
        monitoring: { collector: "prometheus-operator", namespaces: ["monitoring"] },
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 4,
          metric: "connections",
          connections: { prometheusUrl: "http://prometheus.monitoring.svc:9090" },
        },
      }),
    );
    await mocks.settled();
    for (const type of childTypes(mocks, token)) seen.add(type);
    assert.deepEqual([...seen].sort(), readmeTokens("KubernetesSocketIoFleet").sort());
  });
});
