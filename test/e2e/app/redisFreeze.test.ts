/**
 * A frozen Redis (`SIGSTOP` on a real redis-server: the kernel still accepts and acknowledges
 * bytes, nothing answers, as with a stalled host) under two real `main.js` nodes, for each
 * adapter. While frozen: same-node messages keep echoing, `/readyz` stays 200, and
 * `socketio_redis_connected` drops to 0 for every role within 20 s (PING + socket timeout,
 * `app/src/redisOptions.ts`; before, nothing noticed for ~15 minutes). After `SIGCONT`:
 * cross-node broadcasts flow again within 5 s, and every broadcast sent after the resume
 * arrives exactly once at every client; none sent during the freeze arrives twice.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { Socket } from "socket.io-client";
import { type AppNode, assertAppBuilt, startAppNode } from "../../helpers/appNodes";
import { requireBinary } from "../../helpers/binaries";
import { warmUp } from "../../helpers/broadcast";
import { fetchMetrics, metricByLabel } from "../../helpers/metricsText";
import { stopAll, waitFor, waitForHttp } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import { type ClientOptions, closeClients, connectClient } from "../../helpers/socketClients";

/** The bounds. */
const DETECTED_WITHIN_MS = 20_000;
const CROSS_NODE_AGAIN_WITHIN_MS = 5_000;
/** A same-node echo slower than this during the freeze counts as a stall. */
const ECHO_BOUND_MS = 2_500;

const WS: ClientOptions = { transports: ["websocket"] };

interface Received {
  run: string;
  seq: number;
  at: number;
}

