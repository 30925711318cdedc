/**
 * Live scaling with the local fleet engine: a node added while clients are connected is routed
 * to after a graceful reload of each proxy (the config rendered again by `components/proxies`),
 * and the established connections survive it; a removed node drains first, its clients move to
 * the others and nobody sees a 5xx.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { resolveFleetSpec } from "../../../components/shared";
import { LocalFleet } from "../../../app/local/fleet";
import type { ProxyKind } from "../../../app/local/proxyProcess";
import { warmUp } from "../../helpers/broadcast";
import { requireBinary } from "../../helpers/binaries";
import { type ClientOptions, clientPerNode, closeAllClients } from "../../helpers/clients";
import {
  type FaultClient,
  closeFaultClients,
  connectFaultClient,
  connectFaultClients,
  nodeOf,
  sequenceProblems,
  startTicker,
  waitForDeliveries,
} from "../../helpers/faultFleet";
import { TEST_NODE_ENV } from "../../helpers/fleet";
import { stopAll, waitFor } from "../../helpers/processes";
import { requireProxy } from "../../helpers/proxies";

async function startScalingFleet(ctx: Mocha.Context, kind: ProxyKind, replicas: number) {
  return LocalFleet.start({
    spec: resolveFleetSpec({
      image: "local",
      replicas,
      stickiness: { mode: kind === "nginx" ? "client-ip" : "cookie" },
    }),
    redisBinary: requireBinary(ctx, "redis-server"),
    proxy: { kind, binary: requireProxy(ctx, kind) },
    restart: "always",
    nodeEnv: TEST_NODE_ENV,
  });
}

/** nginx hashes the client IP: distinct loopback source addresses land on distinct nodes. */
const clientOptions =
  (kind: ProxyKind) =>
  (i: number): ClientOptions =>
    kind === "nginx" ? { transports: ["polling"], localAddress: `127.0.${i + 1}.1` } : {};

describe("engine live scaling", function () {
  this.timeout(120_000);
  let fleet: LocalFleet | undefined;
  const everyone: FaultClient[] = [];
  afterEach(async () => {
    closeAllClients();
    closeFaultClients(everyone.splice(0));
    await fleet?.stop();
    fleet = undefined;
    await stopAll();
  });

  for (const kind of ["haproxy", "nginx", "apache"] as ProxyKind[]) {
    it(`${kind}: add a node, the proxy routes to it after a graceful reload, established connections survive`, async function () {
      fleet = await startScalingFleet(this, kind, 2);
      const proxyPid = fleet.proxy!.process.run!.pid;
      const clients = await connectFaultClients(fleet.proxy!.url, 4);
      const sender = await connectFaultClient(fleet.node("node-1").url, ["websocket"]);
      everyone.push(...clients, sender);
      await warmUp([...clients, sender].map((c) => c.socket));
      const idsBefore = clients.map((c) => c.socket.id);

      const added = await fleet.addNode();
      assert.equal(added.name, "node-3");
      assert.equal(fleet.proxy!.process.run!.pid, proxyPid, "reloaded, not restarted");
      const pinned = await clientPerNode(fleet.proxy!.url, 3, clientOptions(kind), 40);
      assert.ok(pinned.has("node-3"), `the proxy routes to node-3 (${[...pinned.keys()]})`);

      for (const c of clients) c.run = `after-add-${kind}`;
      const ticker = startTicker(sender.socket, `after-add-${kind}`, 50);
      await sleep(800);
      const sent = await ticker.stop();
      await waitForDeliveries(clients, 0, sent);
      for (const [i, c] of clients.entries()) {
        const what = `client ${i} (${c.transports.join("+")})`;
        assert.deepEqual(c.disconnects, [], `${what}: not disconnected by the reload`);
        assert.equal(c.socket.id, idsBefore[i], `${what}: same session`);
        assert.deepEqual(sequenceProblems(c, 0, sent), [], what);
      }
    });
  }

  it("haproxy: remove a node, it drains first, its clients move to the others, no 5xx", async function () {
    fleet = await startScalingFleet(this, "haproxy", 3);
    const clients = await connectFaultClients(fleet.proxy!.url, 6);
    everyone.push(...clients);
    await warmUp(clients.map((c) => c.socket));
    const before = await Promise.all(clients.map(nodeOf));
    const moving = clients.filter((_, i) => before[i] === "node-2");
    assert.ok(moving.length >= 2, `${moving.length} clients on node-2`);
    const exitCodes: unknown[] = [];
    fleet.on("exit", (e) => exitCodes.push(e.cause)); // a drain is no crash: nothing expected

    await fleet.removeNode("node-2");
    assert.deepEqual(
      fleet.nodes.map((n) => n.name),
      ["node-1", "node-3"],
    );
    assert.equal(fleet.proxy!.nodes().length, 2, "the proxy config lists 2 nodes");
    assert.deepEqual(exitCodes, [], "no unexpected exit");
    await waitFor("every client connected again", () => clients.every((c) => c.socket.connected), {
      timeoutMs: 20_000,
    });
    const after = await Promise.all(clients.map(nodeOf));
    assert.ok(!after.includes("node-2"), `nobody on node-2: ${after}`);
    for (const [i, c] of clients.entries()) {
      const fivexx = c.agent.statuses.filter((s) => s >= 500);
      assert.deepEqual(fivexx, [], `client ${i} (was on ${before[i]}): 5xx`);
    }
    for (const c of moving) assert.ok(c.disconnects.length >= 1, "moved clients were disconnected");
  });
});
