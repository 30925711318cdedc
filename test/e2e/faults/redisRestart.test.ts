/**
 * Fault: redis-server stops for about 5 s and comes back empty (no persistence), under 3 nodes
 * behind HAProxy with 32 clients (16 per transport set), for each adapter. No node exits,
 * `/readyz` stays 200 (the nodes were connected once: readiness no longer follows Redis, or every
 * node would leave the balancer at once), `socketio_redis_connected` drops to 0 and is 1 again
 * within 2 s of Redis accepting connections, no client is
 * disconnected, broadcasts after the outage reach every client exactly once, and broadcasts sent
 * during it are delivered after it (`redis-streams`) or reach the sender's node only and are
 * counted as dropped (`redis`, pub/sub). Node memory during the outage is reported.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { fetchMetrics, metricByLabel, metricValue } from "../../helpers/metricsText";
import { stopAll, waitFor } from "../../helpers/processes";
import {
  type Adapter,
  type FaultClient,
  type FaultFleet,
  closeFaultClients,
  connectFaultClient,
  connectFaultClients,
  nodeOf,
  requireFaultBinaries,
  rssOf,
  sequenceProblems,
  startFaultFleet,
  startTicker,
  waitForDeliveries,
} from "../../helpers/faultFleet";
import { warmUp } from "../../helpers/broadcast";

const OUTAGE_MS = 5000;
/** The acceptance bound: connected again this soon after Redis returns. */
const READY_WITHIN_MS = 2000;

