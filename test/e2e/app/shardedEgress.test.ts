/**
 * Redis egress per delivery at 8 nodes, `redis-sharded` against `redis`: one room of 4 clients on
 * 4 of 8 in-process nodes, 200 broadcasts from a fifth node, every delivery counted exactly, and
 * the bytes Redis wrote meanwhile read from `INFO stats` (`total_net_output_bytes`) of a
 * redis-server of its own. The classic adapter's message reaches all 8 nodes (PSUBSCRIBE); the
 * sharded one reaches the 4 nodes holding the room (`dynamic`), with a smaller envelope
 * (`shardedAdapter.ts`). The target: sharded ≤ 0.5× classic. Byte counts, not timing: the only
 * other traffic is a 7-byte PONG per connection per 5 s and the INFO replies.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import type { Socket } from "socket.io-client";
import { allExactly } from "../../helpers/deliveries";
import { requireBinary } from "../../helpers/binaries";
import { stopAll } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";
import {
  countRoomMessages,
  roomClient,
  type RoomNode,
  startRoomNodes,
  warmRoom,
} from "../../helpers/roomNodes";
import { closeClients } from "../../helpers/socketClients";

const BROADCASTS = 200;
const MEMBERS = 4;

describe("app Redis egress per delivery at 8 nodes: redis-sharded ≤ 0.5× redis", function () {
  this.timeout(120_000);
  const perDelivery: Record<string, number> = {};
  afterEach(closeClients);
  after(stopAll);

  for (const adapter of ["redis", "redis-sharded"] as const) {
    it(`measures ${adapter}`, async function () {
      const redis = await startRedis(requireBinary(this, "redis-server", "redis-server"));
      const admin = new Redis(redis.url);
      let nodes: RoomNode[] = [];
      try {
        nodes = await startRoomNodes(
          Array.from({ length: 8 }, (_, i) => `${adapter}-${i}`),
          { SOCKETIO_ADAPTER: adapter, REDIS_SUBSCRIPTION_MODE: "dynamic", REDIS_URL: redis.url },
        );
        const members: Socket[] = [];
        for (const node of nodes.slice(0, MEMBERS))
          members.push(await roomClient(node, ["room-x"]));
        const sender = await roomClient(nodes[MEMBERS], []);
        await warmRoom(sender, "room-x", members);

        const outputBytes = async () =>
          Number(/total_net_output_bytes:(\d+)/.exec(await admin.info("stats"))![1]);
        const before = await outputBytes();
        const counters = countRoomMessages(
          members,
          "egress",
          members.map(() => BROADCASTS),
        );
        for (let index = 0; index < BROADCASTS; index++) {
          sender.emit("to-room", { room: "room-x", run: "egress", index });
        }
        await allExactly(counters, { timeoutMs: 30_000, settleMs: 300 });
        const bytes = (await outputBytes()) - before;
        perDelivery[adapter] = bytes / (BROADCASTS * MEMBERS);
        console.log(
          `      ${adapter}: ${perDelivery[adapter].toFixed(1)} B of Redis egress per delivery`,
        );
      } finally {
        await Promise.all(nodes.map((n) => n.fleet.close()));
        admin.disconnect();
        await redis.stop();
      }
    });
  }

  it("redis-sharded sends at most half the bytes of redis per delivery", () => {
    assert.ok(perDelivery.redis > 0 && perDelivery["redis-sharded"] > 0, "both measured");
    // Classic: 8 receipts × 172 B per broadcast of 4 deliveries (344 B); ours 4 × 130 B (130 B).
    assert.ok(perDelivery.redis >= 344, `redis ${perDelivery.redis} B`);
    const ratio = perDelivery["redis-sharded"] / perDelivery.redis;
    assert.ok(ratio <= 0.5, `redis-sharded/redis = ${ratio.toFixed(3)}`);
  });
});
