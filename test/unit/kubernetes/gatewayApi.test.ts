import { strict as assert } from "node:assert";
import type { KubernetesSocketIoFleetArgs } from "../../../components/kubernetes";
import { validateKubernetesFleet } from "../../../components/kubernetes";
import { gatewayDuration } from "../../../components/kubernetes/ingress/gatewayApi";
import { applyProblems, assertApplies, type ClusterSchemas } from "../../helpers/strictSchema";
import { deploy, gatewayArgs, T, WEBSOCKET_ONLY } from "./fixtures";

const LABELS = {
  "app.kubernetes.io/name": "socketio-fleet",
  "app.kubernetes.io/instance": "chat",
  "app.kubernetes.io/component": "server",
  "app.kubernetes.io/managed-by": "pulumi",
};
const PARENT = {
  group: "gateway.networking.k8s.io",
  kind: "Gateway",
  name: "public",
  namespace: "gateway",
  sectionName: "https",
};
const MATCH_ALL = [{ path: { type: "PathPrefix", value: "/" } }];
const BACKEND = [{ name: "chat", port: 80 }];

function problemsOf(args: KubernetesSocketIoFleetArgs, field: string): string[] {
  return validateKubernetesFleet("chat", args)
    .filter((p) => p.field === field)
    .map((p) => p.message);
}

/** Every pinned Kubernetes minor with the given Gateway API bundle. */
function clusters(gatewayApi: ClusterSchemas["gatewayApi"]): ClusterSchemas[] {
  return [
    { kubernetes: "1.30", gatewayApi },
    { kubernetes: "1.35", gatewayApi },
  ];
}

