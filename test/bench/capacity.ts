/**
 * `npm run bench -- --capacity`: fills one node to its capacity and reports what the
 * connections cost, so `components/shared/capacity.ts` rests on a measurement. One app node
 * (redis adapter, redis-server, `MAX_CONNECTIONS` = the capacity) is filled with idle websocket
 * clients from the load-generator processes in equal steps; after each step (and a settle pause)
 * the node's RSS (/proc) and V8 heapUsed (its `/metrics`) are read. Per-connection KiB is the
 * least-squares slope of memory over connections (the node's own baseline drops out), and the
 * handshake rate of each step is what one node accepted while holding the earlier steps' clients.
 * Then a few clients more than the ceiling try to connect: they must be refused (503).
 *
 * Clients connect to the node directly: the node is what is measured, and HAProxy's default
 * `maxconn 9000` would cap a 9,800-client fill below the capacity.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { join } from "node:path";
import {
  CONNECTION_RSS_KIB,
  NODE_BASELINE_MIB,
  defaultConnectionsPerNode,
} from "../../components/shared/capacity";
import { resolveFleetSpec } from "../../components/shared/resolve";
import { connectedClients } from "../../app/local/autoscaler";
import { LocalFleet } from "../../app/local/fleet";
import { closeClients, forkWorkers, killWorkers, request } from "./generator";
import { heapUsedBytes, openFilesLimit, rssBytes } from "./procStats";
import { codeInfo, machineInfo } from "./report";
import { requireTool } from "./scenarios";
import { round } from "./stats";
import { mkdirSync, writeFileSync } from "node:fs";

const USAGE = `Usage: npm run bench -- --capacity [options]

  --connections N   the node's capacity and ceiling (default ${defaultConnectionsPerNode(512)}, a 512 MiB node's)
  --steps N         fill steps (default 5)
  --workers N       load-generator processes (default 3)

Writes bench/results/<date>-capacity.json.`;

export interface CapacityStep {
  connections: number;
  rssMiB: number;
  heapMiB: number;
  /** Handshakes per second this step's clients were accepted at. */
  handshakesPerSecond: number;
  failed: number;
}

