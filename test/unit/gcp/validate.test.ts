import { strict as assert } from "node:assert";
import fc from "fast-check";
import { GcpSocketIoFleet, validateGcpFleet, validateGcpFleetName } from "../../../components/gcp";
import { siteOf } from "../../../components/gcp/validateCookie";
import { IMAGE, REGION, gcpMocks } from "./fixtures";

const BASE = { image: IMAGE, region: REGION, deletionProtection: false };
const CLOUD_RUN = {
  ...BASE,
  compute: { mode: "cloud-run" },
  transports: ["websocket"],
  stickiness: { mode: "none" },
};

/** The messages for `args`, keyed by field. */
function problems(args: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of validateGcpFleet(args)) (out[p.field] ??= []).push(p.message);
  return out;
}

function only(args: unknown, field: string): string {
  const found = problems(args);
  assert.deepEqual(Object.keys(found), [field], JSON.stringify(found));
  assert.equal(found[field].length, 1, JSON.stringify(found));
  return found[field][0];
}

describe("validateGcpFleet: the GCP rules through the shared validator", () => {
  it("accepts the minimal args, a full instance-group fleet and a websocket-only Cloud Run fleet", () => {
    assert.deepEqual(validateGcpFleet(BASE), []);
    assert.deepEqual(
      validateGcpFleet({
        ...BASE,
        project: "acme",
        domains: ["ws.example.com"],
        cors: { origins: ["https://app.example.com"] },
        compute: {
          machineType: "n2-standard-2",
          autohealingInitialDelaySeconds: 300,
          natEgress: true,
        },
        autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuPercent: 70 },
        securityPolicy: { mode: "managed", requestsPerMinutePerIp: 1200 },
        redis: { mode: "managed", memorySizeGb: 5 },
        stickiness: { mode: "cookie", cookieName: "sio", ttlSeconds: 0 },
        connectionTimeoutSeconds: 86400,
      }),
      [],
    );
    assert.deepEqual(
      validateGcpFleet({
        ...CLOUD_RUN,
        compute: { mode: "cloud-run", cpu: "2", memory: "1Gi", maxRequestsPerInstance: 500 },
      }),
      [],
    );
  });

  it("region: required, a region not a zone", () => {
    assert.equal(
      only({ ...BASE, region: undefined }, "region"),
      '`region` is required: the region of the nodes and Memorystore, e.g. "europe-west1"',
    );
    assert.equal(
      only({ ...BASE, region: "europe-west1-b" }, "region"),
      '`region` ("europe-west1-b") is not a GCP region: write it as "europe-west1" (a region, not a zone such as "europe-west1-b")',
    );
  });

  it("deletionProtection: required", () => {
    assert.match(
      only({ ...BASE, deletionProtection: undefined }, "deletionProtection"),
      /^`deletionProtection` \(undefined\) is required, true or false/,
    );
  });

  it("stickiness TTL: 0–86400 on the GCP load balancer", () => {
    assert.equal(
      only({ ...BASE, stickiness: { ttlSeconds: 86401 } }, "stickiness.ttlSeconds"),
      "`stickiness.ttlSeconds` (86401) must be an integer from 0 to 86400 on a Google Cloud global external Application Load Balancer",
    );
  });

  it("connectionTimeoutSeconds: above the heartbeat, at most 86400 (3600 on Cloud Run)", () => {
    assert.equal(
      only({ ...BASE, connectionTimeoutSeconds: 86401 }, "connectionTimeoutSeconds"),
      "`connectionTimeoutSeconds` (86401) must be an integer from 1 to 86400 on a Google Cloud global external Application Load Balancer",
    );
    assert.match(
      only({ ...BASE, connectionTimeoutSeconds: 45 }, "connectionTimeoutSeconds"),
      /must be longer than the heartbeat \(pingInterval \+ pingTimeout = 45 s\)/,
    );
    assert.equal(
      only({ ...CLOUD_RUN, connectionTimeoutSeconds: 7200 }, "connectionTimeoutSeconds"),
      "`connectionTimeoutSeconds` (7200) must be an integer from 1 to 3600 on Cloud Run behind a Google Cloud Application Load Balancer",
    );
  });

  it("https origins need a certificate (`domains` or `sslCertificates`)", () => {
    const found = problems({
      ...BASE,
      stickiness: { mode: "client-ip" },
      cors: { origins: ["https://app.example.com"] },
    });
    assert.deepEqual(Object.keys(found), ["cors.origins[0]"]);
    assert.match(
      found["cors.origins[0]"][0],
      /is an https page, but the fleet is served over plain HTTP.*Set `domains`/,
    );
    assert.deepEqual(
      validateGcpFleet({
        ...BASE,
        stickiness: { mode: "client-ip" },
        cors: { origins: ["https://app.example.com"] },
        sslCertificates: ["projects/p/global/sslCertificates/c"],
      }),
      [],
    );
  });

  it("cookie stickiness for a page on another site: refused (the GCLB cookie has no SameSite=None)", () => {
    const message = only(
      { ...BASE, domains: ["ws.example.com"], cors: { origins: ["https://app.other.org"] } },
      "cors.origins[0]",
    );
    assert.equal(
      message,
      '`cors.origins[0]` ("https://app.other.org") is on another site than the fleet, `domains` (ws.example.com): cookie stickiness cannot work for it, ' +
        "because the load balancer's GCLB cookie has no `SameSite=None` (it is sent as `GCLB=…; path=/; HttpOnly`), so browsers " +
        'drop it on cross-site requests and long-polling fails with "Session ID unknown". Serve the fleet on the page\'s site ' +
        '(a `domains` entry such as "ws.<that site>"), or use `stickiness.mode: "client-ip"`, or `transports: ["websocket"]`',
    );
    assert.match(
      only(
        { ...BASE, sslCertificates: ["c"], cors: { origins: ["https://app.example.com"] } },
        "cors.origins[0]",
      ),
      /the load balancer's IP address \(no `domains`\)/,
    );
    // Same site, client-ip or websocket-only: fine.
    assert.deepEqual(
      validateGcpFleet({
        ...BASE,
        domains: ["ws.example.com"],
        cors: { origins: ["https://app.example.com"] },
      }),
      [],
    );
    assert.deepEqual(
      validateGcpFleet({
        ...BASE,
        domains: ["ws.example.com"],
        stickiness: { mode: "client-ip" },
        cors: { origins: ["https://app.other.org"] },
      }),
      [],
    );
    assert.deepEqual(
      validateGcpFleet({
        ...BASE,
        domains: ["ws.example.com"],
        transports: ["websocket"],
        cors: { origins: ["https://app.other.org"] },
      }),
      [],
    );
  });

  it("Cloud Run: websocket-only, stickiness none, the 60-minute cap named", () => {
    const found = problems({ ...BASE, compute: { mode: "cloud-run" } });
    assert.deepEqual(Object.keys(found).sort(), ["stickiness.mode", "transports"]);
    assert.match(
      found.transports[0],
      /^`transports` \(\["polling","websocket"\]\) must be \["websocket"\] with `compute.mode` "cloud-run"/,
    );
    assert.match(found.transports[0], /at most 60 minutes/);
    assert.match(
      found["stickiness.mode"].join("\n"),
      /`stickiness.mode` \("cookie"\) is not available on Cloud Run/,
    );
    assert.match(
      only({ ...CLOUD_RUN, stickiness: { mode: "client-ip" } }, "stickiness.mode"),
      /`stickiness.mode` \("client-ip"\) is not available on Cloud Run.*session affinity does not apply to a Cloud Run \(serverless\) backend/,
    );
  });

  it("compute: the mode enum, keys of the other mode refused, ranges", () => {
    assert.equal(
      only({ ...BASE, compute: { mode: "gke" } }, "compute.mode"),
      '`compute.mode` ("gke") must be one of "instance-group", "cloud-run"',
    );
    assert.equal(
      only({ ...BASE, compute: { cpu: "2" } }, "compute.cpu"),
      '`compute.cpu` does not apply to `compute.mode` "instance-group": remove it',
    );
    assert.equal(
      only(
        { ...CLOUD_RUN, compute: { mode: "cloud-run", machineType: "e2-small" } },
        "compute.machineType",
      ),
      '`compute.machineType` does not apply to `compute.mode` "cloud-run": remove it',
    );
    assert.equal(
      only({ ...BASE, compute: { machineType: "E2 small" } }, "compute.machineType"),
      '`compute.machineType` ("E2 small") is not a Compute Engine machine type: write it as "e2-small"',
    );
    assert.equal(
      only(
        { ...BASE, compute: { autohealingInitialDelaySeconds: 4000 } },
        "compute.autohealingInitialDelaySeconds",
      ),
      "`compute.autohealingInitialDelaySeconds` (4000) must be an integer from 0 to 3600",
    );
    assert.equal(
      only(
        { ...CLOUD_RUN, compute: { mode: "cloud-run", maxRequestsPerInstance: 2000 } },
        "compute.maxRequestsPerInstance",
      ),
      "`compute.maxRequestsPerInstance` (2000) must be an integer from 1 to 1000 (Cloud Run's limit)",
    );
    assert.match(
      only(
        { ...BASE, network: { network: "n", subnetwork: "s" }, compute: { natEgress: true } },
        "compute.natEgress",
      ),
      /creates Cloud NAT only on the network the fleet creates/,
    );
    assert.equal(
      only({ ...BASE, compute: { natEgres: true } }, "compute.natEgres"),
      "`compute.natEgres` is not a known field: did you mean `compute.natEgress`?",
    );
  });

  it("autoscaling: both bounds, min ≤ replicas ≤ max, no CPU target on Cloud Run", () => {
    assert.equal(
      only({ ...BASE, autoscaling: { minReplicas: 2 } }, "autoscaling.maxReplicas"),
      "`autoscaling.maxReplicas` is required: give an integer from 1 to 1000",
    );
    assert.equal(
      only(
        { ...BASE, replicas: 2, autoscaling: { minReplicas: 3, maxReplicas: 5 } },
        "autoscaling.minReplicas",
      ),
      "`autoscaling.minReplicas` (3) is more than `replicas` (2), the initial count: set `replicas` to at least 3",
    );
    assert.equal(
      only({ ...BASE, autoscaling: { minReplicas: 5, maxReplicas: 2 } }, "autoscaling.minReplicas"),
      "`autoscaling.minReplicas` (5) is more than `autoscaling.maxReplicas` (2): swap them",
    );
    assert.match(
      only(
        { ...CLOUD_RUN, autoscaling: { minReplicas: 1, maxReplicas: 5, targetCpuPercent: 50 } },
        "autoscaling.targetCpuPercent",
      ),
      /does not apply to Cloud Run/,
    );
  });

  it("domains and sslCertificates: DNS names, no duplicates, a non-empty list", () => {
    assert.equal(
      only({ ...BASE, domains: ["https://ws.example.com"] }, "domains[0]"),
      '`domains[0]` ("https://ws.example.com") must be a lower-case DNS name such as "chat.example.com" (no scheme, port, wildcard or trailing dot)',
    );
    assert.equal(
      only({ ...BASE, domains: ["ws.example.com", "ws.example.com"] }, "domains[1]"),
      '`domains[1]` ("ws.example.com") is listed twice: remove the duplicate',
    );
    assert.match(
      only({ ...BASE, sslCertificates: [] }, "sslCertificates"),
      /must be a non-empty array/,
    );
  });

  it("redis: the mode enum, the keys of each mode, the URL never echoed, a PEM CA", () => {
    assert.equal(
      only({ ...BASE, redis: { mode: "elasticache" } }, "redis.mode"),
      '`redis.mode` ("elasticache") must be one of "managed", "external"',
    );
    assert.equal(
      only({ ...BASE, redis: { mode: "external" } }, "redis.url"),
      '`redis.url` is required with `redis.mode: "external"`: give a rediss:// URL',
    );
    const bad = only(
      { ...BASE, redis: { mode: "external", url: "http://:hunter2@x" } },
      "redis.url",
    );
    assert.ok(!bad.includes("hunter2"), "the URL is not echoed");
    assert.equal(
      only({ ...BASE, redis: { url: "rediss://:pw@x:6379" } }, "redis.url"),
      '`redis.url` does not apply to `redis.mode` "managed": remove it',
    );
    assert.equal(
      only({ ...BASE, redis: { memorySizeGb: 500 } }, "redis.memorySizeGb"),
      "`redis.memorySizeGb` (500) must be an integer from 1 to 300 (Memorystore's range)",
    );
    assert.equal(
      only(
        { ...BASE, redis: { mode: "external", url: "rediss://:pw@x:6379", tlsCa: "not a pem" } },
        "redis.tlsCa",
      ),
      "`redis.tlsCa` must be PEM certificate text (-----BEGIN CERTIFICATE-----)",
    );
  });

  it("securityPolicy: the mode enum, the throttle range, an id exactly for `existing`", () => {
    assert.equal(
      only({ ...BASE, securityPolicy: { mode: "off" } }, "securityPolicy.mode"),
      '`securityPolicy.mode` ("off") must be one of "managed", "existing", "disabled"',
    );
    assert.equal(
      only(
        { ...BASE, securityPolicy: { requestsPerMinutePerIp: 5 } },
        "securityPolicy.requestsPerMinutePerIp",
      ),
      "`securityPolicy.requestsPerMinutePerIp` (5) must be an integer from 10 to 10000",
    );
    assert.match(
      only({ ...BASE, securityPolicy: { mode: "existing" } }, "securityPolicy.id"),
      /is required with `securityPolicy.mode: "existing"`/,
    );
    assert.match(
      only({ ...BASE, securityPolicy: { id: "p" } }, "securityPolicy.id"),
      /applies only to `securityPolicy.mode` "existing"/,
    );
    assert.match(
      only(
        { ...BASE, securityPolicy: { mode: "disabled", requestsPerMinutePerIp: 100 } },
        "securityPolicy.requestsPerMinutePerIp",
      ),
      /applies only to `securityPolicy.mode` "managed", not "disabled"/,
    );
  });

  it("network: both ids required", () => {
    assert.equal(
      only({ ...BASE, network: { network: "projects/p/global/networks/n" } }, "network.subnetwork"),
      "`network.subnetwork` is required with `network`: give its id or self link",
    );
  });

  it("env: a value with a line break cannot go into the instance group's env file", () => {
    assert.match(only({ ...BASE, env: { NOTE: "a\nb" } }, "env.NOTE"), /holds a line break/);
  });

  it("GCLB is reserved as a cookie name; unknown fields are typos", () => {
    assert.match(
      only({ ...BASE, stickiness: { cookieName: "GCLB" } }, "stickiness.cookieName"),
      /starts with "GCLB", which a Google Cloud global external Application Load Balancer reserves/,
    );
    assert.equal(
      only({ ...BASE, domain: ["ws.example.com"] }, "domain"),
      "`domain` is not a known field: did you mean `domains`?",
    );
  });

  it("reports every problem at once, and the component throws them as one ResourceError", async () => {
    const args = {
      ...BASE,
      region: "eu",
      deletionProtection: "yes",
      redis: { mode: "x" },
      compute: { mode: "y" },
    };
    assert.deepEqual(Object.keys(problems(args)).sort(), [
      "compute.mode",
      "deletionProtection",
      "redis.mode",
      "region",
    ]);
    await gcpMocks();
    assert.throws(
      () => new GcpSocketIoFleet("fleet", args as never),
      (err: Error) => {
        assert.match(err.message, /^Invalid socketio-fleet spec \(4 problems\):/);
        for (const field of [
          "`region`",
          "`deletionProtection`",
          "`redis.mode`",
          "`compute.mode`",
        ]) {
          assert.ok(err.message.includes(field), field);
        }
        return true;
      },
    );
  });

  it("the component name: lower case, at most 20 characters", () => {
    assert.deepEqual(validateGcpFleetName("chat-prod"), []);
    for (const bad of ["Chat", "a".repeat(21), "chat--prod", "1chat", "chat-"]) {
      assert.equal(validateGcpFleetName(bad).length, 1, bad);
    }
  });

  it("never throws, whatever the args (property-based)", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (compute, redis) => {
        const result = validateGcpFleet({
          ...BASE,
          compute,
          redis,
          securityPolicy: compute,
          domains: redis,
        });
        assert.ok(Array.isArray(result));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything(), (args) => Array.isArray(validateGcpFleet(args))),
      { numRuns: 300 },
    );
  });

  it("sites: the last two labels; an IP address is its own site", () => {
    assert.equal(siteOf("ws.chat.example.com"), "example.com");
    assert.equal(siteOf("34.120.1.2"), "34.120.1.2");
  });
});
