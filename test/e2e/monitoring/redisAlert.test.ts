/**
 * SocketIoRedisDisconnected with a real Prometheus scraping a real fleet through the engine
 * (`startMonitoredFleet`: what `npm start -- --monitoring` runs), alert durations × 0.1
 * (`for: 60s` → 6 s):
 * - redis-server killed: the alert goes pending, then firing for every node and role, after its
 *   `for`; redis-server started again on its port: the nodes reconnect and it clears;
 * - redis-server frozen (SIGSTOP: nothing answers, the kernel still accepts bytes): the nodes
 *   notice within 20 s (PING + socket timeout) and it fires; SIGCONT: it clears.
 * Control: with Redis up it stays inactive.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { ALERT_NAMES } from "../../../components/shared/alerts";
import type { LocalFleet } from "../../../app/local/fleet";
import {
  AlertWatch,
  TEST_TIME_SCALE,
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

describe("monitoring: SocketIoRedisDisconnected on a real fleet and a real Prometheus", function () {
  this.timeout(180_000);
  let fleet: LocalFleet;
  let watch: AlertWatch;

  before(async function () {
    const binaries = requireMonitoringBinaries(this);
    fleet = await startMonitoredFleet(binaries);
    watch = new AlertWatch(fleet, ALERT_NAMES.redisDisconnected).start();
  });
  afterEach(() => {
    // Whatever a test left frozen must not freeze the next one.
    fleet?.redis?.process.kill("SIGCONT");
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
    const firingNodes = new Set(
      firing.alerts.filter((a) => a.state === "firing").map((a) => a.labels.node),
    );
    assert.deepEqual([...firingNodes].sort(), ["node-1", "node-2", "node-3"]);
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
});
