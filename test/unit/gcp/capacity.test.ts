/**
 * The GCP node capacity (#21): memory per machine type, the capacity and ceiling derived from it,
 * the refusals with the numbers (all at once), the `monitoring` arg's rules, and the scale-in
 * bound's numbers.
 */
import { strict as assert } from "node:assert";
import {
  movedClientsPerMinute,
  scaleInControl,
  settleSeconds,
} from "../../../components/gcp/connectionScaling";
import {
  cloudRunMemoryMiB,
  gcpCapacity,
  machineTypeMemoryMiB,
} from "../../../components/gcp/nodeCapacity";
import { BASE, CLOUD_RUN, only, problems } from "./validateHelpers";

describe("GCP node capacity", () => {
  it("machine type memory: shared-core, predefined families, custom shapes; unknown families undefined", () => {
    assert.equal(machineTypeMemoryMiB("e2-small"), 2048);
    assert.equal(machineTypeMemoryMiB("e2-medium"), 4096);
    assert.equal(machineTypeMemoryMiB("n2-standard-2"), 8192);
    assert.equal(machineTypeMemoryMiB("n1-standard-1"), 3840);
    assert.equal(machineTypeMemoryMiB("n2-highmem-4"), 32768);
    assert.equal(machineTypeMemoryMiB("e2-highcpu-8"), 8192);
    assert.equal(machineTypeMemoryMiB("c3-highcpu-4"), 8192);
    assert.equal(machineTypeMemoryMiB("e2-custom-2-3072"), 3072);
    assert.equal(machineTypeMemoryMiB("custom-4-5120-ext"), 5120);
    assert.equal(machineTypeMemoryMiB("m3-megamem-64"), undefined);
    assert.equal(machineTypeMemoryMiB("zz9-highcpu-4"), undefined);
    assert.equal(cloudRunMemoryMiB("512Mi"), 512);
    assert.equal(cloudRunMemoryMiB("2Gi"), 2048);
  });

  it("instance group: capacity from the memory left after COS and the collector, ceiling = what the memory holds", () => {
    const vm = { cloudRun: false, machineType: "e2-small", memory: "512Mi", collector: true };
    assert.deepEqual(gcpCapacity({}, vm), {
      connectionsPerNode: 32700,
      maxConnections: 65536,
      concurrency: 1000,
    });
    assert.deepEqual(gcpCapacity({ maxConnectionsPerNode: 20000 }, vm), {
      connectionsPerNode: 20000,
      maxConnections: 20000,
      concurrency: 1000,
    });
    // 8192 − 384 − 256 = 7552 MiB: (7552 − 128) × 0.5 × 1024 ÷ 20 = 190,054 → 190,000.
    assert.equal(
      gcpCapacity({}, { ...vm, machineType: "n2-standard-2" }).connectionsPerNode,
      190000,
    );
  });

  it("Cloud Run: capacity and concurrency at most 1000, no ceiling unless given", () => {
    const run = { cloudRun: true, machineType: "e2-small", memory: "512Mi", collector: false };
    assert.deepEqual(gcpCapacity({}, run), { connectionsPerNode: 1000, concurrency: 1000 });
    assert.deepEqual(gcpCapacity({ connectionsPerNode: 300 }, run), {
      connectionsPerNode: 300,
      concurrency: 300,
    });
    assert.deepEqual(gcpCapacity({}, { ...run, memory: "256Mi" }), {
      connectionsPerNode: 1000,
      concurrency: 1000,
    });
  });

  it("refuses a capacity the memory cannot hold and one above the ceiling, with the numbers, at once", () => {
    const found = problems({
      ...BASE,
      connectionsPerNode: 70000,
      maxConnectionsPerNode: 60000,
    });
    assert.deepEqual(found.connectionsPerNode, [
      "`connectionsPerNode` (70000) is above `maxConnectionsPerNode` (60000), the hard ceiling at which a node refuses new sessions: autoscaling would aim at a load no node accepts. Lower `connectionsPerNode` or raise `maxConnectionsPerNode` to at least 70000",
      '`connectionsPerNode` (70000) is more than a node can hold: `compute.machineType` "e2-small" (2048 MiB, less 384 MiB for COS and 256 MiB for the metrics collector) leaves the app 1408 MiB, which holds at most 65536 connections (≈ 20 KiB each above a 128 MiB baseline, with no headroom). Lower `connectionsPerNode` to at most 65536 (half of that keeps headroom), or give the nodes more memory',
    ]);
  });

  it("Cloud Run: a capacity above the concurrency an instance ever gets, and memory too small for any connection", () => {
    assert.equal(
      only({ ...CLOUD_RUN, connectionsPerNode: 1500 }, "connectionsPerNode"),
      "`connectionsPerNode` (1500) is more than a Cloud Run instance ever holds: each websocket holds one request, and Cloud Run allows at most 1000 concurrent requests per instance. Lower `connectionsPerNode` to at most 1000",
    );
    assert.equal(
      only(
        {
          ...CLOUD_RUN,
          compute: { mode: "cloud-run", maxRequestsPerInstance: 200 },
          connectionsPerNode: 300,
        },
        "connectionsPerNode",
      ),
      "`connectionsPerNode` (300) is more than a Cloud Run instance ever holds: each websocket holds one request, and `compute.maxRequestsPerInstance` is 200. Lower `connectionsPerNode` to at most 200",
    );
    assert.equal(
      only({ ...CLOUD_RUN, compute: { mode: "cloud-run", memory: "128Mi" } }, "compute.memory"),
      '`compute.memory` "128Mi" leaves the app 128 MiB, below the 256 MiB a node needs to hold any connections: choose more memory',
    );
  });

  it("an unknown machine type needs `connectionsPerNode` while monitoring or autoscaling uses it", () => {
    const unknown = { ...BASE, compute: { machineType: "m3-megamem-64" } };
    assert.match(only(unknown, "compute.machineType"), /give `connectionsPerNode`/);
    assert.deepEqual(problems({ ...unknown, connectionsPerNode: 100000 }), {});
    assert.deepEqual(problems({ ...unknown, monitoring: { enabled: false } }), {});
  });

  it("`monitoring`: known keys, types, scrape interval range, a collector image pinned by digest", () => {
    assert.deepEqual(
      problems({
        ...BASE,
        monitoring: {
          enabled: "yes",
          notificationChannels: "projects/acme/notificationChannels/1",
          scrapeIntervalSeconds: 5,
          collectorImage: "gke.gcr.io/prometheus-engine/prometheus:latest",
          channels: [],
        },
      }),
      {
        "monitoring.channels": [
          "`monitoring.channels` is not a known field; known fields: enabled, notificationChannels, scrapeIntervalSeconds, collectorImage",
        ],
        "monitoring.enabled": ['`monitoring.enabled` ("yes") must be true or false'],
        "monitoring.notificationChannels": [
          '`monitoring.notificationChannels` ("projects/acme/notificationChannels/1") must be an array of notification channel ids such as ["projects/acme/notificationChannels/123"]',
        ],
        "monitoring.scrapeIntervalSeconds": [
          "`monitoring.scrapeIntervalSeconds` (5) must be an integer from 10 to 300",
        ],
        "monitoring.collectorImage": [
          '`monitoring.collectorImage` ("gke.gcr.io/prometheus-engine/prometheus:latest") must be an image pinned by digest ("…@sha256:<64 hex digits>"): every node pulls it when it starts, so a tag that moves mixes collector builds',
        ],
      },
    );
  });

  it("scale-in bound: one VM per 10 minutes (the settle time is shorter), so at most capacity ÷ 10 clients move per minute", () => {
    assert.equal(settleSeconds(30), 25 + 5 + 60 + 180);
    assert.deepEqual(scaleInControl(30), {
      maxScaledInReplicas: { fixed: 1 },
      timeWindowSec: 600,
    });
    assert.deepEqual(scaleInControl(300), {
      maxScaledInReplicas: { fixed: 1 },
      timeWindowSec: 810,
    });
    assert.equal(movedClientsPerMinute(32700, 30), 3270);
    // The shared bound lengthens the window only for very large machines: 32,700 clients to one
    // survivor take 164 s; 400,000 take 2,000 s; the API caps the window at 3,600 s.
    assert.equal(
      scaleInControl(30, { connectionsPerNode: 32700, minReplicas: 1 }).timeWindowSec,
      600,
    );
    assert.equal(
      scaleInControl(30, { connectionsPerNode: 400_000, minReplicas: 1 }).timeWindowSec,
      2000,
    );
    assert.equal(
      scaleInControl(30, { connectionsPerNode: 2_000_000, minReplicas: 1 }).timeWindowSec,
      3600,
    );
  });
});
