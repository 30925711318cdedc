/**
 * The in-cluster Valkey's memory and persistence lines (`redisConfig` in
 * `components/kubernetes/redis.ts`) on a real server: Debian's redis-server (Valkey forked from
 * Redis 7.2 and reads the same directives), on a loopback port of its own through the engine's
 * Redis, which adds the rendered lines after its own (later directives win). Shows what a restart
 * loses without a volume, what the append-only file keeps with one, and what `noeviction` does
 * when memory is full: writes refused with an OOM error, publishing still delivered.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { redisService } from "../../../app/local/redis";
import { redisConfig } from "../../../components/kubernetes/redis";
import { findBinary, requireBinary } from "../../helpers/binaries";
import { freePort } from "../../helpers/ports";
import { type RedisServer, redisServerOf, startRedis } from "../../helpers/redisServer";

/** The rendered lines this test is about (the engine sets port, password, bind and dir). */
function memoryAndPersistence(persistent: boolean): string[] {
  return redisConfig("unused", 6379, persistent)
    .split("\n")
    .filter((line) => /^(maxmemory|save|append|dbfilename)/.test(line));
}

describe("in-cluster Valkey config on a real server (memory, persistence, noeviction)", function () {
  this.timeout(30_000);
  const started: { server: RedisServer; client: Redis }[] = [];
  let binary: string;

  before(function () {
    binary = requireBinary(this, "redis-server");
  });

  async function start(persistent: boolean, dir?: string) {
    const server =
      dir === undefined
        ? await startRedis(binary, { extraConfig: memoryAndPersistence(persistent) })
        : await startIn(dir, memoryAndPersistence(persistent));
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on("error", () => undefined); // refused while a test restarts the server
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

  it("with a volume Redis left files on, Valkey starts empty beside them instead of refusing them", async () => {
    // A Redis append-only file and snapshot under Redis's default names, as the former default
    // image left them on the volume (Valkey cannot read a Redis 7.4 one: it would exit).
    const dir = mkdtempSync(join(tmpdir(), "sio-volume-"));
    const redis = await startIn(dir, ["appendonly yes", "save 3600 1"]);
    const old = new Redis(redis.url);
    await old.set("left-by-redis", "1");
    await old.save();
    old.disconnect();
    await redis.stop();
    const { client } = await start(true, dir);
    assert.equal(await client.dbsize(), 0, "neither appendonlydir/ nor dump.rdb was read");
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

/** The engine's Redis in a given data directory (a volume that outlives the server). */
async function startIn(dir: string, extraConfig: string[]): Promise<RedisServer> {
  const binary = findBinary("redis-server");
  assert.ok(binary, "redis-server");
  const service = redisService({
    binary,
    dir,
    port: await freePort(),
    extraConfig,
    restart: "never",
  });
  service.process.start();
  await service.process.whenReady();
  return redisServerOf(service);
}

/** Waits until the client has reconnected after a restart. */
async function waitReady(client: Redis): Promise<void> {
  for (let i = 0; i < 100 && client.status !== "ready"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(client.status, "ready");
}
