/**
 * Slot migration under traffic on a real Redis Cluster (engine, `redis-sharded`,
 * `REDIS_MODE=cluster`): `redis-cli --cluster reshard` moves the slots of some rooms' channels
 * from one master to another while room messages flow. Redis unsubscribes the clients of a
 * moved slot (an unsolicited SUNSUBSCRIBE) and the subscriber must SSUBSCRIBE again on the new
 * owner; elsewhere such subscriptions have died silently (zishang520/socket.io PR #182). Here:
 * no subscription is lost (every node's subscription delivers again within 10 s of the
 * migration, then exactly once), no message is ever delivered twice, and rooms on slots that
 * did not move lose nothing. Pub/sub has no replay: what is published to a moving slot in the
 * gap before the resubscription is lost, and the test prints how much.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { LocalFleet } from "../../../app/local/fleet";
import { closeClients } from "../../helpers/socketClients";
import { stopAll } from "../../helpers/processes";
import {
  duplicates,
  exactProblems,
  exactRound,
  resumeAfter,
  roomClients,
  roomsWhere,
  sendRoom,
  serves,
  startClusterFleet,
} from "./clusterRooms";

/** Slots moved: the source's first 300, which the rooms that move are chosen from. */
const MOVED_SLOTS = 300;

describe("Redis Cluster: slot migration under traffic (engine, redis-sharded, REDIS_MODE=cluster)", function () {
  this.timeout(120_000);
  let fleet: LocalFleet | undefined;
  afterEach(async () => {
    closeClients();
    await fleet?.stop();
    fleet = undefined;
    await stopAll();
  });

  it("reshard the slots of live rooms: no subscription lost, no duplicate, unmoved rooms exactly once", async function () {
    fleet = await startClusterFleet(this, 3, "never");
    const cluster = fleet.redisCluster!;
    const view = await cluster.whenHealthy(20_000);
    const [source, target] = view.filter((n) => n.role === "master");
    const first = Number(source.slots[0].split("-")[0]);
    const moving = await roomsWhere(fleet, "m", 3, (s) => s >= first && s < first + MOVED_SLOTS);
    const staying = await roomsWhere(fleet, "s", 3, (s) => !serves(source, s));
    const clients = await roomClients(fleet, [...moving, ...staying]);
    assert.deepEqual(await exactRound(clients, "before", 10), [], "exactly once before");

    // Traffic on every room during the whole migration, one message per room every 20 ms.
    const sent = new Map<string, number[]>([...moving, ...staying].map((r) => [r, []]));
    let traffic = true;
    const sending = (async () => {
      for (let seq = 0; traffic; seq++) {
        for (const room of sent.keys()) {
          const members = clients.filter((c) => c.room === room);
          sendRoom(members[seq % members.length], "during", seq);
          sent.get(room)!.push(seq);
        }
        await sleep(20);
      }
    })();
    await sleep(500);
    const started = Date.now();
    await cluster.reshard(source.name, target.name, MOVED_SLOTS);
    const migratedMs = Date.now() - started;
    const moved = await cluster.topology();
    const targetNow = moved.find((n) => n.name === target.name)!;
    assert.ok(
      targetNow.slots.includes(`${first}-${first + MOVED_SLOTS - 1}`),
      `${target.name} serves the moved slots: ${targetNow.slots}`,
    );
    await sleep(500);
    traffic = false;
    await sending;
    await sleep(1000);

    const stayingProblems = exactProblems(
      clients.filter((c) => staying.includes(c.room)),
      "during",
      sent,
    );
    assert.deepEqual(stayingProblems, [], "rooms on slots that did not move: exactly once");
    const lost = exactProblems(
      clients.filter((c) => moving.includes(c.room)),
      "during",
      sent,
    );
    console.log(
      `      reshard of ${MOVED_SLOTS} slots took ${migratedMs} ms; moving rooms' clients ` +
        `with a gap: ${lost.length}/${moving.length * fleet.nodes.length}${lost.length > 0 ? `\n        ${lost.join("\n        ")}` : ""}`,
    );

    // Every node's subscription of every moved room delivers again, then exactly once.
    const resumedMs = await resumeAfter(clients, moving, "probe", 10_000);
    console.log(`      every subscription delivering again ${resumedMs} ms after the reshard`);
    assert.deepEqual(await exactRound(clients, "after", 20), [], "exactly once after");
    assert.deepEqual(duplicates(clients), [], "no duplicate at any time");
  });
});