describe("KubernetesSocketIoFleet on the Gateway API", () => {
  describe("envoy-gateway", () => {
    it("experimental v1.4–v1.6 CRDs: sessionPersistence (sessionName + cookieConfig), the request timeout, the HTTPS listener only", async () => {
      const { mocks } = await deploy(gatewayArgs({}, { stickiness: { cookieName: "sio" } }));
      assert.equal(mocks.ofType(T.ingress).length, 0);
      const route = mocks.one(T.httpRoute).inputs;
      assert.deepEqual(route, {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "chat", namespace: "chat", labels: LABELS },
        spec: {
          parentRefs: [PARENT],
          hostnames: ["chat.example.com"],
          rules: [
            {
              matches: MATCH_ALL,
              backendRefs: BACKEND,
              timeouts: { request: "3600s" },
              sessionPersistence: {
                type: "Cookie",
                sessionName: "sio",
                // A Permanent cookie needs absoluteTimeout (a CEL rule the harness cannot run).
                absoluteTimeout: "86400s",
                cookieConfig: { lifetimeType: "Permanent" },
              },
            },
          ],
        },
      });
      for (const bundle of ["v1.4.0-experimental", "v1.6.1-experimental"] as const) {
        for (const cluster of clusters(bundle)) assertApplies(mocks.resources, cluster);
      }
      // The same route on the standard channel: server-side apply refuses it, it is not pruned.
      assert.deepEqual(
        applyProblems(route, { kubernetes: "1.35", gatewayApi: "v1.4.0-standard" }),
        ["HTTPRoute/chat: /spec/rules/0 must NOT have additional properties (sessionPersistence)"],
      );
    });

    it('release "v1.7": the cookie union member { name, path, lifetimeType }', async () => {
      const { mocks } = await deploy(gatewayArgs({ release: "v1.7" }));
      const rule = mocks.one(T.httpRoute).inputs.spec.rules[0];
      assert.deepEqual(rule.sessionPersistence, {
        type: "Cookie",
        absoluteTimeout: "86400s",
        cookie: { name: "SIO_NODE", path: "/", lifetimeType: "Permanent" },
      });
      for (const cluster of clusters("v1.7.0-dev-4564255-experimental")) {
        assertApplies(mocks.resources, cluster);
      }
    });

    it("long TTLs are written in hours to fit the Duration pattern", async () => {
      assert.equal(gatewayDuration(86400), "86400s");
      assert.equal(gatewayDuration(99999), "99999s");
      assert.equal(gatewayDuration(604800), "168h");
      assert.equal(gatewayDuration(31_536_000), "8760h");
      assert.equal(gatewayDuration(100_001), "27h46m41s");
      const { mocks } = await deploy(gatewayArgs({}, { stickiness: { ttlSeconds: 604800 } }));
      const route = mocks.one(T.httpRoute).inputs;
      assert.equal(route.spec.rules[0].sessionPersistence.absoluteTimeout, "168h");
      assertApplies(mocks.resources, { kubernetes: "1.35", gatewayApi: "v1.6.1-experimental" });
    });

    it("no stickiness needed: no sessionPersistence, so the route applies on the standard channel", async () => {
      const { mocks } = await deploy(gatewayArgs({ channel: "standard" }, WEBSOCKET_ONLY));
      assert.deepEqual(mocks.one(T.httpRoute).inputs.spec.rules, [
        { matches: MATCH_ALL, backendRefs: BACKEND, timeouts: { request: "3600s" } },
      ]);
      for (const cluster of clusters("v1.4.0-standard")) assertApplies(mocks.resources, cluster);
    });

    it("standard channel with long-polling is refused at preview, with the reason and the ways out", () => {
      assert.deepEqual(problemsOf(gatewayArgs({ channel: "standard" }), "stickiness.mode"), [
        '`stickiness.mode` ("cookie") is not available on Envoy Gateway (Gateway API standard channel): ' +
          "Envoy Gateway pins sessions through HTTPRoute `sessionPersistence`, which only the " +
          "experimental-channel CRDs declare (server-side apply rejects it on the standard channel). " +
          'Install the experimental channel and set `ingress.gateway.channel: "experimental"`, or use ' +
          '`transports: ["websocket"]` with `stickiness.mode: "none"`',
      ]);
    });
  });

  describe("gke", () => {
    it("a GCPBackendPolicy (GENERATED_COOKIE, timeoutSec = websocket lifetime, draining) and a HealthCheckPolicy on /readyz; no route timeouts", async () => {
      const { mocks } = await deploy(
        gatewayArgs(
          { implementation: "gke" },
          { stickiness: { ttlSeconds: 1800 }, containerPort: 8080, connectionTimeoutSeconds: 7200 },
        ),
      );
      const target = { group: "", kind: "Service", name: "chat" };
      assert.deepEqual(mocks.one(T.gcpBackendPolicy).inputs, {
        apiVersion: "networking.gke.io/v1",
        kind: "GCPBackendPolicy",
        metadata: { name: "chat", namespace: "chat", labels: LABELS },
        spec: {
          default: {
            timeoutSec: 7200,
            connectionDraining: { drainingTimeoutSec: 40 },
            sessionAffinity: { type: "GENERATED_COOKIE", cookieTtlSec: 1800 },
          },
          targetRef: target,
        },
      });
      assert.deepEqual(mocks.one(T.healthCheckPolicy).inputs, {
        apiVersion: "networking.gke.io/v1",
        kind: "HealthCheckPolicy",
        metadata: { name: "chat", namespace: "chat", labels: LABELS },
        spec: {
          default: {
            checkIntervalSec: 5,
            timeoutSec: 3,
            healthyThreshold: 1,
            unhealthyThreshold: 2,
            config: {
              type: "HTTP",
              httpHealthCheck: {
                portSpecification: "USE_FIXED_PORT",
                port: 8080,
                requestPath: "/readyz",
              },
            },
          },
          targetRef: target,
        },
      });
      assert.deepEqual(mocks.one(T.httpRoute).inputs.spec.rules, [
        { matches: MATCH_ALL, backendRefs: BACKEND },
      ]);
      assert.deepEqual(mocks.named(T.service, "chat").inputs.metadata.annotations, {});
      const env = mocks.one(T.deployment).inputs.spec.template.spec.containers[0].env;
      assert.deepEqual(
        env.find((e: { name: string }) => e.name === "HTTP_KEEPALIVE_TIMEOUT_MS"),
        { name: "HTTP_KEEPALIVE_TIMEOUT_MS", value: "620000" },
      );
      for (const cluster of clusters("v1.4.0-standard")) assertApplies(mocks.resources, cluster);
    });

    it("client-ip uses CLIENT_IP; the GCLB cookie cannot be named", async () => {
      const { mocks } = await deploy(
        gatewayArgs({ implementation: "gke" }, { stickiness: { mode: "client-ip" } }),
      );
      assert.deepEqual(mocks.one(T.gcpBackendPolicy).inputs.spec.default.sessionAffinity, {
        type: "CLIENT_IP",
      });
      assert.deepEqual(
        problemsOf(
          gatewayArgs({ implementation: "gke" }, { stickiness: { cookieName: "sio" } }),
          "stickiness.cookieName",
        ),
        [
          '`stickiness.cookieName` ("sio") cannot be set on GKE\'s Gateway (a Google Cloud Application Load Balancer), which names its own cookie: remove it',
        ],
      );
    });
  });

  describe("istio", () => {
    it("a DestinationRule hashing on a cookie (name, path, ttl) and the route with its timeout", async () => {
      const { mocks } = await deploy(
        gatewayArgs({ implementation: "istio" }, { stickiness: { cookieName: "sio" } }),
      );
      assert.deepEqual(mocks.one(T.destinationRule).inputs, {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: { name: "chat", namespace: "chat", labels: LABELS },
        spec: {
          host: "chat",
          trafficPolicy: {
            loadBalancer: {
              consistentHash: { httpCookie: { name: "sio", path: "/", ttl: "86400s" } },
            },
          },
        },
      });
      assert.deepEqual(mocks.one(T.httpRoute).inputs.spec.rules, [
        { matches: MATCH_ALL, backendRefs: BACKEND, timeouts: { request: "3600s" } },
      ]);
      for (const cluster of clusters("v1.6.1-standard")) assertApplies(mocks.resources, cluster);
    });

    it("websocket-only: no DestinationRule", async () => {
      const { mocks } = await deploy(gatewayArgs({ implementation: "istio" }, WEBSOCKET_ONLY));
      assert.equal(mocks.ofType(T.destinationRule).length, 0);
    });
  });

  describe("generic", () => {
    it("long-polling is refused at preview: nothing pins a session", () => {
      const [message] = problemsOf(gatewayArgs({ implementation: "generic" }), "stickiness.mode");
      assert.equal(
        message,
        '`stickiness.mode` ("cookie") is not available on a generic Gateway API implementation: ' +
          "a generic Gateway API implementation is not known to pin sessions (HTTPRoute " +
          "`sessionPersistence` is experimental and most implementations ignore it), so long-polling " +
          'requests would land on any pod and fail with "Session ID unknown". Use ' +
          '`transports: ["websocket"]` with `stickiness.mode: "none"`, or name an implementation ' +
          'that pins sessions in `ingress.gateway.implementation` ("envoy-gateway", "gke", "istio")',
      );
    });

    it("websocket-only: a standard-channel route alone", async () => {
      const { mocks } = await deploy(gatewayArgs({ implementation: "generic" }, WEBSOCKET_ONLY));
      assert.deepEqual(
        mocks.resources
          .filter((r) => r.custom && !r.type.startsWith("kubernetes:core"))
          .map((r) => r.type)
          .sort(),
        [
          T.deployment,
          T.httpRoute,
          T.networkPolicy,
          T.networkPolicy,
          T.pdb,
          T.password,
          T.statefulSet,
        ].sort(),
      );
      for (const cluster of clusters("v1.4.0-standard")) assertApplies(mocks.resources, cluster);
    });
  });

  describe("validation", () => {
    it("implementation is required and an enum; channel and release are enums", () => {
      assert.deepEqual(
        problemsOf(gatewayArgs({ implementation: undefined }), "ingress.gateway.implementation"),
        [
          '`ingress.gateway.implementation` is required: the implementation running the Gateway decides how sessions are pinned; one of "envoy-gateway", "gke", "istio", "generic" ("generic" for any other, websocket-only)',
        ],
      );
      const bad = gatewayArgs({
        implementation: "contour" as "generic",
        channel: "beta" as "standard",
        release: "v1.3" as "v1.4",
      });
      assert.match(
        problemsOf(bad, "ingress.gateway.implementation")[0],
        /\("contour"\) must be one of/,
      );
      assert.match(
        problemsOf(bad, "ingress.gateway.channel")[0],
        /\("beta"\) must be one of "standard", "experimental"/,
      );
      assert.match(
        problemsOf(bad, "ingress.gateway.release")[0],
        /\("v1.3"\) must be one of "v1.4", "v1.5", "v1.6", "v1.7"/,
      );
    });

    it("with TLS the listener is required, so the route never attaches to a plain-HTTP listener", async () => {
      assert.deepEqual(
        problemsOf(gatewayArgs({ listener: undefined }), "ingress.gateway.listener"),
        [
          '`ingress.gateway.listener` is required with `ingress.gateway.tls: true`: name the Gateway\'s HTTPS listener (e.g. "https"), so the route attaches to it alone and never to a plain-HTTP listener',
        ],
      );
      assert.match(
        problemsOf(gatewayArgs({ listener: "HTTPS 443" }), "ingress.gateway.listener")[0],
        /\("HTTPS 443"\) must be a Gateway listener name/,
      );
      // Without TLS and without a listener: every listener that admits the route.
      const { mocks } = await deploy(
        gatewayArgs({ tls: false, listener: undefined }, { cors: undefined }),
      );
      assert.equal(mocks.one(T.httpRoute).inputs.spec.parentRefs[0].sectionName, undefined);
    });

    it("cross-site credentialed origins are refused on every implementation (no SameSite=None cookie); same-site ones pass", () => {
      const crossSite = {
        cors: { origins: ["https://app.example.com", "https://shop.other.org"] },
      };
      for (const implementation of ["envoy-gateway", "gke", "istio"] as const) {
        const messages = problemsOf(gatewayArgs({ implementation }, crossSite), "cors.origins[1]");
        assert.equal(messages.length, 1, implementation);
        assert.match(
          messages[0],
          /\("https:\/\/shop.other.org"\) is on another site than the fleet \(chat.example.com\)/,
        );
        assert.match(messages[0], /no `SameSite=None`, so browsers treat it as `Lax`/);
        assert.deepEqual(
          problemsOf(gatewayArgs({ implementation }, crossSite), "cors.origins[0]"),
          [],
        );
      }
      // Websocket-only needs no cookie: the cross-site page is fine.
      assert.deepEqual(
        validateKubernetesFleet(
          "chat",
          gatewayArgs({ implementation: "generic" }, { ...crossSite, ...WEBSOCKET_ONLY }),
        ),
        [],
      );
    });
  });

  describe("week one", () => {
    it("first deploy: the route and policies are created before the Service that they name, and all apply", async () => {
      const { mocks } = await deploy(gatewayArgs({ implementation: "gke" }));
      const service = mocks.named(T.service, "chat");
      for (const type of [T.httpRoute, T.gcpBackendPolicy, T.healthCheckPolicy]) {
        assert.ok(service.dependencies.includes(mocks.one(type).urn), `Service waits for ${type}`);
      }
      assertApplies(mocks.resources, { kubernetes: "1.30", gatewayApi: "v1.4.0-standard" });
    });

    it("a rolling update (new image) changes only the Deployment: the pinning objects are identical", async () => {
      const before = await deploy(gatewayArgs({ implementation: "istio" }));
      const after = await deploy(
        gatewayArgs({ implementation: "istio" }, { image: "ghcr.io/acme/chat:1.2.4" }),
      );
      const changed = after.mocks.resources
        .filter((r) => r.type.startsWith("kubernetes:"))
        .filter((r) => {
          const old = before.mocks.named(r.type, r.name);
          return JSON.stringify(old.inputs) !== JSON.stringify(r.inputs);
        })
        .map((r) => r.type);
      assert.deepEqual(changed, [T.deployment]);
    });

    it("a CRD upgrade from v1.6 to v1.7: the old shape is refused by the new schema, the new shape applies", async () => {
      const old = (await deploy(gatewayArgs({ release: "v1.6" }))).mocks.one(T.httpRoute).inputs;
      const v17: ClusterSchemas = {
        kubernetes: "1.35",
        gatewayApi: "v1.7.0-dev-4564255-experimental",
      };
      assert.deepEqual(applyProblems(old, v17), [
        "HTTPRoute/chat: /spec/rules/0/sessionPersistence must NOT have additional properties (cookieConfig)",
        "HTTPRoute/chat: /spec/rules/0/sessionPersistence must NOT have additional properties (sessionName)",
      ]);
      const upgraded = (await deploy(gatewayArgs({ release: "v1.7" }))).mocks.one(
        T.httpRoute,
      ).inputs;
      assert.deepEqual(applyProblems(upgraded, v17), []);
      // And the v1.7 shape is refused by a v1.6 schema: `release` must follow the installed CRDs.
      assert.deepEqual(
        applyProblems(upgraded, { kubernetes: "1.35", gatewayApi: "v1.6.1-experimental" }),
        [
          "HTTPRoute/chat: /spec/rules/0/sessionPersistence must NOT have additional properties (cookie)",
        ],
      );
    });
  });
});