for (const adapter of ["redis", "redis-streams"] as const) {
  describe(`app: Redis frozen (SIGSTOP) under 2 main.js nodes, ${adapter}`, function () {
    this.timeout(90_000);
    let redis: RedisServer;
    let nodes: AppNode[];
    const received = new Map<Socket, Received[]>();

    before(async function () {
      const binary = requireBinary(this, "redis-server", "redis-server");
      assertAppBuilt();
      redis = await startRedis(binary);
      nodes = await Promise.all(
        ["a", "b"].map((id) =>
          startAppNode(`freeze-${id}`, { SOCKETIO_ADAPTER: adapter, REDIS_URL: redis.url }),
        ),
      );
      await Promise.all(nodes.map((n) => waitForHttp(`${n.url}/readyz`, { watch: n.process })));
    });
    after(async () => {
      closeClients();
      if (redis.process.child.exitCode === null) redis.process.child.kill("SIGCONT");
      await stopAll();
    });

    const connectRecording = async (node: AppNode, options: ClientOptions) => {
      const socket = await connectClient(node.url, options);
      const log: Received[] = [];
      received.set(socket, log);
      socket.on("message", (m: { payload: { run?: string; seq?: number } | null }) => {
        const { run, seq } = m.payload ?? {};
        if (run !== undefined && seq !== undefined) log.push({ run, seq, at: Date.now() });
      });
      return socket;
    };
    const roleGauges = async (node: AppNode) =>
      metricByLabel(await fetchMetrics(node.metricsUrl), "socketio_redis_connected", "role");
    const seqs = (socket: Socket, run: string) =>
      received
        .get(socket)!
        .filter((r) => r.run === run)
        .map((r) => r.seq);

    it("detects the freeze, keeps same-node echo, and delivers exactly once after SIGCONT", async () => {
      const [a, b] = nodes;
      const senders = [await connectRecording(a, WS), await connectRecording(a, {})];
      const [sender] = senders;
      const remote = [await connectRecording(b, WS), await connectRecording(b, {})];
      await warmUp([...senders, ...remote]);
      for (const node of nodes) {
        const gauges = Object.values(await roleGauges(node));
        assert.ok(gauges.length >= 2 && gauges.every((v) => v === 1), `${node.process.name}`);
      }

      const redisPid = redis.process.child.pid!;
      process.kill(redisPid, "SIGSTOP");
      const frozenAt = Date.now();

      // While frozen: one message every 500 ms from node a; each must echo on node a promptly.
      const echoDelays: number[] = [];
      let seq = 0;
      let detectedAfter: number | undefined;
      while (detectedAfter === undefined && Date.now() - frozenAt < DETECTED_WITHIN_MS + 2000) {
        const n = seq++;
        const sentAt = Date.now();
        sender.emit("message", { run: "frozen", seq: n });
        await waitFor(
          `same-node echo of frozen #${n}`,
          () => senders.every((s) => seqs(s, "frozen").includes(n)),
          { timeoutMs: ECHO_BOUND_MS, intervalMs: 20 },
        );
        echoDelays.push(Date.now() - sentAt);
        const gauges = await Promise.all(nodes.map(roleGauges));
        if (gauges.every((g) => Object.values(g).every((v) => v === 0))) {
          detectedAfter = Date.now() - frozenAt;
        }
        await sleep(500);
      }
      const sentFrozen = seq;
      console.log(
        `      every role disconnected on both nodes ${detectedAfter} ms after SIGSTOP; ` +
          `same-node echo during the freeze: max ${Math.max(...echoDelays)} ms over ${sentFrozen}`,
      );
      assert.ok(
        detectedAfter !== undefined && detectedAfter <= DETECTED_WITHIN_MS,
        `socketio_redis_connected dropped ${detectedAfter} ms after SIGSTOP (bound ${DETECTED_WITHIN_MS} ms)`,
      );
      for (const node of nodes) {
        assert.equal((await fetch(`${node.url}/readyz`)).status, 200, `${node.process.name} ready`);
      }

      process.kill(redisPid, "SIGCONT");
      const resumedAt = Date.now();
      // A broadcast every 100 ms from node a until node b's clients receive one.
      let afterSeq = 0;
      const ticker = setInterval(
        () => sender.emit("message", { run: "after", seq: afterSeq++ }),
        100,
      );
      try {
        await waitFor(
          "a cross-node broadcast after SIGCONT",
          () => remote.every((s) => seqs(s, "after").length > 0),
          { timeoutMs: CROSS_NODE_AGAIN_WITHIN_MS + 1000, intervalMs: 20 },
        );
      } finally {
        clearInterval(ticker);
      }
      const crossNodeAfter = Date.now() - resumedAt;
      console.log(`      cross-node again ${crossNodeAfter} ms after SIGCONT`);
      assert.ok(
        crossNodeAfter <= CROSS_NODE_AGAIN_WITHIN_MS,
        `cross-node ${crossNodeAfter} ms after SIGCONT (bound ${CROSS_NODE_AGAIN_WITHIN_MS} ms)`,
      );

      // Then an exact run: every client gets each of these exactly once, in order.
      const count = 30;
      for (let i = 0; i < count; i++) {
        sender.emit("message", { run: "exact", seq: i });
        await sleep(20);
      }
      const everyone = [...senders, ...remote];
      await waitFor(
        `${count} exact broadcasts at every client`,
        () => everyone.every((s) => seqs(s, "exact").length >= count),
        { timeoutMs: 10_000 },
      );
      await sleep(1000); // a duplicate arriving late must still fail
      const expected = Array.from({ length: count }, (_, i) => i);
      for (const [i, socket] of everyone.entries()) {
        assert.deepEqual(seqs(socket, "exact"), expected, `client ${i}: exactly once, in order`);
        const afterSeqs = seqs(socket, "after");
        assert.equal(new Set(afterSeqs).size, afterSeqs.length, `client ${i}: "after" duplicated`);
        const frozen = seqs(socket, "frozen");
        assert.equal(new Set(frozen).size, frozen.length, `client ${i}: "frozen" duplicated`);
      }
      for (const socket of senders) {
        assert.equal(seqs(socket, "frozen").length, sentFrozen, "same-node: every frozen one");
      }
      for (const node of nodes) {
        await waitFor(`${node.process.name}: every role connected`, async () =>
          Object.values(await roleGauges(node)).every((v) => v === 1),
        );
        assert.equal(node.process.child.exitCode, null, `${node.process.name} exited`);
      }
    });
  });
}
