/**
 * The engine's Prometheus follows the fleet (`app/local/monitoring.ts`): its scrape targets are
 * the fleet's nodes after every scaling step (file service discovery), the redis exporter is
 * scraped with the memory series the Redis memory alert reads, and a node killed and not
 * restarted fires SocketIoNodeDown after its `for` (× 0.1: 12 s) until it is started again on its
 * port.
 */
import assert from "node:assert/strict";
import { resolveFleetSpec } from "../../../components/shared";
import { ALERT_NAMES } from "../../../components/shared/alerts";
import type { LocalFleet } from "../../../app/local/fleet";
import {
  AlertWatch,
  queryValues,
  requireMonitoringBinaries,
  startMonitoredFleet,
} from "../../helpers/monitoring";
import { stopAll, waitFor } from "../../helpers/processes";

interface Target {
  labels: Record<string, string>;
  health: string;
}

async function targets(fleet: LocalFleet): Promise<Target[]> {
  const res = await fetch(`${fleet.monitoring!.prometheus.url}/api/v1/targets?state=active`);
  const body = (await res.json()) as { data: { activeTargets: Target[] } };
  return body.data.activeTargets;
}

/** `node-1=up,node-2=up` for the socketio job's targets. */
async function nodeTargets(fleet: LocalFleet): Promise<string> {
  return (await targets(fleet))
    .filter((t) => t.labels.job === "socketio")
    .map((t) => `${t.labels.node}=${t.health}`)
    .sort()
    .join(",");
}

describe("monitoring: the engine's Prometheus follows the fleet", function () {
  this.timeout(120_000);
  let fleet: LocalFleet;

  before(async function () {
    const binaries = requireMonitoringBinaries(this);
    fleet = await startMonitoredFleet(binaries, resolveFleetSpec({ image: "local", replicas: 2 }));
  });
  after(async () => {
    await fleet?.stop();
    await stopAll();
  });

  it("scrapes every node and the redis exporter (with the memory series) once started", async () => {
    await waitFor(
      "both nodes scraped",
      async () => (await nodeTargets(fleet)) === "node-1=up,node-2=up",
      {
        timeoutMs: 15_000,
      },
    );
    // Each target's health is "unknown" until its first scrape.
    await waitFor(
      "the redis exporter scraped",
      async () =>
        (await targets(fleet))
          .filter((t) => t.labels.job === "redis")
          .map((t) => t.health)
          .join() === "up",
      { timeoutMs: 15_000 },
    );
    const [used] = await waitFor("redis_memory_used_bytes", async () => {
      const values = await queryValues(fleet, 'redis_memory_used_bytes{job="redis"}');
      return values.length === 1 ? values : undefined;
    });
    assert.ok(used > 0, `redis_memory_used_bytes ${used}`);
  });

  it("an added node is scraped, a removed one leaves the targets", async () => {
    await fleet.addNode();
    await waitFor(
      "node-3 scraped",
      async () => (await nodeTargets(fleet)) === "node-1=up,node-2=up,node-3=up",
      { timeoutMs: 15_000 },
    );
    await fleet.removeNode("node-1");
    await waitFor(
      "node-1 gone from the targets",
      async () => (await nodeTargets(fleet)) === "node-2=up,node-3=up",
      { timeoutMs: 15_000 },
    );
  });

  it("a killed node fires SocketIoNodeDown after its for; started again, it clears", async () => {
    const watch = new AlertWatch(fleet, ALERT_NAMES.nodeDown).start();
    try {
      await watch.until("inactive", 15_000);
      fleet.signalNode("node-2", "SIGKILL");
      const firing = await watch.until("firing", 40_000);
      assert.deepEqual(
        firing.alerts.map((a) => [a.labels.node, a.state]),
        [["node-2", "firing"]],
      );
      const node = fleet.node("node-2");
      node.process.start();
      await node.process.whenReady();
      await watch.until("inactive", 15_000);
    } finally {
      watch.stop();
    }
  });
});
