/**
 * `REDIS_MODE=cluster` while no cluster node answers: the publisher `Cluster` never becomes
 * ready, and broadcasts are refused at once and counted (`boundClusterQueues` with 0, as for the
 * pub/sub adapters on one Redis), never queued and never rejected unhandled; the node is not
 * ready and `socketio_redis_connected` says 0 for both roles.
 */
import assert from "node:assert/strict";
import { Cluster } from "ioredis";
import { Server } from "socket.io";
import { createAdapterSetup } from "../../../app/src/adapter";
import { createLogger } from "../../../app/src/logger";
import { freePort } from "../../helpers/ports";
import { waitFor } from "../../helpers/processes";

describe("app redis-sharded on an unreachable cluster", function () {
  this.timeout(20_000);
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  before(() => process.on("unhandledRejection", onRejection));
  after(() => process.off("unhandledRejection", onRejection));

  it("refuses and counts every broadcast, queues none, never rejects unhandled", async () => {
    const port = await freePort(); // nothing listens there
    let errors = 0;
    let dropped = 0;
    const setup = createAdapterSetup(
      {
        adapter: "redis-sharded",
        redisMode: "cluster",
        redisSubscriptionMode: "dynamic",
        redisUrl: `redis://:pw@127.0.0.1:${port}`,
      },
      createLogger({ nodeId: "cluster-queue", logLevel: "silent" }),
      () => (errors += 1),
      () => (dropped += 1),
    );
    const io = new Server({ adapter: setup.adapter });
    try {
      await waitFor("a failed connection attempt", () => errors > 0);
      assert.deepEqual(
        setup.roles.map((r) => [r.role, r.client instanceof Cluster]),
        [
          ["publisher", true],
          ["subscriber", true],
        ],
      );
      for (let i = 0; i < 100; i++) io.to("room-1").emit("message", { seq: i });
      await new Promise((r) => setTimeout(r, 100));
      const publisher = setup.roles[0].client as unknown as { offlineQueue: { length: number } };
      assert.equal(publisher.offlineQueue.length, 0, "queued commands");
      assert.equal(dropped, 100, "refused broadcasts counted");
      assert.equal(setup.isReady(), false);
      assert.equal(setup.connectedOnce(), false);
      assert.deepEqual(
        setup.roles.map((r) => r.ready()),
        [false, false],
      );
      assert.deepEqual(rejections, [], "no unhandled rejection");
    } finally {
      io.of("/").adapter.close();
      await setup.close(100);
    }
  });
});