for (const adapter of ["redis", "redis-streams"] as Adapter[]) {
  describe(`faults: redis-server restart (${OUTAGE_MS / 1000} s outage), ${adapter}, 3 nodes behind HAProxy`, function () {
    this.timeout(90_000);
    let fleet: FaultFleet;
    let clients: FaultClient[] = [];
    let sender: FaultClient | undefined;
    let stopProbing = async () => undefined;

    before(async function () {
      const binaries = requireFaultBinaries(this);
      fleet = await startFaultFleet(binaries, adapter);
      clients = await connectFaultClients(fleet.proxy.url, 16);
      await warmUp(clients.map((c) => c.socket));
    });
    after(async () => {
      await stopProbing();
      closeFaultClients(sender ? [...clients, sender] : clients);
      await stopAll();
    });

    it("keeps every node up, ready and every client connected; reconnected within 2 s of Redis returning; exact broadcasts after", async () => {
      // The sender talks to node-1 directly: its messages must reach everyone through Redis.
      sender = await connectFaultClient(fleet.nodeUrl("node-1"), ["websocket"]);
      assert.equal(await nodeOf(sender), "node-1");
      const node1Pid = fleet.nodes[0].process.child.pid!;
      const rssBefore = await rssOf(node1Pid);

      // Poll every node's /readyz and Redis gauge all along and keep each answer with its time.
      const probes = new Map<string, { at: number; status: number; connected?: boolean }[]>();
      let probing = true;
      const prober = Promise.all(
        fleet.nodes.map(async (node) => {
          const log: { at: number; status: number; connected?: boolean }[] = [];
          probes.set(node.name, log);
          while (probing) {
            const status = await fetch(`${fleet.nodeUrl(node.name)}/readyz`, {
              signal: AbortSignal.timeout(1000),
            }).then(
              (r) => r.status,
              () => 0,
            );
            const gauge = await fetchMetrics(`http://127.0.0.1:${node.metricsPort}`).then(
              (text) => metricByLabel(text, "socketio_redis_connected", "role"),
              () => ({}),
            );
            const values = Object.values(gauge);
            const connected = values.length === 0 ? undefined : values.every((v) => v === 1);
            log.push({ at: Date.now(), status, connected });
            await sleep(50);
          }
        }),
      );

      // Stopped by the `after` hook too: a failed assertion must not leave mocha running.
      stopProbing = async () => {
        probing = false;
        await prober;
      };
      const outageRun = `outage-${adapter}`;
      for (const c of [...clients, sender]) c.run = outageRun;
      let rssDuring = 0;
      const restarted = fleet.redis.restart(OUTAGE_MS);
      // Broadcast while Redis is down (once every node reports it disconnected): 10 every 100 ms.
      await waitFor("every node to report Redis disconnected", () =>
        fleet.nodes.every((n) => probes.get(n.name)?.at(-1)?.connected === false),
      );
      const outageTicker = startTicker(sender.socket, outageRun, 100);
      const flood = setInterval(() => {
        for (let i = 0; i < 9; i++) sender!.socket.emit("message", { flood: i });
      }, 100).unref();
      await sleep(OUTAGE_MS - 1500);
      clearInterval(flood);
      const sentDuringOutage = await outageTicker.stop();
      rssDuring = await rssOf(node1Pid);
      await restarted;
      const redisBackAt = Date.now();

      await waitFor(
        "every node to report Redis connected again",
        () =>
          fleet.nodes.every((n) =>
            probes.get(n.name)!.some((p) => p.at >= redisBackAt && p.connected === true),
          ),
        { timeoutMs: 10_000 },
      );
      await stopProbing();

      for (const node of fleet.nodes) {
        const log = probes.get(node.name)!;
        assert.ok(
          log.some((p) => p.at < redisBackAt && p.connected === false),
          `${node.name}: socketio_redis_connected never dropped during the outage`,
        );
        assert.deepEqual(
          log.filter((p) => p.status !== 200 && p.status !== 0),
          [],
          `${node.name}: /readyz left 200 during the outage`,
        );
        assert.ok(
          !log.some((p) => p.status === 0),
          `${node.name}: /readyz did not answer at some point (crashed?)`,
        );
        const readyAt = log.find((p) => p.at >= redisBackAt && p.connected === true)!.at;
        const delay = readyAt - redisBackAt;
        console.log(
          `      ${node.name}: Redis connected ${delay} ms after it accepted connections`,
        );
        assert.ok(
          delay <= READY_WITHIN_MS,
          `${node.name}: connected again ${delay} ms after Redis returned (bound: ${READY_WITHIN_MS} ms)`,
        );
        assert.equal(node.process.child.exitCode, null, `${node.name} exited`);
        assert.equal(node.process.child.signalCode, null, `${node.name} was killed`);
      }
      console.log(
        `      node-1 RSS ${mb(rssBefore)} before the outage, ${mb(rssDuring)} after ` +
          `${sentDuringOutage * 10} broadcasts sent during it`,
      );

      const dropped = metricValue(
        await fetchMetrics(`http://127.0.0.1:${fleet.nodes[0].metricsPort}`),
        "socketio_redis_commands_dropped_total",
      );
      const local = clients.filter((c) => c.connects.length > 0);
      if (adapter === "redis-streams") {
        // Queued while down, published when Redis returned: every client gets all, in order.
        await waitForDeliveries([...clients, sender], 0, sentDuringOutage, 15_000);
        for (const [i, c] of [...clients, sender].entries()) {
          assert.deepEqual(sequenceProblems(c, 0, sentDuringOutage), [], `client ${i}`);
        }
        assert.equal(dropped, 0, "no broadcast dropped (the queue holds 10,000)");
      } else {
        // Pub/sub: nothing queued; the sender's own node delivered them locally, and counted.
        assert.ok(dropped !== undefined && dropped >= 1, `dropped publishes counted (${dropped})`);
        assert.equal(
          sender.received.length,
          sentDuringOutage,
          "the sender's node delivered locally",
        );
      }
      assert.ok(local.length === clients.length);

      // After the outage: a new run reaches every client exactly once, in order.
      const afterRun = `after-${adapter}`;
      for (const c of [...clients, sender]) {
        c.run = afterRun;
        c.received.length = 0;
      }
      const after = startTicker(sender.socket, afterRun, 50);
      await sleep(1000);
      const sentAfter = await after.stop();
      await waitForDeliveries([...clients, sender], 0, sentAfter);
      for (const [i, c] of [...clients, sender].entries()) {
        assert.deepEqual(sequenceProblems(c, 0, sentAfter), [], `client ${i} after the outage`);
        assert.equal(c.received.length, sentAfter, `client ${i}: exactly once`);
      }

      // Nobody was disconnected by the outage, and no HTTP error reached a client.
      for (const [i, c] of clients.entries()) {
        assert.deepEqual(c.disconnects, [], `client ${i} (${c.transports.join("+")})`);
        assert.deepEqual(c.errors, [], `client ${i}`);
        assert.ok(!c.agent.statuses.some((s) => s >= 500), `client ${i}: ${c.agent.statuses}`);
      }
    });
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
