/**
 * `npm run bench -- --scale`: how room broadcasts scale with the fleet, per adapter. For N nodes
 * (default 2, 4, 8) × {`redis` on one redis-server, `redis-sharded` on one redis-server,
 * `redis-sharded` on the 3 + 3 Redis Cluster}, repeated in interleaved order (configuration
 * after configuration, then again), each run from nothing (`scaleRun.ts`). Per configuration the
 * median of the repeats: Redis egress and CPU per delivery, node CPU per delivery, pub/sub
 * receipts per room message, and every delivery counted (lost, duplicated). Not a test: nothing
 * is asserted; the targets are compared in BENCHMARKS.md. Writes
 * `bench/results/<date>-scale.json` (`-quick`, or `-custom` with other flags).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { codeInfo, machineInfo } from "../report";
import { round } from "../stats";
import { DEFAULT_LOAD, modelFromTable } from "./model";
import {
  type ScaleConfig,
  type ScaleFigures,
  type ScaleParams,
  killScaleWorkers,
  scaleRun,
} from "./scaleRun";

const REPO_ROOT = join(__dirname, "..", "..", "..", "..");

export const SCALE_USAGE = `Usage: npm run bench -- --scale [options]

  --nodes LIST      fleet sizes (default 2,4,8)
  --repeats N       interleaved runs per configuration, median reported (default 3; --quick 1)
  --rooms N         rooms (default 120; --quick 40)
  --room-size N     websocket clients per room, each on a random node (default 4)
  --messages N      room messages per run, io.to(room).emit (default 12000; --quick 2000)
  --rate N          room messages per second, fleet-wide (default 1000)
  --no-cluster      skip redis-sharded on the Redis Cluster
  --observers N     N more nodes no client connects to (default 0): their CPU per room message
                    is what a node pays for rooms it does not hold (not in the node figures)
  --quick           a smoke run (about a minute)`;

interface Row {
  label: string;
  config: ScaleConfig;
  runs: ScaleFigures[];
}

export async function scaleBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== "--scale"),
    options: {
      nodes: { type: "string" },
      repeats: { type: "string" },
      rooms: { type: "string" },
      "room-size": { type: "string", default: "4" },
      messages: { type: "string" },
      rate: { type: "string", default: "1000" },
      "no-cluster": { type: "boolean", default: false },
      observers: { type: "string", default: "0" },
      quick: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return void console.log(SCALE_USAGE);
  const quick = values.quick;
  const int = (raw: string | undefined, fallback: number, flag: string) => {
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} ${raw}: a positive integer`);
    return n;
  };
  const sizes = (values.nodes ?? (quick ? "2,8" : "2,4,8"))
    .split(",")
    .map((n) => int(n, 0, "nodes"));
  const repeats = int(values.repeats, quick ? 1 : 3, "repeats");
  const observers = values.observers === "0" ? 0 : int(values.observers, 0, "observers");
  const params: ScaleParams = {
    rooms: int(values.rooms, quick ? 40 : 120, "rooms"),
    roomSize: int(values["room-size"], 4, "room-size"),
    messages: int(values.messages, quick ? 2000 : 12_000, "messages"),
    rate: int(values.rate, 1000, "rate"),
    idleMs: quick ? 1500 : 3000,
    workers: 2,
    seed: 17,
  };
  const rows: Row[] = [];
  for (const nodes of sizes) {
    rows.push({
      label: "redis",
      config: { nodes, adapter: "redis", redisMode: "standalone", observers },
      runs: [],
    });
    rows.push({
      label: "redis-sharded",
      config: { nodes, adapter: "redis-sharded", redisMode: "standalone", observers },
      runs: [],
    });
    if (!values["no-cluster"]) {
      rows.push({
        label: "redis-sharded, cluster 3+3",
        config: { nodes, adapter: "redis-sharded", redisMode: "cluster", observers },
        runs: [],
      });
    }
  }
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg().map((l) => round(l));
  for (let r = 1; r <= repeats; r++) {
    for (const row of rows) {
      log(
        `run ${r}/${repeats}: ${row.config.nodes} nodes, ${row.label} (load ${loadavg()[0].toFixed(2)}) …`,
      );
      try {
        const f = await scaleRun(row.config, params);
        row.runs.push(f);
        log(
          `  ${f.received}/${f.expected} delivered, ${f.duplicates} duplicated; ${JSON.stringify(derived(f))}`,
        );
      } catch (err) {
        log(`  failed: ${(err as Error).message}`);
      }
    }
  }
  const loadAfter = loadavg().map((l) => round(l));
  const table: TableRow[] = rows.map((row) => ({
    label: row.label,
    ...row.config,
    ...medianOf(row.runs),
  }));
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    load: { before: loadBefore, after: loadAfter },
    code: codeInfo(REPO_ROOT),
    parameters: { sizes, repeats, ...params },
    table,
    model: modelFromTable(table, params.roomSize, DEFAULT_LOAD),
    runs: rows.flatMap((row) => row.runs),
  };
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  // Only the default run writes <date>-scale.json (the one BENCHMARKS.md quotes).
  const custom = argv.some((a) => !["--scale", "--quick"].includes(a)) ? "-custom" : "";
  const file = join(dir, `${startedAt.slice(0, 10)}-scale${quick ? "-quick" : custom}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  console.log(`\n${markdownTable(table)}\n\nload average before ${loadBefore}, after ${loadAfter}`);
  console.log(`model (${JSON.stringify(report.model.load)}):`);
  console.table(report.model.rows);
  console.log(
    `crossover (sharded cheaper from N nodes): ${JSON.stringify(report.model.crossover)}`,
  );
  console.log(`written: ${file}`);
}

/** Per-delivery figures of one run, idle baseline subtracted. */
export function derived(f: ScaleFigures) {
  const per1000 = (ms: number, idle: number) =>
    f.received > 0 ? round(((ms - idle) * 1000) / f.received, 1) : null;
  return {
    deliveries: f.received,
    lost: f.lost,
    duplicates: f.duplicates,
    egressBytesPerDelivery:
      f.received > 0 ? round((f.redisEgressBytes - f.redisEgressIdleBytes) / f.received, 1) : null,
    receiptsPerMessage: round(f.receipts / f.messages, 3),
    nodeCpuMsPer1000: per1000(f.nodeCpuMs, f.nodeIdleCpuMs),
    redisCpuMsPer1000: per1000(f.redisCpuMs, f.redisIdleCpuMs),
    ...observerFigures(f),
  };
}

