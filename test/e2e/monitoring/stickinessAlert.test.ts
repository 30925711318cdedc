/**
 * SocketIoStickinessBroken with a real Prometheus scraping a real fleet through the engine
 * (`startMonitoredFleet`: 3 nodes behind HAProxy with its sticky cookie, what `npm start --
 * --monitoring` runs), alert durations × 0.1 (rate window 120 s → 12 s, `for: 300s` → 30 s):
 * - control: polling clients through the fleet's sticky HAProxy for the alert's window + `for`:
 *   every node's unknown-session counter scraped and 0, the alert never pending;
 * - broken: the same clients through a second HAProxy over the same nodes, rendered without
 *   affinity (`stickiness.mode: "none"`, as `test/e2e/proxies` does for its negative control):
 *   polls land on nodes that do not hold the session, the nodes count them, the alert goes
 *   pending and fires after its `for`; once those clients stop, it clears.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { io, type Socket } from "socket.io-client";
import { ALERT_NAMES } from "../../../components/shared/alerts";
import { METRIC_NAMES } from "../../../components/shared/metricNames";
import type { LocalFleet } from "../../../app/local/fleet";
import {
  AlertWatch,
  TEST_TIME_SCALE,
  queryValues,
  requireMonitoringBinaries,
  startMonitoredFleet,
} from "../../helpers/monitoring";
import { stopAll } from "../../helpers/processes";
import { type RunningProxy, startProxy } from "../../helpers/proxies";
import { terminate } from "../../helpers/fleet";

const POLLING_CLIENTS = 10;
/** `for` and rate window of the alert at the test time scale, ms. */
const FOR_MS = 300_000 * TEST_TIME_SCALE;
const WINDOW_MS = 120_000 * TEST_TIME_SCALE;
/** Pending once the rate over the window passes the floor (seconds), then `for`, with slack. */
const FIRING_WITHIN_MS = FOR_MS + WINDOW_MS + 30_000;
const CLEARED_WITHIN_MS = WINDOW_MS + 20_000;

/** Polling-only clients that reconnect forever (as browsers do), through `url`. */
function pollingClients(url: string): Socket[] {
  return Array.from({ length: POLLING_CLIENTS }, () =>
    io(url, {
      transports: ["polling"],
      withCredentials: true, // keeps the sticky cookie (the Node client's cookie jar)
      forceNew: true,
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
    }),
  );
}

function close(sockets: Socket[]): void {
  for (const socket of sockets) socket.disconnect();
}

describe("monitoring: SocketIoStickinessBroken on a real fleet and a real Prometheus", function () {
  this.timeout(240_000);
  let fleet: LocalFleet;
  let watch: AlertWatch;
  let roundRobin: RunningProxy | undefined;
  const clients: Socket[] = [];

  before(async function () {
    const binaries = requireMonitoringBinaries(this);
    fleet = await startMonitoredFleet(binaries);
    watch = new AlertWatch(fleet, ALERT_NAMES.stickinessBroken).start();
    const spec = fleet.options.spec;
    const none = { ...spec, stickiness: { ...spec.stickiness, mode: "none" as const } };
    roundRobin = await startProxy(binaries.haproxy, "haproxy", none, fleet.nodes);
  });
  after(async () => {
    close(clients);
    watch?.stop();
    if (roundRobin) await terminate(roundRobin.process);
    await fleet?.stop();
    await stopAll();
  });

  it("control: polling clients behind the sticky HAProxy for its window + for: counters 0, inactive", async () => {
    await watch.until("inactive", 15_000);
    const sticky = pollingClients(fleet.proxy!.url);
    clients.push(...sticky);
    const since = Date.now();
    await sleep(WINDOW_MS + FOR_MS);
    assert.ok(
      sticky.every((s) => s.connected),
      "every sticky polling client is connected",
    );
    assert.equal(watch.firstSeen("pending", since), undefined, watch.history());
    assert.equal(watch.last?.state, "inactive");
    // Scraped from every node, and 0: the control is not silent for want of a signal.
    const counters = await queryValues(fleet, `${METRIC_NAMES.unknownSessions}{job="socketio"}`);
    assert.deepEqual(counters, [0, 0, 0]);
    close(sticky);
  });

  it("the same clients behind HAProxy without affinity: pending, firing after its for, cleared once they stop", async () => {
    const broken = pollingClients(roundRobin!.url);
    clients.push(...broken);
    const since = Date.now();
    await watch.until("firing", FIRING_WITHIN_MS);
    const pendingAt = watch.firstSeen("pending", since);
    const firingAt = watch.firstSeen("firing", since);
    assert.ok(pendingAt !== undefined, `never seen pending: ${watch.history()}`);
    assert.ok(firingAt! - pendingAt >= FOR_MS - 1000, watch.history());
    assert.equal(watch.last?.labels.severity, "critical");
    const [total] = await queryValues(fleet, `sum(${METRIC_NAMES.unknownSessions})`);
    assert.ok(total > 0, `unknown sessions counted: ${total}`);

    close(broken);
    await watch.until("inactive", CLEARED_WITHIN_MS);
  });
});
