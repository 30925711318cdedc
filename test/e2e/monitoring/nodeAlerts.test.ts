/**
 * The node-level alerts with a real Prometheus scraping a real fleet through the engine
 * (`startMonitoredFleet`, alert durations × 0.1: `for: 300s` → 30 s), both in one fleet whose
 * capacity is 2 connections per node (`connectionsPerNode: 2`):
 * - SocketIoClientsAboveCapacity: 3 clients on node-1 fire it for node-1 alone after its `for`;
 *   once they disconnect it clears;
 * - SocketIoNodeNotReady: a node added with a Redis URL nobody answers never becomes ready (it
 *   stays up and scraped, `socketio_ready` 0) and fires it after its `for`; removed, it clears.
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import { resolveFleetSpec } from "../../../components/shared";
import { ALERT_NAMES } from "../../../components/shared/alerts";
import type { LocalFleet } from "../../../app/local/fleet";
import { closeAllClients, connectClient } from "../../helpers/clients";
import {
  AlertWatch,
  TEST_TIME_SCALE,
  requireMonitoringBinaries,
  startMonitoredFleet,
} from "../../helpers/monitoring";
import { stopAll } from "../../helpers/processes";

const FOR_MS = 300_000 * TEST_TIME_SCALE;
const FIRING_WITHIN_MS = FOR_MS + 20_000;

describe("monitoring: the node alerts on a real fleet and a real Prometheus", function () {
  this.timeout(120_000);
  let fleet: LocalFleet;

  before(async function () {
    const binaries = requireMonitoringBinaries(this);
    fleet = await startMonitoredFleet(
      binaries,
      resolveFleetSpec({ image: "local", replicas: 2, connectionsPerNode: 2 }),
    );
  });
  after(async () => {
    closeAllClients();
    await fleet?.stop();
    await stopAll();
  });

  it("above capacity on node-1 and a node that never gets ready: each fires after its for for that node, and clears", async () => {
    const capacity = new AlertWatch(fleet, ALERT_NAMES.clientsAboveCapacity).start();
    const notReady = new AlertWatch(fleet, ALERT_NAMES.nodeNotReady).start();
    try {
      await capacity.until("inactive", 15_000);
      await notReady.until("inactive", 15_000);
      const since = Date.now();
      const sockets: Socket[] = [];
      for (let i = 0; i < 3; i++) {
        sockets.push(await connectClient(fleet.node("node-1").url, { transports: ["websocket"] }));
      }
      // Nothing listens on port 1: the node keeps retrying and stays unready.
      const stuck = await fleet.addNode({
        waitReady: false,
        extraEnv: { REDIS_URL: "redis://127.0.0.1:1" },
      });

      const [above, unready] = await Promise.all([
        capacity.until("firing", FIRING_WITHIN_MS),
        notReady.until("firing", FIRING_WITHIN_MS),
      ]);
      assert.deepEqual(
        above.alerts.map((a) => a.labels.node),
        ["node-1"],
      );
      assert.deepEqual(
        unready.alerts.map((a) => a.labels.node),
        [stuck.name],
      );
      for (const watch of [capacity, notReady]) {
        const pendingAt = watch.firstSeen("pending", since);
        assert.ok(pendingAt !== undefined, watch.history());
        assert.ok(watch.firstSeen("firing", since)! - pendingAt >= FOR_MS - 1000, watch.history());
      }

      for (const socket of sockets) socket.disconnect();
      await fleet.removeNode(stuck.name);
      await Promise.all([capacity.until("inactive", 15_000), notReady.until("inactive", 15_000)]);
    } finally {
      capacity.stop();
      notReady.stop();
    }
  });
});
