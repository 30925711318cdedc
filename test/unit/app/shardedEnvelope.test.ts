/**
 * The bytes Redis sends each receiving node for one room broadcast, counted exactly on a raw
 * RESP connection to a real redis-server (what it writes to a subscriber is Redis's egress per
 * receipt): the classic adapter (PSUBSCRIBE, msgpack), the stock sharded adapter (SSUBSCRIBE,
 * JSON of the whole cluster message) and ours (`shardedAdapter.ts`). Deterministic: the uids are
 * of fixed length, the payload is fixed.
 *
 * Also the compact format itself: what it leaves out and that it decodes to the same message.
 */
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import { createShardedAdapter } from "@socket.io/redis-adapter";
import { type AdapterFactory, createAdapterSetup } from "../../../app/src/adapter";
import { createLogger } from "../../../app/src/logger";
import { decodeCompact, encodeCompact } from "../../../app/src/shardedAdapter";
import { requireBinary } from "../../helpers/binaries";
import { waitFor } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";

const logger = createLogger({ nodeId: "envelope", logLevel: "silent" });
/** The demo protocol's message: `{ nodeId, payload }`. */
const message = { nodeId: "node-a", payload: { text: "hello" } };
/** `["message",{"nodeId":"node-a","payload":{"text":"hello"}}]`: the event's own bytes. */
const EVENT_JSON_BYTES = JSON.stringify(["message", message]).length;

