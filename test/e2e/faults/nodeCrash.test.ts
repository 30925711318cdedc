/**
 * Faults on one node, 3 nodes + redis-server + HAProxy (cookie stickiness, the rendered config),
 * 32 reconnecting clients (16 per transport set) and a sender broadcasting a numbered run every
 * 50 ms from a surviving node:
 * - SIGKILL: every client is connected again and receiving within 3 s, and no client sees a 503
 *   (every HTTP status of every request is recorded); with `redis-streams` the clients of the
 *   killed node recover their session on another node (`socket.recovered`) and every client has
 *   every broadcast exactly once, in order (`recoverySessions.ts`);
 * - `redis-streams`: every connected client's session is in Redis (TTL 2 min), and deleted when
 *   the client disconnects on purpose;
 * - `redis-streams`, transport cut for 2 s on the same node: every missed broadcast, in order,
 *   no duplicates, `socket.recovered === true`.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { MAX_DISCONNECTION_DURATION_MS } from "../../../app/src/adapter";
import { SESSION_KEY_PREFIX } from "../../../app/src/recoverySessions";
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
  sequenceProblems,
  startFaultFleet,
  startTicker,
  waitForDeliveries,
} from "../../helpers/faultFleet";
import { warmUp } from "../../helpers/broadcast";

/** The acceptance bound: connected again and receiving this soon after the kill. */
const RESUME_WITHIN_MS = 3000;
const CLIENTS_PER_TRANSPORT_SET = 16;

