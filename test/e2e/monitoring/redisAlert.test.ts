/**
 * SocketIoRedisDisconnected (and SocketIoRedisMemoryHigh) with a real Prometheus scraping a real
 * fleet through the engine (`startMonitoredFleet`: what `npm start -- --monitoring` runs), alert
 * durations × 0.1
 * (`for: 60s` → 6 s):
 * - redis-server killed: the alert goes pending, then firing for every node and role, after its
 *   `for`; redis-server started again on its port: the nodes reconnect and it clears;
 * - redis-server frozen (SIGSTOP: nothing answers, the kernel still accepts bytes): the nodes
 *   notice within 20 s (PING + socket timeout) and it fires; SIGCONT: it clears.
 * Control: with Redis up it stays inactive.
 * And SocketIoRedisMemoryHigh through the redis exporter: `maxmemory` set just above the used
 * memory (ratio ≈ 0.9) fires it after its `for` (× 0.1: 30 s); `maxmemory 0` (no limit) clears it.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { ALERT_NAMES, REDIS_MEMORY_RATIO_LIMIT } from "../../../components/shared/alerts";
import type { LocalFleet } from "../../../app/local/fleet";
import {
  AlertWatch,
  TEST_TIME_SCALE,
  queryValues,
  requireMonitoringBinaries,
  startMonitoredFleet,
} from "../../helpers/monitoring";
import { stopAll } from "../../helpers/processes";

/** `for` of the alert at the test time scale, ms. */
const FOR_MS = 60_000 * TEST_TIME_SCALE;
/** A killed Redis is seen at once; a frozen one within 20 s (`redisFreeze.test.ts`). */
const FIRING_AFTER_KILL_MS = 30_000;
const FIRING_AFTER_FREEZE_MS = 45_000;
/** The nodes reconnect within seconds (ioredis backoff), then one scrape and one evaluation. */
const CLEARED_WITHIN_MS = 30_000;

describe("monitoring: the Redis alerts on a real fleet and a real Prometheus", function () {
  this.timeout(180_000);
  let fleet: LocalFleet;
  let watch: AlertWatch;

  before(async function () {
    const binaries = requireMonitoringBinaries(this);
    fleet = await startMonitoredFleet(binaries);
    watch = new AlertWatch(fleet, ALERT_NAMES.redisDisconnected).start();
  });
  afterEach(async () => {
    // Whatever a test left frozen or stopped must not break the next one.
    const redis = fleet?.redis?.process;
    redis?.kill("SIGCONT");
    if (redis !== undefined && !["running", "starting"].includes(redis.state)) {
      redis.start();
      await redis.whenReady();
    }
  });
  after(async () => {
    watch?.stop();
    await fleet?.stop();
    await stopAll();
  });

  it("control: with Redis up the alert stays inactive over twice its for", async () => {
    await watch.until("inactive", 15_000);
    const since = Date.now();
    await sleep(2 * FOR_MS);
    assert.equal(watch.firstSeen("pending", since), undefined, watch.history());
    assert.equal(watch.last?.state, "inactive");
  });

  it("redis-server killed: pending, firing after its for on every node, cleared after a restart", async () => {
    const killedAt = Date.now();
    fleet.redis!.process.kill("SIGKILL");
    const firing = await watch.until("firing", FIRING_AFTER_KILL_MS);
    const pendingAt = watch.firstSeen("pending", killedAt);
    const firingAt = watch.firstSeen("firing", killedAt);
    assert.ok(pendingAt !== undefined, `never seen pending: ${watch.history()}`);
    assert.ok(
      firingAt! - pendingAt >= FOR_MS - 1000,
      `firing ${firingAt! - pendingAt} ms after pending, before its for: ${watch.history()}`,
    );
    // Every node's series, each after its own for.
    await watch.untilFiringOn(["node-1", "node-2", "node-3"], 10_000);
    assert.equal(firing.labels.severity, "critical");

    fleet.redis!.process.start();
    await fleet.redis!.process.whenReady();
    await watch.until("inactive", CLEARED_WITHIN_MS);
  });

  it("redis-server frozen (SIGSTOP): firing after its for; SIGCONT: cleared", async () => {
    await watch.until("inactive", CLEARED_WITHIN_MS);
    const frozenAt = Date.now();
    fleet.redis!.process.kill("SIGSTOP");
    await watch.until("firing", FIRING_AFTER_FREEZE_MS);
    const pendingAt = watch.firstSeen("pending", frozenAt);
    const firingAt = watch.firstSeen("firing", frozenAt);
    assert.ok(pendingAt !== undefined, `never seen pending: ${watch.history()}`);
    assert.ok(firingAt! - pendingAt >= FOR_MS - 1000, watch.history());

    fleet.redis!.process.kill("SIGCONT");
    await watch.until("inactive", CLEARED_WITHIN_MS);
  });

  it("SocketIoRedisMemoryHigh: maxmemory just above the used memory fires it after its for; no limit clears it", async () => {
    await watch.until("inactive", CLEARED_WITHIN_MS);
    const memory = new AlertWatch(fleet, ALERT_NAMES.redisMemoryHigh).start();
    const redis = new Redis(fleet.redis!.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await memory.until("inactive", 15_000);
      const info = await redis.info("memory");
      const used = Number(/^used_memory:(\d+)/m.exec(info)![1]);
      // Ratio ≈ 0.9: above the limit, below 1 (where Redis would refuse writes).
      await redis.config("SET", "maxmemory", String(Math.round(used / 0.9)));
      const since = Date.now();
      await memory.until("firing", 300_000 * TEST_TIME_SCALE + 20_000);
      const [ratio] = await queryValues(
        fleet,
        'redis_memory_used_bytes{job="redis"} / redis_memory_max_bytes{job="redis"}',
      );
      assert.ok(ratio > REDIS_MEMORY_RATIO_LIMIT && ratio < 1, `ratio ${ratio}`);
      const pendingAt = memory.firstSeen("pending", since);
      assert.ok(pendingAt !== undefined, memory.history());
      assert.ok(memory.firstSeen("firing", since)! - pendingAt >= 300_000 * TEST_TIME_SCALE - 1000);

      await redis.config("SET", "maxmemory", "0");
      await memory.until("inactive", 15_000);
    } finally {
      memory.stop();
      await redis.config("SET", "maxmemory", "0").catch(() => undefined);
      redis.disconnect();
    }
  });
});
