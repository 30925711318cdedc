import { strict as assert } from "node:assert";
import fc from "fast-check";
import { GcpSocketIoFleet, validateGcpFleet, validateGcpFleetName } from "../../../components/gcp";
import { siteOf } from "../../../components/gcp/validateCookie";
import { gcpMocks } from "./fixtures";
import { BASE, CLOUD_RUN, only, problems } from "./validateHelpers";

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
