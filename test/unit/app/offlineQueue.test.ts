/**
 * While Redis is unreachable (nothing listens on its port), broadcasts never crash the process
 * and what the publisher keeps is bounded: `redis-streams` queues up to 10,000 XADDs (measured
 * here in bytes per queued broadcast) and refuses the rest, `redis` queues no PUBLISH; both count
 * what they refuse.
 */
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Server } from "socket.io";
import { createAdapterSetup, STREAMS_OFFLINE_QUEUE_MAX } from "../../../app/src/adapter";
import { createLogger } from "../../../app/src/logger";
import { freePort } from "../../helpers/ports";
import { waitFor } from "../../helpers/processes";

// A real collection before each heap reading, even without `node --expose-gc`: otherwise the
// figure includes garbage, and under load it swings by kilobytes per broadcast.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const logger = createLogger({ nodeId: "offline", logLevel: "silent" });
/** A chat-sized message: the demo protocol's `{ nodeId, payload }`. */
const message = { nodeId: "offline", payload: { text: "x".repeat(100), seq: 0 } };

for (const adapter of ["redis-streams", "redis"] as const) {
  describe(`app adapter while Redis is unreachable (${adapter})`, function () {
    this.timeout(30_000);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    let io: Server | undefined;
    let close: (() => Promise<void>) | undefined;

    before(() => process.on("unhandledRejection", onRejection));
    after(async () => {
      process.off("unhandledRejection", onRejection);
      io?.close();
      await close?.();
    });

    it("bounds the publisher's queue, counts what it refuses, and never rejects unhandled", async () => {
      const port = await freePort(); // nothing listens there
      let errors = 0;
      let dropped = 0;
      const setup = createAdapterSetup(
        { adapter, redisUrl: `redis://127.0.0.1:${port}` },
        logger,
        () => (errors += 1),
        () => (dropped += 1),
      );
      close = () => setup.close(100);
      io = new Server({ adapter: setup.adapter, ...setup.serverOptions });
      await waitFor("a failed connection attempt", () => errors > 0);
      const publisher = setup.publisher!;
      const queue = () =>
        (publisher as unknown as { offlineQueue: { length: number } }).offlineQueue;

      const max = adapter === "redis" ? 0 : STREAMS_OFFLINE_QUEUE_MAX;
      const sent = STREAMS_OFFLINE_QUEUE_MAX + 2000;
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      for (let i = 0; i < sent; i++) io.emit("message", { ...message, seq: i });
      await new Promise((r) => setTimeout(r, 200));
      gc();
      const heapAfter = process.memoryUsage().heapUsed;

      assert.equal(queue().length, max, "queued commands");
      assert.equal(dropped, sent - max, "refused commands counted");
      assert.equal(setup.isReady(), false);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(rejections, [], "no unhandled rejection");
      if (max > 0) {
        const perBroadcast = (heapAfter - heapBefore) / max;
        console.log(
          `      ${max} queued broadcasts: heap +${((heapAfter - heapBefore) / 1048576).toFixed(1)} MB ` +
            `(${Math.round(perBroadcast)} B each, a ${JSON.stringify(message).length}-byte message)`,
        );
        assert.ok(perBroadcast < 4096, `${perBroadcast} B per queued broadcast`);
      }
    });
  });
}