/** A raw RESP connection: sends one command, then counts every byte Redis writes to it. */
async function rawSubscriber(
  redis: RedisServer,
  command: string[],
): Promise<{ bytes(): Buffer; close(): void }> {
  const socket: Socket = connect(redis.port, "127.0.0.1");
  let received = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  const encode = (args: string[]) =>
    `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
  socket.write(encode(["AUTH", redis.password]) + encode(command));
  await waitFor(`${command[0]} confirmed`, () => received.toString().includes(command[1]));
  received = Buffer.alloc(0);
  return { bytes: () => received, close: () => socket.destroy() };
}

describe("app redis-sharded envelope: Redis egress per receipt of one room broadcast", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  const cleanups: (() => unknown)[] = [];

  before(async function () {
    redis = await startRedis(requireBinary(this, "redis-server", "redis-server"));
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await redis?.stop();
  });

  /** Bytes one receipt of `io.to("room-1").emit("message", message)` costs. */
  const receiptBytes = async (adapter: AdapterFactory, subscribe: string[]): Promise<Buffer> => {
    const io = new Server({ adapter });
    cleanups.push(() => io.of("/").adapter.close());
    const subscriber = await rawSubscriber(redis, subscribe);
    cleanups.push(() => subscriber.close());
    await sleep(300); // the adapter's own subscriptions
    io.to("room-1").emit("message", message);
    await waitFor("one receipt", () => subscriber.bytes().includes("hello"));
    await sleep(200); // nothing more arrives
    return subscriber.bytes();
  };

  it("classic 172 B, stock sharded 243 B (1.41×), ours 130 B (0.76× classic, 0.53× stock)", async () => {
    const classic = createAdapterSetup(
      { adapter: "redis", redisUrl: redis.url },
      logger,
      () => undefined,
    );
    cleanups.push(() => classic.close());
    const classicBytes = await receiptBytes(classic.adapter!, ["PSUBSCRIBE", "socket.io#/#*"]);

    const pub = new Redis(redis.url);
    const sub = pub.duplicate();
    cleanups.push(
      () => pub.disconnect(),
      () => sub.disconnect(),
    );
    const stockBytes = await receiptBytes(createShardedAdapter(pub, sub) as AdapterFactory, [
      "SSUBSCRIBE",
      "socket.io#/#room-1#",
    ]);

    const ours = createAdapterSetup(
      { adapter: "redis-sharded", redisUrl: redis.url, redisSubscriptionMode: "dynamic" },
      logger,
      () => undefined,
    );
    cleanups.push(() => ours.close());
    const oursBytes = await receiptBytes(ours.adapter!, ["SSUBSCRIBE", "socket.io#/#room-1#"]);

    // The frames, uid masked (classic: 6 characters; sharded: 16 hex).
    const shown = (bytes: Buffer) => bytes.toString("latin1");
    assert.match(
      shown(stockBytes),
      /^\*3\r\n\$8\r\nsmessage\r\n\$19\r\nsocket\.io#\/#room-1#\r\n\$191\r\n\{"type":3,"data":\{"packet":\{"type":2,"data":\["message",\{"nodeId":"node-a","payload":\{"text":"hello"\}\}\]\},"opts":\{"rooms":\["room-1"\],"except":\[\],"flags":\{\}\}\},"uid":"[0-9a-f]{16}","nsp":"\/"\}\r\n$/,
    );
    assert.match(
      shown(oursBytes),
      /^\*3\r\n\$8\r\nsmessage\r\n\$19\r\nsocket\.io#\/#room-1#\r\n\$79\r\n\["[0-9a-f]{16}",\["message",\{"nodeId":"node-a","payload":\{"text":"hello"\}\}\]\]\r\n$/,
    );
    assert.match(
      shown(classicBytes),
      /^\*4\r\n\$8\r\npmessage\r\n\$13\r\nsocket\.io#\/#\*\r\n\$19\r\nsocket\.io#\/#room-1#\r\n\$100\r\n/,
    );
    assert.deepEqual([classicBytes.length, stockBytes.length, oursBytes.length], [172, 243, 130]);
    // Envelope beyond the event's own JSON (58 bytes): stock 185, ours 72.
    assert.equal(EVENT_JSON_BYTES, 58);
  });
});

describe("app redis-sharded compact broadcast format", () => {
  const uid = "0123456789abcdef";
  const data = ["message", { text: "hi" }];
  const ns = "socket.io#/#";

  it("leaves out the room a room channel names, and empty except/flags", () => {
    const encoded = encodeCompact(
      uid,
      { packet: { type: 2, data }, opts: { rooms: ["r"], except: [], flags: {} } },
      true,
    );
    assert.equal(encoded, '["0123456789abcdef",["message",{"text":"hi"}]]');
    assert.deepEqual(decodeCompact(Buffer.from(encoded), `${ns}r#`, ns, "/"), {
      uid,
      nsp: "/",
      type: 3,
      data: { packet: { type: 2, data }, opts: { rooms: ["r"], except: [], flags: {} } },
    });
  });

  it("keeps rooms on the namespace channel, and except/flags when set", () => {
    const opts = {
      rooms: ["a", "b"],
      except: ["x"],
      flags: { volatile: true, compress: undefined },
    };
    const encoded = encodeCompact(uid, { packet: { type: 2, data }, opts }, false);
    assert.equal(
      encoded,
      '["0123456789abcdef",["message",{"text":"hi"}],["a","b"],["x"],{"volatile":true}]',
    );
    assert.deepEqual(decodeCompact(Buffer.from(encoded), ns, ns, "/")?.data, {
      packet: { type: 2, data },
      opts: { rooms: ["a", "b"], except: ["x"], flags: { volatile: true } },
    });
    // Everyone (no room) except one room, on a room channel: the 0 placeholder keeps positions.
    const exceptOnly = encodeCompact(
      uid,
      { packet: { type: 2, data }, opts: { rooms: ["r"], except: ["x"] } },
      true,
    );
    assert.equal(exceptOnly, '["0123456789abcdef",["message",{"text":"hi"}],0,["x"]]');
    assert.deepEqual(decodeCompact(Buffer.from(exceptOnly), `${ns}r#`, ns, "/")?.data, {
      packet: { type: 2, data },
      opts: { rooms: ["r"], except: ["x"], flags: {} },
    });
    const toAll = encodeCompact(
      uid,
      { packet: { type: 2, data }, opts: { rooms: [], except: [] } },
      false,
    );
    assert.equal(toAll, '["0123456789abcdef",["message",{"text":"hi"}]]');
    assert.deepEqual(decodeCompact(Buffer.from(toAll), ns, ns, "/")?.data, {
      packet: { type: 2, data },
      opts: { rooms: [], except: [], flags: {} },
    });
  });

  it("drops what it cannot read instead of delivering it", () => {
    assert.equal(decodeCompact(Buffer.from("[1,2"), ns, ns, "/"), undefined);
    assert.equal(decodeCompact(Buffer.from("[1,[]]"), ns, ns, "/"), undefined);
    assert.equal(decodeCompact(Buffer.from('["u","x"]'), ns, ns, "/"), undefined);
  });
});
