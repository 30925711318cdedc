import { strict as assert } from "node:assert";
import fc from "fast-check";
import { resolveFleetSpec } from "../../../components/shared";
import {
  kubernetesPlatform,
  type KubernetesSocketIoFleetArgs,
  validateKubernetesFleet,
} from "../../../components/kubernetes";
import { resolveContext } from "../../../components/kubernetes/context";
import { ingressPlan } from "../../../components/kubernetes/ingress";
import { fleetNetworkPolicyArgs } from "../../../components/kubernetes/networkPolicy";
import { deploymentArgs, serviceArgs } from "../../../components/kubernetes/workload";
import { CERT_ARN } from "./fixtures";

const RUNS = { numRuns: 500 };

/** Objects whose fields are the Kubernetes args' names with values of any shape. */
const anyK8sShape = fc.oneof(
  fc.anything(),
  fc.record(
    {
      image: fc.anything(),
      replicas: fc.anything(),
      ingress: fc.oneof(
        fc.anything(),
        fc.dictionary(
          fc.constantFrom(
            "controller",
            "host",
            "className",
            "tlsSecretName",
            "certificateArn",
            "gateway",
          ),
          fc.oneof(fc.anything(), fc.constantFrom("nginx", "gke", "gateway-api", "aws-alb")),
        ),
      ),
      namespace: fc.anything(),
      redis: fc.oneof(
        fc.anything(),
        fc.dictionary(fc.constantFrom("mode", "url", "port", "storageGi", "image"), fc.anything()),
      ),
      resources: fc.oneof(
        fc.anything(),
        fc.dictionary(
          fc.constantFrom("requests", "limits"),
          fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom("cpu", "memory"), fc.anything())),
        ),
      ),
      autoscaling: fc.oneof(
        fc.anything(),
        fc.dictionary(
          fc.constantFrom("minReplicas", "maxReplicas", "targetCpuPercent"),
          fc.anything(),
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

/** `undefined` most of the time, else a value of `arb` (often a bad one). */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

/** Plausible args: every combination of controller, TLS, stickiness, Redis and scaling choices. */
const plausibleArgs: fc.Arbitrary<KubernetesSocketIoFleetArgs> = fc
  .record({
    controller: fc.constantFrom("nginx", "traefik", "gke", "aws-alb", "gateway-api"),
    implementation: fc.constantFrom("envoy-gateway", "gke", "istio", "generic"),
    host: fc.option(fc.constantFrom("chat.example.com", "a.b.example"), { nil: undefined }),
    tls: fc.boolean(),
    mode: fc.constantFrom("cookie", "client-ip", "none"),
    cookieName: rarely(fc.constantFrom("sio", "AWSALBX", "a b")),
    ttl: rarely(fc.integer({ min: -1, max: 700_000 })),
    transports: fc.constantFrom(["polling", "websocket"], ["websocket"]),
    origins: fc.constantFrom([], [], ["https://app.example.com"], ["http://localhost:5173"]),
    replicas: rarely(fc.integer({ min: 0, max: 12 })),
    autoscaling: fc.option(
      fc.record({
        minReplicas: fc.integer({ min: 1, max: 6 }),
        maxReplicas: fc.integer({ min: 1, max: 12 }),
      }),
      {
        nil: undefined,
      },
    ),
    redis: fc.constantFrom<KubernetesSocketIoFleetArgs["redis"]>(
      undefined,
      { mode: "in-cluster", storageGi: 1 },
      { mode: "external", url: "rediss://:pw@r.example.com:6380" },
    ),
    timeout: rarely(fc.integer({ min: 1, max: 5000 })),
  })
  .map((c): KubernetesSocketIoFleetArgs => ({
    image: "img:1",
    replicas: c.replicas,
    transports: [...c.transports],
    stickiness: { mode: c.mode as "cookie", cookieName: c.cookieName, ttlSeconds: c.ttl },
    cors: { origins: [...c.origins] },
    connectionTimeoutSeconds: c.timeout,
    autoscaling: c.autoscaling,
    redis: c.redis,
    ingress: {
      controller: c.controller as "nginx",
      host: c.controller === "gateway-api" ? (c.host ?? "chat.example.com") : c.host,
      tlsSecretName:
        c.tls && ["nginx", "traefik", "gke"].includes(c.controller) ? "tls" : undefined,
      certificateArn: c.tls && c.controller === "aws-alb" ? CERT_ARN : undefined,
      gateway:
        c.controller === "gateway-api"
          ? {
              name: "g",
              namespace: "gw",
              tls: c.tls,
              implementation: c.implementation as "generic",
              listener: c.tls ? "https" : undefined,
            }
          : undefined,
    },
  }));

describe("KubernetesSocketIoFleet validation properties (fast-check)", () => {
  it("never throws, whatever the name and args; every problem names a field and says something", () => {
    fc.assert(
      fc.property(fc.anything(), anyK8sShape, (name, args) => {
        const problems = validateKubernetesFleet(name, args);
        assert.ok(Array.isArray(problems));
        for (const p of problems) {
          assert.equal(typeof p.field, "string");
          assert.ok(typeof p.message === "string" && p.message.length > 10);
        }
      }),
      RUNS,
    );
  });

  it("args without problems always build: every object renders and annotations are strings", () => {
    let built = 0;
    fc.assert(
      fc.property(plausibleArgs, (args) => {
        if (validateKubernetesFleet("chat", args).length > 0) return;
        built++;
        const spec = resolveFleetSpec(args, kubernetesPlatform(args.ingress));
        const ctx = resolveContext("chat", args, spec, "chat");
        const plan = ingressPlan(ctx);
        const deployment = deploymentArgs(ctx, { appCookieName: plan.appCookieName });
        serviceArgs(ctx, plan.serviceAnnotations);
        fleetNetworkPolicyArgs(ctx);
        const annotations = {
          ...plan.serviceAnnotations,
          ...((plan.ingress?.metadata as { annotations?: Record<string, unknown> } | undefined)
            ?.annotations ?? {}),
        };
        for (const value of Object.values(annotations)) assert.equal(typeof value, "string");
        const routes = plan.customResources.filter((cr) => cr.args.kind === "HTTPRoute");
        assert.equal(routes.length, plan.ingress === undefined ? 1 : 0);
        const replicas = (deployment.spec as { replicas: number }).replicas;
        if (args.autoscaling) {
          assert.ok(
            replicas >= args.autoscaling.minReplicas && replicas <= args.autoscaling.maxReplicas,
          );
        }
      }),
      RUNS,
    );
    assert.ok(built > 50, `only ${built} generated args were valid`);
  });
});
