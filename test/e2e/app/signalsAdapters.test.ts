/**
 * Adapter messages, Redis round trips and readiness (#20) with two in-process nodes on a real
 * redis-server, for every adapter the app runs (`redis`, `redis-streams`, `redis-sharded`
 * standalone, and `redis-sharded` on a real 3 + 3 Redis Cluster):
 * - a broadcast from node A is one message published by A, and one received by B (and by A: Redis
 *   hands a node its own messages back); a local-only emit publishes and receives nothing;
 * - the heartbeat PINGs fill `socketio_redis_roundtrip_seconds{role}`;
 * - `socketio_ready` is 0 while Redis has never been reachable, 1 once it has.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CLUSTER_NODES, redisClusterService } from "../../../app/local/redisCluster";
import type { FleetServer } from "../../../app/src/index";
import { inProcessNode } from "../../helpers/inProcessNode";
import { REDIS_PING_INTERVAL_MS } from "../../../app/src/redisOptions";
import { requireBinary } from "../../helpers/binaries";
import { fetchMetrics } from "../../helpers/metricsText";
import { freePorts } from "../../helpers/ports";
import { stopAll, waitFor } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";
import { assertBoundedLabels, sampleValue } from "../../helpers/signalMetrics";

const PUBLISHED = "socketio_adapter_messages_published_total";
const RECEIVED = "socketio_adapter_messages_received_total";
const ROUND_TRIPS = "socketio_redis_roundtrip_seconds_count";

async function startNode(nodeId: string, env: Record<string, string>): Promise<FleetServer> {
  const fleet = inProcessNode(nodeId, env);
  await fleet.listen();
  return fleet;
}

const scrape = (fleet: FleetServer) => fetchMetrics(`http://127.0.0.1:${fleet.metricsPort}`);

interface Traffic {
  published: number;
  received: number;
}

async function trafficOf(fleet: FleetServer): Promise<Traffic> {
  const text = await scrape(fleet);
  return { published: sampleValue(text, PUBLISHED)!, received: sampleValue(text, RECEIVED)! };
}

/** Node A broadcasts once: A publishes 1, B and A receive 1; a local emit moves nothing. */
async function expectOneMessage(a: FleetServer, b: FleetServer): Promise<void> {
  await waitFor("both nodes ready", () => a.readiness().ready && b.readiness().ready);
  // Subscriptions complete asynchronously after ready: broadcast until B hears one.
  await waitFor(
    "B to receive a broadcast from A",
    async () => {
      a.io.emit("warm");
      await sleep(100);
      return (await trafficOf(b)).received > 0;
    },
    { timeoutMs: 10_000 },
  );
  await sleep(300); // the last warm-up messages land
  const [a0, b0] = [await trafficOf(a), await trafficOf(b)];

  a.io.local.emit("local-only", 1);
  b.io.local.emit("local-only", 2);
  await sleep(500);
  assert.deepEqual([await trafficOf(a), await trafficOf(b)], [a0, b0], "local emits cross nothing");

  a.io.emit("broadcast", 3);
  await waitFor("B to receive it", async () => (await trafficOf(b)).received === b0.received + 1);
  await sleep(300); // nothing more arrives
  assert.deepEqual(await trafficOf(a), { published: a0.published + 1, received: a0.received + 1 });
  assert.deepEqual(await trafficOf(b), { published: b0.published, received: b0.received + 1 });
  for (const node of [a, b]) assertBoundedLabels(await scrape(node));
}

const STANDALONE = [
  { SOCKETIO_ADAPTER: "redis" },
  { SOCKETIO_ADAPTER: "redis-streams" },
  { SOCKETIO_ADAPTER: "redis-sharded", REDIS_SUBSCRIPTION_MODE: "dynamic" },
] as const;

for (const adapterEnv of STANDALONE) {
  describe(`app signals: adapter messages, SOCKETIO_ADAPTER=${adapterEnv.SOCKETIO_ADAPTER} on a real redis-server`, function () {
    this.timeout(30_000);
    let nodes: FleetServer[] = [];
    after(async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await stopAll();
    });

    it("a broadcast from A: A published +1, B received +1 (A too: its own echo); local emits: nothing", async function () {
      const redis = await startRedis(requireBinary(this, "redis-server"));
      const env = { ...adapterEnv, REDIS_URL: redis.url };
      nodes = [await startNode("a", env), await startNode("b", env)];
      await expectOneMessage(nodes[0], nodes[1]);
    });
  });
}

