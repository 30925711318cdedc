/**
 * The engine's autoscaler on real processes (app nodes, redis-server, HAProxy): the clouds' rule,
 * desired = ⌈clients ÷ connectionsPerNode⌉ within [min, max], read from each node's `/metrics`.
 * Ramp up: a node is added when the clients pass the capacity of the nodes there are, HAProxy
 * is reloaded (same master) and routes to it, no handshake fails. Ramp down: nodes are removed
 * one at a time, no sooner than the derived removal period apart, each drained (HAProxy stops
 * sending it new sessions, the app closes its clients), and every client of a removed node
 * reconnects to a survivor: none lost, the moves counted against the derived bound.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { resolveFleetSpec } from "../../../components/shared";
import { type AutoscaleDecision, Autoscaler } from "../../../app/local/autoscaler";
import { LocalFleet } from "../../../app/local/fleet";
import { requireBinary } from "../../helpers/binaries";
import { TEST_NODE_ENV } from "../../helpers/fleet";
import { stopAll, waitFor } from "../../helpers/processes";
import { requireProxy } from "../../helpers/proxies";
import {
  type TrackedClient,
  closeAllTrackedClients,
  closeTrackedClients,
  nodesOf,
  trackedClients,
} from "./trackedClients";

const CAPACITY = 4;
const DRAIN_GRACE_MS = 500;

describe("engine autoscaler on connections per node", function () {
  this.timeout(150_000);
  let fleet: LocalFleet | undefined;
  let autoscaler: Autoscaler | undefined;
  afterEach(async () => {
    await autoscaler?.stop();
    closeAllTrackedClients();
    await fleet?.stop();
    fleet = undefined;
    autoscaler = undefined;
    await stopAll();
  });

  it("haproxy: adds nodes at the capacity threshold, removes them one at a time drained, no client lost", async function () {
    fleet = await LocalFleet.start({
      spec: resolveFleetSpec({
        image: "local",
        replicas: 1,
        connectionsPerNode: CAPACITY,
        maxConnectionsPerNode: 2 * CAPACITY,
      }),
      redisBinary: requireBinary(this, "redis-server"),
      proxy: { kind: "haproxy", binary: requireProxy(this, "haproxy") },
      restart: "never",
      nodeEnv: { ...TEST_NODE_ENV, DRAIN_GRACE_MS: String(DRAIN_GRACE_MS) },
    });
    const proxy = fleet.proxy!;
    const proxyPid = proxy.process.run!.pid;
    autoscaler = new Autoscaler(fleet, {
      min: 1,
      max: 3,
      connectionsPerNode: CAPACITY,
      intervalMs: 300,
      scaleInStabilizationMs: 3000,
      drainGraceMs: DRAIN_GRACE_MS,
      settleSeconds: 2,
    });
    const decisions: AutoscaleDecision[] = [];
    const errors: Error[] = [];
    autoscaler.on("decision", (d) => decisions.push(d));
    autoscaler.on("error", (e) => errors.push(e));
    autoscaler.start();
    const clients: TrackedClient[] = [];
    const connect = async (n: number) => clients.push(...(await trackedClients(proxy.url, n)));
    const decided = (action: AutoscaleDecision["action"], n: number) => () =>
      decisions.filter((d) => d.action === action).length === n;

    // Ramp up. At the capacity of one node: still one node.
    await connect(CAPACITY);
    await sleep(1500);
    assert.equal(decisions.length, 0, "no node added at the capacity");
    // One more: two nodes.
    await connect(1);
    await waitFor("a second node", decided("add", 1), { timeoutMs: 30_000 });
    await connect(CAPACITY - 1); // 8 = two nodes' capacity
    await sleep(1500);
    assert.equal(fleet.nodes.length, 2, "no third node at two nodes' capacity");
    await connect(1);
    await waitFor("a third node", decided("add", 2), { timeoutMs: 30_000 });
    await connect(3); // 12: three nodes' capacity; round robin puts new sessions on node-3 too
    const adds = decisions.filter((d) => d.action === "add");
    assert.deepEqual(
      adds.map((d) => [d.node, d.total, d.nodes]),
      [
        ["node-2", CAPACITY + 1, 2],
        ["node-3", 2 * CAPACITY + 1, 3],
      ],
      "each node added when the clients passed the nodes' capacity",
    );
    assert.equal(proxy.process.run!.pid, proxyPid, "HAProxy reloaded, not restarted");
    assert.deepEqual(
      proxy
        .nodes()
        .map((n) => n.name)
        .sort(),
      ["node-1", "node-2", "node-3"],
    );
    const placed = await nodesOf(clients);
    assert.ok(placed.includes("node-3"), `HAProxy routes new sessions to node-3: ${placed}`);
    const failedUp = clients.flatMap((c) => c.errors);
    assert.deepEqual(failedUp, [], "no failed handshake while scaling out");
    assert.ok(
      clients.every((c) => c.disconnects.length === 0),
      "nobody disconnected by scaling out",
    );

    // Ramp down to one client per node (3 ≤ one node's capacity): desired 1.
    const keep = ["node-1", "node-2", "node-3"].map((n) => clients[placed.indexOf(n)]);
    closeTrackedClients(clients.filter((c) => !keep.includes(c)));
    await waitFor("two nodes removed", decided("remove", 2), {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    await waitFor("every kept client connected", () => keep.every((c) => c.socket.connected), {
      timeoutMs: 20_000,
    });
    const removes = decisions.filter((d) => d.action === "remove");
    assert.deepEqual(
      removes.map((d) => d.nodes),
      [2, 1],
      "removed one at a time",
    );
    const period = autoscaler.bound.removalPeriodSeconds * 1000;
    assert.ok(
      removes[1].at - removes[0].at >= period,
      `removals ${removes[1].at - removes[0].at} ms apart, at least the derived ${period} ms`,
    );
    const survivor = fleet.nodes[0].name;
    assert.deepEqual(
      proxy.nodes().map((n) => n.name),
      [survivor],
      "HAProxy reloaded without the removed nodes",
    );
    assert.deepEqual(await nodesOf(keep), [survivor, survivor, survivor], "all on the survivor");
    // Each client of a removed node was closed by its drain (the server closed the transport)
    // and reconnected; none was lost.
    const removed = removes.map((d) => d.node);
    const moves = keep.flatMap((c) => c.reconnectedAt);
    for (const [i, c] of keep.entries()) {
      const was = ["node-1", "node-2", "node-3"][i];
      assert.equal(
        c.connects,
        c.disconnects.length + 1,
        `client of ${was}: every disconnect reconnected`,
      );
      if (removed.includes(was)) assert.ok(c.disconnects.length >= 1, `client of ${was} moved`);
      for (const d of c.disconnects) assert.equal(d.reason, "transport close", `${was}: drained`);
    }
    assert.ok(moves.length >= 2, `${moves.length} reconnections (two nodes' clients moved)`);
    const perMinute = Math.max(
      ...moves.map((t) => moves.filter((u) => u >= t && u < t + 60_000).length),
    );
    assert.ok(
      perMinute <= autoscaler.bound.clientsMovedPerMinute,
      `${perMinute} clients moved in a minute, bound ${autoscaler.bound.clientsMovedPerMinute}`,
    );
    for (const d of removes) {
      assert.ok(
        d.clients[d.node] <= Math.min(...Object.values(d.clients)),
        `${d.node} had the fewest clients: ${JSON.stringify(d.clients)}`,
      );
      assert.ok(d.clients[d.node] <= CAPACITY, "moved at most one node's capacity");
    }
    assert.deepEqual(
      keep.flatMap((c) => c.errors),
      [],
      "no failed handshake while scaling in",
    );
    assert.deepEqual(errors, [], "no failed autoscaler step");
  });
});
