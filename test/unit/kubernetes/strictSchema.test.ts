import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import type { KubernetesSocketIoFleetArgs } from "../../../components/kubernetes";
import {
  applyProblems,
  assertApplies,
  type ClusterSchemas,
  closeSchema,
  KUBERNETES_MINORS,
} from "../../helpers/strictSchema";
import { CERT_ARN, deploy, fleetArgs, T, gatewayArgs } from "./fixtures";

const gateway = (
  implementation: "envoy-gateway" | "gke" | "istio" | "generic",
  over: Partial<KubernetesSocketIoFleetArgs> = {},
  release?: "v1.7",
): KubernetesSocketIoFleetArgs =>
  gatewayArgs({ name: "g", namespace: "gw", implementation, release }, over);

/** Every ingress flavour and the options that change which objects exist, with its CRD bundle. */
const FLAVOURS: [string, KubernetesSocketIoFleetArgs, ClusterSchemas["gatewayApi"]][] = [
  ["nginx, cookie, TLS", fleetArgs(), undefined],
  [
    "nginx, client-ip",
    fleetArgs({
      stickiness: { mode: "client-ip" },
      ingress: {
        controller: "nginx",
        host: "chat.example.com",
        tlsSecretName: "chat-tls",
        clientAddress: "external-traffic-policy-local",
      },
    }),
    undefined,
  ],
  [
    "traefik",
    fleetArgs({ ingress: { controller: "traefik", host: "chat.example.com", tlsSecretName: "t" } }),
    undefined,
  ],
  ["gke Ingress", fleetArgs({ ingress: { controller: "gke", tlsSecretName: "t" } }), undefined],
  [
    "aws-alb, autoscaling, monitoring, external Redis",
    fleetArgs({
      ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      monitoring: { namespaces: ["monitoring"] },
      redis: { mode: "external", url: "rediss://:pw@redis.example.com:6380" },
    }),
    undefined,
  ],
  ["envoy-gateway", gateway("envoy-gateway"), "v1.6.1-experimental"],
  ["envoy-gateway v1.7", gateway("envoy-gateway", {}, "v1.7"), "v1.7.0-dev-4564255-experimental"],
  ["gke Gateway", gateway("gke"), "v1.4.0-standard"],
  ["istio", gateway("istio"), "v1.4.0-standard"],
  [
    "generic",
    gateway("generic", { transports: ["websocket"], stickiness: { mode: "none" } }),
    "v1.4.0-standard",
  ],
];

describe("Kubernetes objects under strict server-side apply (pinned schemas)", () => {
  for (const [flavour, args, bundle] of FLAVOURS) {
    it(`${flavour}: every object applies on Kubernetes ${KUBERNETES_MINORS.join(" and ")}`, async () => {
      const { mocks } = await deploy(args);
      for (const kubernetes of KUBERNETES_MINORS) {
        assertApplies(mocks.resources, { kubernetes, gatewayApi: bundle });
      }
    });
  }

  it("negative control: an unknown field is refused, in a built-in kind and in a CRD", async () => {
    const { mocks } = await deploy(gateway("envoy-gateway"));
    const deployment = structuredClone(mocks.one(T.deployment).inputs);
    deployment.spec.template.spec.containers[0].livenessProbe.httpGet.pathh = "/";
    assert.deepEqual(applyProblems(deployment, { kubernetes: "1.30" }), [
      "Deployment/chat: /spec/template/spec/containers/0/livenessProbe/httpGet must NOT have additional properties (pathh)",
    ]);
    const route = structuredClone(mocks.one(T.httpRoute).inputs);
    route.spec.rules[0].timeouts.idle = "60s";
    route.metadata.label = { a: "b" };
    assert.deepEqual(
      applyProblems(route, { kubernetes: "1.35", gatewayApi: "v1.6.1-experimental" }),
      [
        "HTTPRoute/chat: /metadata must NOT have additional properties (label)",
        "HTTPRoute/chat: /spec/rules/0/timeouts must NOT have additional properties (idle)",
      ],
    );
  });

  it("the strictness is the harness's: the upstream CRD schema alone would accept the unknown field", () => {
    const file = join(
      __dirname,
      "../../fixtures/k8s-schemas/gateway-api-v1.4.0-standard/httproute.json",
    );
    const upstream = JSON.parse(readFileSync(file, "utf8")) as object;
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const route = {
      spec: { rules: [{ sessionPersistence: { sessionName: "x" } }] },
    };
    assert.equal(ajv.compile(upstream)(route), true);
    assert.equal(ajv.compile(closeSchema(upstream) as object)(route), false);
  });

  it("the Kubernetes minor matters: a field newer than 1.30 is refused there and accepted on 1.35", async () => {
    const { mocks } = await deploy(fleetArgs());
    const deployment = structuredClone(mocks.one(T.deployment).inputs);
    // Pod-level resources: alpha in Kubernetes 1.32, absent from the 1.30 schema.
    deployment.spec.template.spec.resources = { limits: { cpu: "1" } };
    assert.deepEqual(applyProblems(deployment, { kubernetes: "1.30" }), [
      "Deployment/chat: /spec/template/spec must NOT have additional properties (resources)",
    ]);
    assert.deepEqual(applyProblems(deployment, { kubernetes: "1.35" }), []);
  });

  it("a kind without a pinned schema fails rather than passing unchecked", () => {
    assert.deepEqual(
      applyProblems(
        { apiVersion: "traefik.io/v1alpha1", kind: "Middleware", metadata: { name: "m" } },
        { kubernetes: "1.35" },
      ),
      ["Middleware/m: no pinned schema for traefik.io/v1alpha1 Middleware"],
    );
  });
});
