/**
 * The in-cluster Valkey's memory and persistence lines (`redisConfig` in
 * `components/kubernetes/redis.ts`) on a real server: Debian's redis-server (Valkey forked from
 * Redis 7.2 and reads the same directives), on a loopback port of its own through the engine's
 * Redis, which adds the rendered lines after its own (later directives win). Shows what a restart
 * loses without a volume, what the append-only file keeps with one, and what `noeviction` does
 * when memory is full: writes refused with an OOM error, publishing still delivered.
 */
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { redisConfig } from "../../../components/kubernetes/redis";
import { requireBinary } from "../../helpers/binaries";
import { type RedisServer, startRedis } from "../../helpers/redisServer";

/** The rendered lines this test is about (the engine sets port, password, bind and dir). */
function memoryAndPersistence(persistent: boolean): string[] {
  return redisConfig("unused", 6379, persistent)
    .split("\n")
    .filter((line) => /^(maxmemory|save|appendonly)/.test(line));
}

describe("in-cluster Valkey config on a real server (memory, persistence, noeviction)", function () {
  this.timeout(30_000);
  const started: { server: RedisServer; client: Redis }[] = [];
  let binary: string;

  before(function () {
    binary = requireBinary(this, "redis-server");
  });

  async function start(persistent: boolean) {
    const server = await startRedis(binary, {
      extraConfig: memoryAndPersistence(persistent),
    });
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    started.push({ server, client });
    return { server, client };
  }

  after(async () => {
    for (const { server, client } of started) {
      client.disconnect();
      await server.stop();
    }
  });

  it("the lines are the ones rendered", () => {
    assert.deepEqual(memoryAndPersistence(false), [
      "maxmemory 201326592",
      "maxmemory-policy noeviction",
      'save ""',
      "appendonly no",
    ]);
  });

  it("without a volume: the server takes the limits, and a restart comes back empty", async () => {
    const { server, client } = await start(false);
    assert.deepEqual(await client.config("GET", "maxmemory"), ["maxmemory", "201326592"]);
    assert.deepEqual(await client.config("GET", "maxmemory-policy"), [
      "maxmemory-policy",
      "noeviction",
    ]);
    assert.deepEqual(await client.config("GET", "save"), ["save", ""]);
    assert.deepEqual(await client.config("GET", "appendonly"), ["appendonly", "no"]);
    await client.xadd("socket.io", "MAXLEN", "~", "10000", "*", "packet", "x");
    await client.set("sio:session:abc", "{}", "EX", 120);
    assert.equal(await client.dbsize(), 2);
    await server.restart();
    await waitReady(client);
    assert.equal(await client.dbsize(), 0, "the stream and the sessions are gone");
  });

  it("with a volume: the append-only file keeps the stream across a restart", async () => {
    const { server, client } = await start(true);
    assert.deepEqual(await client.config("GET", "maxmemory"), ["maxmemory", "134217728"]);
    assert.deepEqual(await client.config("GET", "appendonly"), ["appendonly", "yes"]);
    await client.xadd("socket.io", "*", "packet", "x");
    await server.restart();
    await waitReady(client);
    assert.equal(await client.xlen("socket.io"), 1);
  });

  it("noeviction: when full, XADD and SET are refused with OOM; PUBLISH still goes out", async () => {
    const { client } = await start(false);
    await client.set("sio:session:abc", "{}", "EX", 120);
    // Below what the server already uses: as full as it can be.
    await client.config("SET", "maxmemory", "1");
    await assert.rejects(client.xadd("socket.io", "*", "packet", "x"), /^ReplyError: OOM /);
    await assert.rejects(client.set("sio:session:def", "{}"), /^ReplyError: OOM /);
    assert.equal(await client.publish("socket.io#/#", "x"), 0, "published (no subscriber)");
    assert.equal(await client.exists("sio:session:abc"), 1, "nothing was evicted");
  });
});

/** Waits until the client has reconnected after a restart. */
async function waitReady(client: Redis): Promise<void> {
  for (let i = 0; i < 100 && client.status !== "ready"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(client.status, "ready");
}
