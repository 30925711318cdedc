/**
 * `recoverySessions.ts` against a real redis-server, in process (`redis-streams`, refreshed every
 * 300 ms here): the key of a connected client is written again every interval (its TTL never
 * runs down), rewritten when the socket joins a room (a crash after the join restores the room),
 * and rewritten for every connected client once Redis is back after a restart that lost it.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { FleetServer } from "../../../app/src/index";
import { inProcessNode } from "../../helpers/inProcessNode";
import { MAX_DISCONNECTION_DURATION_MS } from "../../../app/src/adapter";
import { SESSION_KEY_PREFIX } from "../../../app/src/recoverySessions";
import { requireBinary } from "../../helpers/binaries";
import { stopAll, waitFor } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import { closeClients, connectClient } from "../../helpers/socketClients";

const REFRESH_MS = 300;

describe("recovery sessions kept in Redis while connected (in process, redis-streams)", function () {
  this.timeout(30_000);
  let redisServer: RedisServer;
  let fleet: FleetServer;
  let redis: Redis;
  let base: string;

  before(async function () {
    redisServer = await startRedis(requireBinary(this, "redis-server"));
    fleet = inProcessNode(
      "sessions",
      { SOCKETIO_ADAPTER: "redis-streams", REDIS_URL: redisServer.url },
      { recoverySessions: { refreshIntervalMs: REFRESH_MS } },
    );
    fleet.io.on("connection", (socket) => {
      socket.on("join", (room: string, ack: () => void) => {
        void socket.join(room);
        ack();
      });
    });
    base = `http://127.0.0.1:${await fleet.listen()}`;
    await waitFor("Redis ready", () => fleet.readiness().ready);
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on("error", () => undefined); // the restart below refuses it for a moment
  });
  after(async () => {
    closeClients();
    redis?.disconnect();
    await fleet?.close();
    await stopAll();
  });

  const keyOf = (socket: unknown) => SESSION_KEY_PREFIX + (socket as { _pid: string })._pid;
  /** The stored session, read back the way a recovering node reads it. */
  const restored = async (socket: unknown) => {
    const adapter = fleet.io.of("/").adapter as unknown as {
      restoreSession(pid: string, offset: string): Promise<{ rooms: string[] } | undefined>;
    };
    const pid = (socket as { _pid: string })._pid;
    const offset = await redis.xadd("socket.io", "*", "probe", "1"); // any existing offset
    return adapter.restoreSession(pid, offset!);
  };

  it("refreshes the key every interval, so its TTL never runs down", async () => {
    const socket = await connectClient(base, { transports: ["websocket"] });
    await waitFor("the session key", async () => (await redis.pttl(keyOf(socket))) > 0);
    for (let i = 0; i < 4; i++) {
      await sleep(REFRESH_MS);
      const ttl = await redis.pttl(keyOf(socket));
      assert.ok(
        ttl > MAX_DISCONNECTION_DURATION_MS - 2 * REFRESH_MS,
        `TTL ${ttl} ms after ${(i + 1) * REFRESH_MS} ms`,
      );
    }
  });

  it("rewrites the session when the socket joins a room", async () => {
    const socket = await connectClient(base, { transports: ["websocket"] });
    await socket.timeout(2000).emitWithAck("join", "room-42");
    await waitFor("the room in the stored session", async () => {
      const session = await restored(socket);
      return session?.rooms.includes("room-42");
    });
  });

  it("rewrites every connected client's session after a Redis restart lost them", async () => {
    const sockets = await Promise.all([1, 2, 3].map(() => connectClient(base)));
    await waitFor("3 keys", async () =>
      (await Promise.all(sockets.map((s) => redis.exists(keyOf(s))))).every((n) => n === 1),
    );
    await redisServer.restart(500); // no persistence: every key is gone
    await waitFor(
      "the keys to be written again",
      async () =>
        (await Promise.all(sockets.map((s) => redis.exists(keyOf(s))))).every((n) => n === 1),
      { timeoutMs: 10_000 },
    );
  });
});
