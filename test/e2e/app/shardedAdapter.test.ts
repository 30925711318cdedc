/**
 * `SOCKETIO_ADAPTER=redis-sharded` on one real standalone redis-server (SSUBSCRIBE needs Redis
 * ≥ 7), for each `REDIS_SUBSCRIPTION_MODE`: three in-process nodes deliver room broadcasts and
 * 1:1 messages (a socket-id room) exactly once, to members only, from any node.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { Socket } from "socket.io-client";
import { requireBinary } from "../../helpers/binaries";
import { stopAll } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";
import {
  expectRoomDeliveries,
  roomClient,
  type RoomNode,
  startRoomNodes,
  warmRoom,
} from "../../helpers/roomNodes";
import { closeClients } from "../../helpers/socketClients";

for (const mode of ["static", "dynamic", "dynamic-private"] as const) {
  describe(`app redis-sharded on standalone Redis, REDIS_SUBSCRIPTION_MODE=${mode}`, function () {
    this.timeout(60_000);
    let nodes: RoomNode[];
    let admin: Redis;

    before(async function () {
      const binary = requireBinary(this, "redis-server", "redis-server");
      const redis = await startRedis(binary);
      admin = new Redis(redis.url);
      nodes = await startRoomNodes([`${mode}-a`, `${mode}-b`, `${mode}-c`], {
        SOCKETIO_ADAPTER: "redis-sharded",
        REDIS_SUBSCRIPTION_MODE: mode,
        REDIS_URL: redis.url,
      });
    });
    afterEach(closeClients);
    after(async () => {
      await Promise.all(nodes.map((n) => n.fleet.close()));
      admin.disconnect();
      await stopAll();
    });

    it("delivers room broadcasts from every node exactly once, to members only", async () => {
      // room-ab on nodes a and b, room-c on node c only; one client in no room on each node.
      const membership = [["room-ab"], ["room-ab"], ["room-ab", "room-c"], [], [], []];
      const homes = [0, 1, 2, 0, 1, 2];
      const clients: Socket[] = [];
      for (const [i, rooms] of membership.entries()) {
        clients.push(await roomClient(nodes[homes[i]], rooms));
      }
      await warmRoom(clients[3], "room-ab", clients.slice(0, 3));
      await warmRoom(clients[4], "room-c", [clients[2]]);
      // The mode is in force: a channel per public room (dynamic), per socket too (private).
      const channels = (await admin.pubsub("SHARDCHANNELS")) as string[];
      assert.equal(channels.includes("socket.io#/#room-ab#"), mode !== "static");
      assert.equal(channels.includes(`socket.io#/#${clients[0].id}#`), mode === "dynamic-private");
      assert.ok(channels.includes("socket.io#/#"));
      const counters = await expectRoomDeliveries(clients, membership, [
        [clients[0], "room-ab"],
        [clients[4], "room-ab"],
        [clients[5], "room-ab"],
        [clients[3], "room-c"],
        [clients[2], "room-c"],
      ]);
      assert.deepEqual(
        counters.map((c) => c.calls.length),
        [3, 3, 5, 0, 0, 0],
      );
      assert.deepEqual(counters[2].calls.map((m) => `${m.room}<${m.from}`).sort(), [
        `room-ab<${mode}-a`,
        `room-ab<${mode}-b`,
        `room-ab<${mode}-c`,
        `room-c<${mode}-a`,
        `room-c<${mode}-c`,
      ]);
    });

    it("answers an acknowledged room broadcast from every member on every node", async () => {
      const members = await Promise.all(nodes.map((node) => roomClient(node, ["room-ask"])));
      members.forEach((socket, i) => socket.on("ask", (ack: (id: string) => void) => ack(`m${i}`)));
      const asker = await roomClient(nodes[0], []);
      await warmRoom(asker, "room-ask", members);
      const replies = (await asker.timeout(10_000).emitWithAck("ask-room", "room-ask")) as string[];
      assert.deepEqual([...replies].sort(), ["m0", "m1", "m2"]);
    });

    it("delivers a message to one socket (its socket-id room) on another node exactly once", async () => {
      const target = await roomClient(nodes[2], []);
      const sender = await roomClient(nodes[0], []);
      const bystander = await roomClient(nodes[1], []);
      await warmRoom(sender, target.id!, [target]);
      await expectRoomDeliveries(
        [target, sender, bystander],
        [[target.id!], [], []],
        [
          [sender, target.id!],
          [bystander, target.id!],
        ],
      );
    });
  });
}