for (const adapter of ["redis", "redis-streams"] as Adapter[]) {
  describe(`faults: one node fails, ${adapter}, 3 nodes behind HAProxy, ${2 * CLIENTS_PER_TRANSPORT_SET} clients`, function () {
    this.timeout(60_000);
    let fleet: FaultFleet;
    const everyone: FaultClient[] = [];

    before(async function () {
      fleet = await startFaultFleet(requireFaultBinaries(this), adapter);
    });
    after(async () => {
      closeFaultClients(everyone);
      await stopAll();
    });

    if (adapter === "redis-streams") {
      it("keeps each connected client's session in Redis, deletes it on a clean disconnect", async () => {
        const clients = await connectFaultClients(fleet.proxy.url, 2);
        everyone.push(...clients);
        const redis = new Redis(fleet.redis.url, { maxRetriesPerRequest: 1 });
        try {
          const keyOf = (c: FaultClient) =>
            SESSION_KEY_PREFIX + (c.socket as unknown as { _pid: string })._pid;
          await waitFor("a session key per client", async () => {
            const ttls = await Promise.all(clients.map((c) => redis.pttl(keyOf(c))));
            return ttls.every((ttl) => ttl > 0);
          });
          for (const c of clients) {
            const ttl = await redis.pttl(keyOf(c));
            assert.ok(ttl > 100_000 && ttl <= MAX_DISCONNECTION_DURATION_MS, `TTL ${ttl} ms`);
          }
          const [leaving, staying] = [clients[0], clients[1]];
          leaving.socket.disconnect(); // deliberate: the client will not try to recover
          await waitFor(
            "the key to be deleted",
            async () => (await redis.exists(keyOf(leaving))) === 0,
          );
          assert.equal(await redis.exists(keyOf(staying)), 1);
        } finally {
          redis.disconnect();
          closeFaultClients(clients);
        }
      });

      it("transport cut for 2 s, back on the same node: every missed broadcast in order, recovered", async () => {
        // Directly on node-3, reconnecting exactly 2 s after the cut.
        const clients = await connectFaultClients(
          fleet.nodeUrl("node-3"),
          CLIENTS_PER_TRANSPORT_SET,
          {
            reconnectionDelay: 2000,
            randomizationFactor: 0,
          },
        );
        const sender = await connectFaultClient(fleet.nodeUrl("node-2"), ["websocket"]);
        everyone.push(...clients, sender);
        await warmUp([...clients, sender].map((c) => c.socket));
        const ids = clients.map((c) => c.socket.id);
        for (const c of clients) c.run = "cut";
        const ticker = startTicker(sender.socket, "cut", 50);
        await sleep(300);
        for (const c of clients) c.socket.io.engine.close();
        await sleep(1000);
        assert.ok(
          clients.every((c) => !c.socket.connected),
          "every transport is cut",
        );
        await waitFor("every client to reconnect", () => clients.every((c) => c.socket.connected));
        await sleep(300);
        const sent = await ticker.stop();
        await waitForDeliveries(clients, 0, sent);
        for (const [i, c] of clients.entries()) {
          const what = `client ${i} (${c.transports.join("+")})`;
          assert.equal(c.socket.recovered, true, `${what}: recovered`);
          assert.equal(c.socket.id, ids[i], `${what}: same session id`);
          assert.equal(await nodeOf(c), "node-3", `${what}: same node`);
          assert.deepEqual(sequenceProblems(c, 0, sent), [], what);
          assert.equal(c.received.length, sent, `${what}: exactly once`);
          const gap = c.disconnects[0] && c.connects[1] - c.disconnects[0].at;
          assert.ok(gap >= 1900, `${what}: disconnected ${gap} ms`);
        }
        closeFaultClients([...clients, sender]);
      });
    }

    it(
      "SIGKILL one node: every client connected again and receiving within 3 s, no 503" +
        (adapter === "redis-streams" ? "; its clients recover every missed broadcast" : ""),
      async () => {
        const clients = await connectFaultClients(fleet.proxy.url, CLIENTS_PER_TRANSPORT_SET);
        const sender = await connectFaultClient(fleet.nodeUrl("node-2"), ["websocket"]);
        everyone.push(...clients, sender);
        await warmUp([...clients, sender].map((c) => c.socket));
        const nodesBefore = await Promise.all(clients.map(nodeOf));
        const victims = clients.filter((_, i) => nodesBefore[i] === "node-1");
        assert.ok(victims.length >= 6, `${victims.length} clients on node-1`);
        for (const t of [["polling", "websocket"], ["websocket"]]) {
          assert.ok(
            victims.some((v) => v.transports.join() === t.join()),
            `node-1 has ${t.join("+")} clients`,
          );
        }

        for (const c of clients) c.run = "crash";
        const ticker = startTicker(sender.socket, "crash", 50);
        await sleep(500);
        const killedAt = Date.now();
        const firstAfterKill = ticker.sentAt.length;
        const node1 = fleet.nodes[0];
        node1.process.child.kill("SIGKILL");
        await node1.process.exited;

        // Receiving again: the first broadcast sent after the kill has arrived.
        const resumedAt = (c: FaultClient) =>
          c.received.find((r) => r.seq >= firstAfterKill && r.at >= killedAt)?.at;
        await waitFor(
          "every client to receive a broadcast sent after the kill",
          () => clients.every((c) => resumedAt(c) !== undefined && c.socket.connected),
          { timeoutMs: 10_000 },
        ).catch((err: Error) => {
          const stuck = clients.filter((c) => resumedAt(c) === undefined);
          throw new Error(
            `${err.message}: ${stuck.length} stuck, e.g. ` +
              stuck
                .slice(0, 3)
                .map(
                  (c) => `${c.transports.join("+")} ${JSON.stringify(c.disconnects)} ${c.errors}`,
                )
                .join(" | "),
          );
        });
        await sleep(500);
        const sent = await ticker.stop();
        await waitForDeliveries(
          clients.filter((c) => adapter === "redis-streams" || !victims.includes(c)),
          0,
          sent,
        );

        const delays = clients.map((c) => resumedAt(c)! - killedAt);
        const victimDelays = victims.map((c) => resumedAt(c)! - killedAt);
        console.log(
          `      after SIGKILL: node-1's ${victims.length} clients receiving again in ` +
            `${Math.min(...victimDelays)}–${Math.max(...victimDelays)} ms, all ${clients.length} within ${Math.max(...delays)} ms`,
        );
        for (const [i, c] of clients.entries()) {
          const what = `client ${i} (${c.transports.join("+")}, was on ${nodesBefore[i]})`;
          assert.ok(
            delays[i] <= RESUME_WITHIN_MS,
            `${what}: receiving again ${delays[i]} ms after the kill (bound: ${RESUME_WITHIN_MS} ms)`,
          );
          assert.ok(!c.agent.statuses.includes(503), `${what} saw a 503: ${c.agent.statuses}`);
          assert.ok(c.socket.connected, `${what}: connected`);
        }
        const statuses = clients.flatMap((c) => c.agent.statuses);
        console.log(`      HTTP statuses seen by the clients: ${histogram(statuses)}`);

        for (const [i, c] of clients.entries()) {
          const what = `client ${i} (${c.transports.join("+")}, was on ${nodesBefore[i]})`;
          if (!victims.includes(c)) {
            assert.deepEqual(c.disconnects, [], `${what}: not disconnected`);
            assert.deepEqual(sequenceProblems(c, 0, sent), [], what);
            continue;
          }
          assert.notEqual(await nodeOf(c), "node-1", `${what}: moved`);
          if (adapter === "redis-streams") {
            assert.equal(c.socket.recovered, true, `${what}: recovered on another node`);
            assert.deepEqual(sequenceProblems(c, 0, sent), [], `${what}: zero loss`);
            assert.equal(c.received.length, sent, `${what}: exactly once`);
          } else {
            const resumed = c.received.find((r) => r.at >= killedAt)!.seq;
            assert.deepEqual(sequenceProblems(c, resumed, sent), [], `${what}: after resuming`);
          }
        }
      },
    );
  });
}

function histogram(values: number[]): string {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([v, n]) => `${v}×${n}`)
    .join(", ");
}
