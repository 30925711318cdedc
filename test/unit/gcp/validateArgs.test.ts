import { strict as assert } from "node:assert";
import { CLOUD_RUN, BASE, only } from "./validateHelpers";

describe("validateGcpFleet: the GCP-only args", () => {
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
      '`redis.mode` ("elasticache") must be one of "managed", "external", "valkey"',
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
});
