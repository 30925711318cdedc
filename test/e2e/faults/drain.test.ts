/**
 * Graceful shutdown under load: 3 nodes (`redis-streams`) + redis-server + HAProxy, 32
 * reconnecting clients (16 per transport set) and a broadcast every 50 ms. SIGTERM on one node:
 * its clients move to the other nodes with nothing but the planned disconnect ("transport
 * close": no connection error, no 5xx, no other reason), recover their session without losing a
 * broadcast, the other clients notice nothing, and the process exits 0 within 25 s. A handshake
 * pinned to the draining node by its cookie is re-routed by HAProxy instead of refused.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { proxyCookieName } from "../../../components/proxies";
import { APP_DRAIN_SECONDS } from "../../../components/shared/defaults";
import { terminate } from "../../helpers/fleet";
import { stopAll, waitFor } from "../../helpers/processes";
import {
  type FaultClient,
  type FaultFleet,
  closeFaultClients,
  connectFaultClient,
  connectFaultClients,
  nodeOf,
  requireFaultBinaries,
  sequenceProblems,
  startFaultFleet,
  startTicker,
  waitForDeliveries,
} from "../../helpers/faultFleet";
import { warmUp } from "../../helpers/broadcast";

describe("faults: SIGTERM on a node under load, redis-streams, 3 nodes behind HAProxy, 32 clients", function () {
  this.timeout(90_000);
  let fleet: FaultFleet;
  const everyone: FaultClient[] = [];

  before(async function () {
    fleet = await startFaultFleet(requireFaultBinaries(this), "redis-streams");
  });
  after(async () => {
    closeFaultClients(everyone);
    await stopAll();
  });

  it("moves the node's clients with only the planned disconnect, loses nothing, exits 0 within 25 s", async () => {
    const clients = await connectFaultClients(fleet.proxy.url, 16);
    const sender = await connectFaultClient(fleet.nodeUrl("node-2"), ["websocket"]);
    everyone.push(...clients, sender);
    await warmUp([...clients, sender].map((c) => c.socket));
    const nodesBefore = await Promise.all(clients.map(nodeOf));
    const leaving = clients.filter((_, i) => nodesBefore[i] === "node-1");
    assert.ok(leaving.length >= 6, `${leaving.length} clients on node-1`);

    for (const c of clients) c.run = "drain";
    const ticker = startTicker(sender.socket, "drain", 50);
    await sleep(500);
    const node1 = fleet.nodes[0];
    const termAt = Date.now();
    const exited = terminate(node1.process, "SIGTERM", 30_000).then((code) => ({
      code,
      exitMs: Date.now() - termAt,
    }));
    // While node-1 drains (listening, /readyz 503, new sessions refused with 503), a handshake
    // whose sticky cookie still names it is re-routed by HAProxy (retry-on 503), not refused.
    await sleep(300);
    const pinned = await fetch(`${fleet.proxy.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { cookie: `${proxyCookieName(fleet.spec)}=node-1` },
    });
    assert.equal(pinned.status, 200, "a handshake pinned to the draining node");
    assert.match(pinned.headers.getSetCookie().join(), /=node-[23];/, "re-pinned elsewhere");
    await pinned.text();
    const { code, exitMs } = await exited;
    await waitFor("node-1's clients to reconnect", () => leaving.every((c) => c.socket.connected));
    await sleep(500);
    const sent = await ticker.stop();
    await waitForDeliveries(clients, 0, sent);

    const moved = leaving.map((c) => c.connects.at(-1)! - termAt);
    console.log(
      `      node-1 exited with ${code} ${exitMs} ms after SIGTERM; its ${leaving.length} clients ` +
        `reconnected ${Math.min(...moved)}–${Math.max(...moved)} ms after it`,
    );
    assert.equal(code, 0, "exit code after a clean drain");
    assert.ok(
      exitMs <= APP_DRAIN_SECONDS * 1000,
      `node-1 exited ${exitMs} ms after SIGTERM (bound: ${APP_DRAIN_SECONDS} s)`,
    );
    for (const [i, c] of clients.entries()) {
      const what = `client ${i} (${c.transports.join("+")}, was on ${nodesBefore[i]})`;
      assert.deepEqual(c.errors, [], `${what}: connection errors`);
      assert.ok(!c.agent.statuses.some((s) => s >= 500), `${what}: statuses ${c.agent.statuses}`);
      assert.deepEqual(sequenceProblems(c, 0, sent), [], what);
      assert.equal(c.received.length, sent, `${what}: exactly once`);
      if (!leaving.includes(c)) {
        assert.deepEqual(c.disconnects, [], `${what}: not disconnected`);
        continue;
      }
      assert.deepEqual(
        c.disconnects.map((d) => d.reason),
        ["transport close"],
        `${what}: only the planned disconnect`,
      );
      assert.notEqual(await nodeOf(c), "node-1", `${what}: moved`);
      assert.equal(c.socket.recovered, true, `${what}: recovered`);
    }
  });
});