/**
 * What one observer (a node holding no room member) spends per room message of the fleet, and
 * the receipts it gets per room message: the classic adapter's cost of rooms a node does not
 * hold, which every node pays for every room message whatever the fleet size.
 */
function observerFigures(f: ScaleFigures) {
  const n = f.config.observers ?? 0;
  if (n === 0) return {};
  return {
    observerReceiptsPerMessage: round(f.observerReceipts / n / f.messages, 3),
    observerCpuUsPerMessage: round(
      ((f.observerCpuMs - f.observerIdleCpuMs) * 1000) / n / f.messages,
      1,
    ),
  };
}

type Derived = ReturnType<typeof derived>;
type MedianRow = { [K in keyof Derived]?: Derived[K] | null } & { runs: number; spread: string };
type TableRow = ScaleConfig & { label: string } & MedianRow;

/** Medians of the derived figures; lost and duplicates are summed (they must all be 0). */
function medianOf(runs: ScaleFigures[]): MedianRow {
  if (runs.length === 0) return { runs: 0, spread: "no run succeeded" };
  const all = runs.map(derived);
  const median = (key: keyof Derived) => {
    const xs = all
      .map((d) => d[key])
      .filter((x): x is number => x !== null)
      .sort((a, b) => a - b);
    return xs.length === 0 ? null : xs[Math.floor((xs.length - 1) / 2)];
  };
  const cpu = all.map((d) => d.nodeCpuMsPer1000 ?? 0);
  return {
    runs: runs.length,
    deliveries: all.reduce((n, d) => n + d.deliveries, 0),
    lost: all.reduce((n, d) => n + d.lost, 0),
    duplicates: all.reduce((n, d) => n + d.duplicates, 0),
    egressBytesPerDelivery: median("egressBytesPerDelivery"),
    receiptsPerMessage: median("receiptsPerMessage"),
    nodeCpuMsPer1000: median("nodeCpuMsPer1000"),
    redisCpuMsPer1000: median("redisCpuMsPer1000"),
    ...(all[0].observerCpuUsPerMessage === undefined
      ? {}
      : {
          observerReceiptsPerMessage: median("observerReceiptsPerMessage"),
          observerCpuUsPerMessage: median("observerCpuUsPerMessage"),
        }),
    spread: `node CPU ${Math.min(...cpu)}–${Math.max(...cpu)}`,
  };
}

function markdownTable(table: TableRow[]): string {
  const head =
    "| nodes | adapter | runs | deliveries | lost | dup | Redis egress B/delivery | receipts/message | node CPU ms/1000 | Redis CPU ms/1000 | observer receipts/message | observer CPU µs/message | spread |";
  const lines = table.map(
    (t) =>
      `| ${t.nodes} | ${t.label} | ${t.runs} | ${t.deliveries ?? "–"} | ${t.lost ?? "–"} | ${t.duplicates ?? "–"} | ${t.egressBytesPerDelivery ?? "–"} | ${t.receiptsPerMessage ?? "–"} | ${t.nodeCpuMsPer1000 ?? "–"} | ${t.redisCpuMsPer1000 ?? "–"} | ${t.observerReceiptsPerMessage ?? "–"} | ${t.observerCpuUsPerMessage ?? "–"} | ${t.spread} |`,
  );
  return [head, `|${" --- |".repeat(13)}`, ...lines].join("\n");
}

function log(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

export function stopScaleWorkers(): void {
  killScaleWorkers();
}
