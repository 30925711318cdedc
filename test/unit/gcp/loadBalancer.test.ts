import { strict as assert } from "node:assert";
import { GcpSocketIoFleet, type GcpSocketIoFleetArgs } from "../../../components/gcp";
import type { MockRecorder } from "../../helpers/mocks";
import { PROJECT, REGION, T, baseArgs, gcpMocks } from "./fixtures";

const GROUP = `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/${REGION}/instanceGroups/fleet-nodes`;

async function build(args: Partial<GcpSocketIoFleetArgs> = {}): Promise<MockRecorder> {
  const mocks = await gcpMocks();
  new GcpSocketIoFleet("fleet", baseArgs(args));
  await mocks.settled();
  return mocks;
}

describe("GcpSocketIoFleet: the global external Application Load Balancer", () => {
  it("backend service: EXTERNAL_MANAGED, HTTP to the named port, timeoutSec = connectionTimeoutSeconds, draining, logs, readiness, Cloud Armor, GENERATED_COOKIE + RING_HASH, RATE", async () => {
    const mocks = await build();
    assert.deepEqual(mocks.one(T.backend).inputs, {
      loadBalancingScheme: "EXTERNAL_MANAGED",
      protocol: "HTTP",
      portName: "http",
      timeoutSec: 3600,
      connectionDrainingTimeoutSec: 30,
      healthChecks: "fleet-readiness-id",
      securityPolicy: "fleet-armor-id",
      logConfig: { enable: true, sampleRate: 0.1 },
      sessionAffinity: "GENERATED_COOKIE",
      affinityCookieTtlSec: 86400,
      localityLbPolicy: "RING_HASH",
      backends: [
        { group: GROUP, balancingMode: "RATE", maxRatePerInstance: 1000, capacityScaler: 1 },
      ],
    });
    assert.equal(
      mocks.one(T.group).inputs.namedPorts[0].name,
      mocks.one(T.backend).inputs.portName,
      "portName is the group's named port",
    );
  });

  const affinities: [string, Partial<GcpSocketIoFleetArgs>, Record<string, unknown>][] = [
    [
      "cookie with a TTL",
      { stickiness: { mode: "cookie", ttlSeconds: 600 } },
      {
        sessionAffinity: "GENERATED_COOKIE",
        affinityCookieTtlSec: 600,
        localityLbPolicy: "RING_HASH",
      },
    ],
    [
      "cookie with TTL 0 (a session cookie)",
      { stickiness: { ttlSeconds: 0 } },
      {
        sessionAffinity: "GENERATED_COOKIE",
        affinityCookieTtlSec: 0,
        localityLbPolicy: "RING_HASH",
      },
    ],
    [
      "a named cookie",
      { stickiness: { mode: "cookie", cookieName: "sio_node", ttlSeconds: 3600 } },
      {
        sessionAffinity: "STRONG_COOKIE_AFFINITY",
        strongSessionAffinityCookie: { name: "sio_node", path: "/", ttl: { seconds: 3600 } },
        localityLbPolicy: "RING_HASH",
      },
    ],
    [
      "client-ip",
      { stickiness: { mode: "client-ip" } },
      { sessionAffinity: "CLIENT_IP", localityLbPolicy: "RING_HASH" },
    ],
    [
      "none (websocket-only)",
      { transports: ["websocket"], stickiness: { mode: "none" } },
      { sessionAffinity: "NONE" },
    ],
  ];
  for (const [title, args, expected] of affinities) {
    it(`affinity for ${title}: ${JSON.stringify(expected)}, never UTILIZATION`, async () => {
      const backend = (await build(args)).one(T.backend).inputs;
      const keys = [
        "sessionAffinity",
        "affinityCookieTtlSec",
        "strongSessionAffinityCookie",
        "localityLbPolicy",
      ];
      const affinity = Object.fromEntries(
        keys.filter((k) => backend[k] !== undefined).map((k) => [k, backend[k]]),
      );
      assert.deepEqual(affinity, expected);
      assert.equal(backend.backends[0].balancingMode, "RATE");
    });
  }

  it("request logs: one in ten by default (each long-poll is a request); `requestLogSampleRate` sets it", async () => {
    const mocks = await build({ requestLogSampleRate: 1 });
    assert.deepEqual(mocks.one(T.backend).inputs.logConfig, { enable: true, sampleRate: 1 });
  });

  it("health checks: readiness /readyz for balancing, liveness healthCheckPath for autohealing", async () => {
    const mocks = await build({ healthCheckPath: "/livez", containerPort: 8080 });
    assert.deepEqual(mocks.named(T.healthCheck, "fleet-readiness").inputs, {
      description:
        "Socket.IO fleet readiness (load balancing): 503 while draining or without Redis",
      checkIntervalSec: 5,
      timeoutSec: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      httpHealthCheck: { port: 8080, requestPath: "/readyz" },
      logConfig: { enable: true },
    });
    assert.deepEqual(mocks.named(T.healthCheck, "fleet-liveness").inputs, {
      description: "Socket.IO fleet liveness (autohealing)",
      checkIntervalSec: 10,
      timeoutSec: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      httpHealthCheck: { port: 8080, requestPath: "/livez" },
      logConfig: { enable: true },
    });
  });

  it("without a certificate: port 80 only, plain HTTP to the backend's URL map, EXTERNAL_MANAGED", async () => {
    const mocks = await build();
    assert.deepEqual(
      mocks.ofType(T.forwardingRule).map((r) => [r.name, r.inputs]),
      [
        [
          "fleet-http",
          {
            ipAddress: "fleet-ip-id",
            ipProtocol: "TCP",
            portRange: "80",
            loadBalancingScheme: "EXTERNAL_MANAGED",
            target: "fleet-http-proxy-id",
          },
        ],
      ],
    );
    assert.deepEqual(mocks.one(T.httpProxy).inputs, {
      urlMap: "fleet-urlmap-id",
      httpKeepAliveTimeoutSec: 610,
    });
    assert.deepEqual(mocks.one(T.urlMap).inputs, {
      description: "Socket.IO fleet: everything to the backend service",
      defaultService: "fleet-backend-id",
    });
    assert.deepEqual(mocks.one(T.address).inputs, {
      ipVersion: "IPV4",
      description: "Socket.IO fleet (socketio-fleet)",
    });
    for (const t of [T.httpsProxy, T.certificate, T.sslPolicy]) {
      assert.equal(mocks.ofType(t).length, 0, `${t} without a certificate`);
    }
  });

  it("with domains: a managed certificate, MODERN + TLS_1_2, 443 forwards, 80 only redirects (301, query kept)", async () => {
    const mocks = await build({ domains: ["ws.example.com", "chat.example.com"] });
    assert.deepEqual(mocks.one(T.certificate).inputs, {
      type: "MANAGED",
      managed: { domains: ["ws.example.com", "chat.example.com"] },
    });
    assert.deepEqual(mocks.one(T.sslPolicy).inputs, {
      description: "Socket.IO fleet: TLS 1.2+, modern ciphers",
      profile: "MODERN",
      minTlsVersion: "TLS_1_2",
    });
    assert.deepEqual(mocks.one(T.httpsProxy).inputs, {
      urlMap: "fleet-urlmap-id",
      sslCertificates: ["fleet-cert-id"],
      sslPolicy: "fleet-tls-id",
      httpKeepAliveTimeoutSec: 610,
    });
    assert.deepEqual(mocks.named(T.urlMap, "fleet-redirect").inputs, {
      description: "Socket.IO fleet: port 80 redirects to HTTPS",
      defaultUrlRedirect: {
        httpsRedirect: true,
        redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT",
        stripQuery: false,
      },
    });
    assert.equal(mocks.one(T.httpProxy).inputs.urlMap, "fleet-redirect-id");
    const rules = Object.fromEntries(mocks.ofType(T.forwardingRule).map((r) => [r.name, r.inputs]));
    assert.deepEqual(rules, {
      "fleet-http": {
        ipAddress: "fleet-ip-id",
        ipProtocol: "TCP",
        portRange: "80",
        loadBalancingScheme: "EXTERNAL_MANAGED",
        target: "fleet-http-proxy-id",
      },
      "fleet-https": {
        ipAddress: "fleet-ip-id",
        ipProtocol: "TCP",
        portRange: "443",
        loadBalancingScheme: "EXTERNAL_MANAGED",
        target: "fleet-https-proxy-id",
      },
    });
  });

  it("with sslCertificates: those certificates, no managed one", async () => {
    const cert = `projects/${PROJECT}/global/sslCertificates/chat`;
    const mocks = await build({ sslCertificates: [cert], domains: ["chat.example.com"] });
    assert.equal(mocks.ofType(T.certificate).length, 0);
    assert.deepEqual(mocks.one(T.httpsProxy).inputs.sslCertificates, [cert]);
  });

  it("Cloud Armor: cve-canary denied, a per-IP throttle with 429, allow by default", async () => {
    const mocks = await build({ securityPolicy: { requestsPerMinutePerIp: 1200 } });
    const everyIp = { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } };
    assert.deepEqual(mocks.one(T.armor).inputs, {
      description: "Socket.IO fleet (socketio-fleet): per-IP throttle, cve-canary",
      type: "CLOUD_ARMOR",
      rules: [
        {
          priority: 1000,
          description: "Log4Shell and similar probes",
          action: "deny(403)",
          match: { expr: { expression: "evaluatePreconfiguredWaf('cve-canary')" } },
        },
        {
          priority: 2000,
          description: "At most 1200 requests a minute per client IP",
          action: "throttle",
          match: everyIp,
          rateLimitOptions: {
            enforceOnKey: "IP",
            rateLimitThreshold: { count: 1200, intervalSec: 60 },
            conformAction: "allow",
            exceedAction: "deny(429)",
          },
        },
        { priority: 2147483647, description: "Default: allow", action: "allow", match: everyIp },
      ],
    });
  });

  it("Cloud Armor: an existing policy is attached as is; disabled attaches none", async () => {
    const existing = await build({
      securityPolicy: { mode: "existing", id: "projects/p/global/securityPolicies/edge" },
    });
    assert.equal(existing.ofType(T.armor).length, 0);
    assert.equal(
      existing.one(T.backend).inputs.securityPolicy,
      "projects/p/global/securityPolicies/edge",
    );
    const disabled = await build({ securityPolicy: { mode: "disabled" } });
    assert.equal(disabled.ofType(T.armor).length, 0);
    assert.equal(disabled.one(T.backend).inputs.securityPolicy, undefined);
  });
});
