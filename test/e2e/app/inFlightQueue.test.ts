/**
 * The publisher's commands awaiting a reply are bounded like its offline queue: against a real
 * redis-server frozen with SIGSTOP (the connection stays "ready" until the socket timeout
 * notices), broadcasts beyond `REDIS_IN_FLIGHT_MAX` are refused, counted, and never reject
 * unhandled; after SIGCONT the connection serves again. A pipeline longer than the bound (the
 * recovery sessions' refresh writes one per namespace) is never cut: it completes.
 */
import assert from "node:assert/strict";
import { Server } from "socket.io";
import { createAdapterSetup } from "../../../app/src/adapter";
import { createLogger } from "../../../app/src/logger";
import { REDIS_IN_FLIGHT_MAX } from "../../../app/src/offlineQueue";
import { requireBinary } from "../../helpers/binaries";
import { stopAll, waitFor } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";

const logger = createLogger({ nodeId: "in-flight", logLevel: "silent" });

for (const adapter of ["redis", "redis-streams"] as const) {
  describe(`app publisher's in-flight commands while Redis is frozen (${adapter})`, function () {
    this.timeout(30_000);
    let redis: RedisServer;
    let io: Server | undefined;
    let close: (() => Promise<void>) | undefined;
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);

    before(async function () {
      redis = await startRedis(requireBinary(this, "redis-server"));
      process.on("unhandledRejection", onRejection);
    });
    after(async () => {
      process.off("unhandledRejection", onRejection);
      if (redis.process.child.exitCode === null) redis.process.child.kill("SIGCONT");
      io?.close();
      await close?.();
      await stopAll();
    });

    it(`completes a pipeline of more than ${REDIS_IN_FLIGHT_MAX} commands`, async () => {
      const setup = createAdapterSetup({ adapter, redisUrl: redis.url }, logger, () => undefined);
      // Closing the adapter first stops the streams reader's loop (as `FleetServer.close` does).
      const server = new Server({ adapter: setup.adapter, ...setup.serverOptions });
      try {
        await waitFor("every connection ready", () => setup.isReady());
        // This checks that the in-flight bound does not block a pipeline longer than it, not the
        // publisher's 1 s command timeout: 10,050 replies can take longer than 1 s on a loaded
        // machine (seen at 0.4-1.0 s beside other test runs, and over it once).
        setup.publisher!.options.commandTimeout = 30_000;
        const pipeline = setup.publisher!.pipeline();
        const count = REDIS_IN_FLIGHT_MAX + 50;
        for (let i = 0; i < count; i++) pipeline.set(`pipeline-test:${i}`, "x", "EX", 60);
        const results = await Promise.race([
          pipeline.exec(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error("the pipeline never completed")), 10_000).unref(),
          ),
        ]);
        assert.equal(results?.length, count);
        assert.deepEqual(
          results?.filter(([err]) => err !== null),
          [],
          "every command of the pipeline succeeded",
        );
      } finally {
        await server.of("/").adapter.close();
        await setup.close(100);
      }
    });

    it(`refuses broadcasts beyond ${REDIS_IN_FLIGHT_MAX} unanswered commands, counted`, async () => {
      let dropped = 0;
      const setup = createAdapterSetup(
        { adapter, redisUrl: redis.url },
        logger,
        () => undefined,
        () => (dropped += 1),
      );
      close = () => setup.close(100);
      io = new Server({ adapter: setup.adapter, ...setup.serverOptions });
      await waitFor("every connection ready", () => setup.isReady());
      const publisher = setup.publisher!;
      const inFlight = () =>
        (publisher as unknown as { commandQueue: { length: number } }).commandQueue.length;

      process.kill(redis.process.child.pid!, "SIGSTOP");
      const extra = 500;
      for (let i = 0; i < REDIS_IN_FLIGHT_MAX + extra; i++) io.emit("message", { seq: i });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(publisher.status, "ready", "not detected yet (socket timeout 10 s)");
      assert.equal(inFlight(), REDIS_IN_FLIGHT_MAX, "commands awaiting a reply");
      assert.ok(dropped >= extra, `refused commands counted (${dropped})`);

      process.kill(redis.process.child.pid!, "SIGCONT");
      await waitFor("the publisher to answer again", () =>
        publisher.ping().then((pong) => pong === "PONG"),
      );
      assert.deepEqual(rejections, [], "no unhandled rejection");
    });
  });
}
