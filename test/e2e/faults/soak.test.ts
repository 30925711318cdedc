/**
 * Soak: 1,000 clients (half websocket-only, half polling then websocket) through HAProxy to 3
 * `redis-streams` nodes, held for 60 s with a broadcast every 100 ms after a 10 s warm-up. Zero
 * disconnects, every broadcast delivered to every client exactly once and in order, and each
 * node's RSS at the end within 10 % of its RSS after the warm-up. The clients live in a forked
 * process (`soakClients.ts`), whose event-loop delay is reported.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type ManagedProcess, start, stopAll } from "../../helpers/processes";
import {
  type FaultClient,
  type FaultFleet,
  closeFaultClients,
  connectFaultClient,
  requireFaultBinaries,
  rssOf,
  startFaultFleet,
  startTicker,
} from "../../helpers/faultFleet";
import type { SoakReport } from "./soakClients";

const CLIENTS = 1000;
const WARM_UP_MS = 10_000;
const HOLD_MS = 60_000;
const BROADCAST_EVERY_MS = 100;
/** The bound on per-node RSS growth over the hold. */
const MAX_RSS_GROWTH = 0.1;

describe(`faults: soak, ${CLIENTS} clients for ${HOLD_MS / 1000} s, a broadcast every ${BROADCAST_EVERY_MS} ms, redis-streams, 3 nodes behind HAProxy`, function () {
  this.timeout(WARM_UP_MS + HOLD_MS + 90_000);
  let fleet: FaultFleet;
  let clients: ManagedProcess;
  let sender: FaultClient | undefined;
  const run = "soak";

  before(async function () {
    fleet = await startFaultFleet(requireFaultBinaries(this), "redis-streams");
  });
  after(async () => {
    if (sender) closeFaultClients([sender]);
    await stopAll();
  });

  /** Asks the clients' process for its report (bounded). */
  const ask = (type: "report"): Promise<SoakReport> => {
    clients.child.send({ type });
    return nextMessage<SoakReport>(clients, "report", 10_000);
  };

  it("zero disconnects, every broadcast exactly once, per-node RSS growth below 10 %", async () => {
    clients = start(
      "soak-clients",
      process.execPath,
      ["--import", "tsx", join(__dirname, "soakClients.ts")],
      {
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        env: {
          ...process.env,
          SOAK_URL: fleet.proxy.url,
          SOAK_CLIENTS: String(CLIENTS),
          SOAK_RUN: run,
        },
      },
    );
    const connected = await nextMessage<{ ms: number }>(clients, "connected", 60_000);
    console.log(`      ${CLIENTS} clients connected in ${connected.ms} ms`);

    sender = await connectFaultClient(fleet.nodeUrl("node-2"), ["websocket"]);
    const ticker = startTicker(sender.socket, run, BROADCAST_EVERY_MS);
    await sleep(WARM_UP_MS);
    const pids = fleet.nodes.map((n) => n.process.child.pid!);
    const rssAfterWarmUp = await Promise.all(pids.map(rssOf));
    clients.child.send({ type: "reset-delay" });
    await sleep(HOLD_MS);
    const rssAtEnd = await Promise.all(pids.map(rssOf));
    const sent = await ticker.stop();
    await sleep(1000);
    const report = await ask("report");

    const growth = rssAtEnd.map((end, i) => end / rssAfterWarmUp[i] - 1);
    console.log(
      `      RSS after warm-up → end: ` +
        fleet.nodes
          .map(
            (n, i) => `${n.name} ${mb(rssAfterWarmUp[i])} → ${mb(rssAtEnd[i])} (${pct(growth[i])})`,
          )
          .join(", "),
    );
    console.log(
      `      ${sent} broadcasts; clients received ${report.minReceived}–${report.maxReceived}; ` +
        `client process event-loop delay p99 ${report.eventLoopDelayP99Ms.toFixed(1)} ms, ` +
        `max ${report.eventLoopDelayMaxMs.toFixed(1)} ms`,
    );
    assert.equal(report.clients, CLIENTS);
    assert.equal(
      report.disconnects,
      0,
      `disconnects: ${report.disconnects} (${report.disconnectReasons.join(", ")})`,
    );
    assert.equal(report.connected, CLIENTS, "connected at the end");
    assert.equal(report.connectErrors, 0, "connection errors");
    assert.equal(report.outOfSequence, 0, "clients with a gap, duplicate or reordering");
    assert.deepEqual([report.minReceived, report.maxReceived], [sent, sent], "every broadcast");
    for (const [i, node] of fleet.nodes.entries()) {
      assert.ok(
        growth[i] < MAX_RSS_GROWTH,
        `${node.name}: RSS grew ${pct(growth[i])} over ${HOLD_MS / 1000} s (bound: ${pct(MAX_RSS_GROWTH)})`,
      );
    }
    clients.child.send({ type: "close" });
  });
});

/** The next IPC message of `type` from `proc`, failing after `timeoutMs` or if it exits. */
function nextMessage<T>(proc: ManagedProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" from ${proc.name} within ${timeoutMs} ms:\n${proc.output()}`));
    }, timeoutMs);
    const onMessage = (message: { type: string; message?: string }) => {
      if (message.type === "failed") {
        cleanup();
        reject(new Error(`${proc.name}: ${message.message}`));
      } else if (message.type === type) {
        cleanup();
        resolve(message as T);
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${proc.name} exited while waiting for "${type}":\n${proc.output()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      proc.child.off("message", onMessage);
      proc.child.off("exit", onExit);
    };
    proc.child.on("message", onMessage);
    proc.child.once("exit", onExit);
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