describe("app signals: adapter messages, redis-sharded on a real Redis Cluster (REDIS_MODE=cluster)", function () {
  this.timeout(90_000);
  let nodes: FleetServer[] = [];
  after(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await stopAll();
  });

  it("a broadcast from A: A published +1 (SPUBLISH through the Cluster), B received +1", async function () {
    const binary = requireBinary(this, "redis-server");
    const cli = requireBinary(this, "redis-cli", "redis-tools");
    const ports = await freePorts(2 * CLUSTER_NODES);
    const cluster = redisClusterService({
      binary,
      cli,
      dir: mkdtempSync(join(tmpdir(), "sio-signals-cluster-")),
      ports: ports.slice(0, CLUSTER_NODES),
      busPorts: ports.slice(CLUSTER_NODES),
      restart: "never",
    });
    for (const node of cluster.nodes) node.process.start();
    for (const node of cluster.nodes) await node.process.whenReady();
    await cluster.create(30_000);
    const env = {
      SOCKETIO_ADAPTER: "redis-sharded",
      REDIS_MODE: "cluster",
      REDIS_SUBSCRIPTION_MODE: "dynamic",
      REDIS_URL: cluster.url,
    };
    nodes = [await startNode("cluster-a", env), await startNode("cluster-b", env)];
    try {
      await expectOneMessage(nodes[0], nodes[1]);
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
      nodes = [];
      await Promise.all(cluster.nodes.map((n) => n.process.stop("SIGTERM")));
    }
  });
});

describe("app signals: Redis round trips and readiness (redis, real redis-server)", function () {
  this.timeout(60_000);
  let node: FleetServer | undefined;
  after(async () => {
    await node?.close();
    await stopAll();
  });

  it("socketio_ready is 0 and no round trip is observed while Redis was never reachable; once it is: ready 1, and every PING adds to the histogram of each role", async function () {
    const redis = await startRedis(requireBinary(this, "redis-server"));
    await redis.stop();
    node = await startNode("rtt-node", { SOCKETIO_ADAPTER: "redis", REDIS_URL: redis.url });
    await sleep(REDIS_PING_INTERVAL_MS + 500); // a heartbeat interval with Redis down
    let text = await scrape(node);
    assert.equal(sampleValue(text, "socketio_ready"), 0);
    assert.equal(sampleValue(text, ROUND_TRIPS, { role: "publisher" }), undefined);
    const { port } = node.httpServer.address() as AddressInfo;
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 503);

    await redis.restart();
    await waitFor("ready", async () => sampleValue(await scrape(node!), "socketio_ready") === 1);
    const counts = async () => {
      const t = await scrape(node!);
      return ["publisher", "subscriber"].map((role) => sampleValue(t, ROUND_TRIPS, { role }) ?? 0);
    };
    const first = await waitFor("a round trip of each role", async () => {
      const c = await counts();
      return c.every((n) => n >= 1) ? c : undefined;
    });
    const later = await waitFor(
      "the next PINGs",
      async () => {
        const c = await counts();
        return c.every((n, i) => n > first[i]) ? c : undefined;
      },
      { timeoutMs: 3 * REDIS_PING_INTERVAL_MS },
    );
    text = await scrape(node);
    // Loopback PINGs: every one within the 0.5 ms … 2.5 s buckets, each of them under 2.5 s.
    for (const [i, role] of ["publisher", "subscriber"].entries()) {
      const within = sampleValue(text, "socketio_redis_roundtrip_seconds_bucket", {
        role,
        le: "2.5",
      });
      assert.ok(within !== undefined && within >= later[i], `${role}: ${within}`);
      assert.ok(sampleValue(text, "socketio_redis_roundtrip_seconds_sum", { role })! > 0);
    }
    assertBoundedLabels(text);
  });
});