export async function capacityBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      capacity: { type: "boolean" },
      connections: { type: "string", default: String(defaultConnectionsPerNode(512)) },
      steps: { type: "string", default: "5" },
      workers: { type: "string", default: "3" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return console.log(USAGE);
  const capacity = Number(values.connections);
  const steps = Number(values.steps);
  const workerCount = Number(values.workers);
  const limit = openFilesLimit() ?? 0;
  if (!(capacity >= 10 && steps >= 2 && workerCount >= 1)) throw new Error(USAGE);
  if (limit < capacity + 1000) {
    throw new Error(`open files limit ${limit} is below ${capacity} clients + 1000: ulimit -n`);
  }
  const startedAt = new Date().toISOString();
  const fleet = await LocalFleet.start({
    spec: resolveFleetSpec({
      image: "bench",
      replicas: 1,
      connectionsPerNode: capacity,
      maxConnectionsPerNode: capacity,
    }),
    redisBinary: requireTool("redis-server"),
    restart: "never",
    nodeEnv: { LOG_LEVEL: "error", DRAIN_GRACE_MS: "0" },
  });
  const node = fleet.nodes[0];
  const pid = node.process.run!.pid;
  const metricsUrl = `http://127.0.0.1:${node.metricsPort}/metrics`;
  const workers = forkWorkers(workerCount);
  try {
    const sample = async (): Promise<{ connections: number; rss: number; heap: number }> => {
      await sleep(3000); // let the connect burst's garbage be collected
      const text = await (await fetch(metricsUrl)).text();
      return {
        connections: connectedClients(text) ?? 0,
        rss: rssBytes(pid) ?? NaN,
        heap: (await heapUsedBytes(metricsUrl)) ?? NaN,
      };
    };
    const connect = async (count: number, timeoutMs = 20_000) => {
      const share = (i: number) =>
        Math.floor(count / workerCount) + (i < count % workerCount ? 1 : 0);
      const started = performance.now();
      const results = await Promise.all(
        workers.map((w, i) =>
          request(
            w,
            { type: "connect", url: node.url, count: share(i), concurrency: 50, timeoutMs },
            "connected",
            180_000,
          ),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const failed = results.reduce((sum, r) => sum + r.failed, 0);
      return { seconds, failed, errors: [...new Set(results.flatMap((r) => r.errors))] };
    };

    const base = await sample();
    const points: CapacityStep[] = [
      {
        connections: base.connections,
        rssMiB: mib(base.rss),
        heapMiB: mib(base.heap),
        handshakesPerSecond: 0,
        failed: 0,
      },
    ];
    log(`baseline: RSS ${mib(base.rss)} MiB, heap ${mib(base.heap)} MiB`);
    let target = 0;
    for (let step = 1; step <= steps; step++) {
      const next = Math.round((capacity * step) / steps);
      const { seconds, failed, errors } = await connect(next - target);
      target = next;
      const s = await sample();
      const point: CapacityStep = {
        connections: s.connections,
        rssMiB: mib(s.rss),
        heapMiB: mib(s.heap),
        handshakesPerSecond: Math.round((next - (points.at(-1)?.connections ?? 0)) / seconds),
        failed,
      };
      points.push(point);
      log(`step ${step}: ${JSON.stringify(point)}${errors.length ? ` errors ${errors}` : ""}`);
    }
    const extra = Math.max(10, Math.round(capacity / 100));
    const over = await connect(extra, 5000);
    const after = await sample();
    log(`${extra} more than the ceiling: ${over.failed} refused, node holds ${after.connections}`);

    const rssKiB = slope(points.map((p) => [p.connections, p.rssMiB * 1024]));
    const heapKiB = slope(points.map((p) => [p.connections, p.heapMiB * 1024]));
    const full = points.at(-1)!;
    const rates = points.slice(1).map((p) => p.handshakesPerSecond);
    const summary = {
      capacity,
      connectedAtCapacity: full.connections,
      rssMiB: { baseline: points[0].rssMiB, atCapacity: full.rssMiB },
      heapMiB: { baseline: points[0].heapMiB, atCapacity: full.heapMiB },
      rssKiBPerConnection: round(rssKiB, 1),
      heapKiBPerConnection: round(heapKiB, 1),
      assumedRssKiBPerConnection: CONNECTION_RSS_KIB,
      assumedBaselineMiB: NODE_BASELINE_MIB,
      handshakesPerSecond: { min: Math.min(...rates), max: Math.max(...rates) },
      overCeiling: { tried: extra, refused: over.failed, heldAfter: after.connections },
    };
    const report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machineInfo(),
      code: codeInfo(join(__dirname, "..", "..", "..")),
      parameters: { capacity, steps, workers: workerCount },
      steps: points,
      summary,
    };
    const dir = join(__dirname, "..", "..", "..", "bench", "results");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${startedAt.slice(0, 10)}-capacity.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
    console.log(
      [
        "",
        "| connections | RSS (MiB) | heap (MiB) | handshakes/s | failed |",
        "| ----------- | --------- | ---------- | ------------ | ------ |",
        ...points.map(
          (p) =>
            `| ${p.connections} | ${p.rssMiB} | ${p.heapMiB} | ${p.handshakesPerSecond === 0 ? "–" : p.handshakesPerSecond} | ${p.failed} |`,
        ),
        "",
        `per connection: RSS ${summary.rssKiBPerConnection} KiB, heap ${summary.heapKiBPerConnection} KiB ` +
          `(capacity.ts assumes ${CONNECTION_RSS_KIB} KiB RSS)`,
        `over the ceiling: ${extra} tried, ${over.failed} refused, node holds ${after.connections}`,
        `written: ${file}`,
      ].join("\n"),
    );
  } finally {
    await closeClients(workers);
    killWorkers();
    await fleet.stop();
  }
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return num / den;
}

function mib(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

function log(text: string): void {
  process.stderr.write(`[capacity ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}
