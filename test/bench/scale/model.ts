/**
 * The capacity model of BENCHMARKS.md, from a scaling run's measured medians (standalone rows):
 * - receipts per room message: `redis` N (every node gets every message); `redis-sharded`
 *   (dynamic) the nodes that hold the room, N·(1 − (1 − 1/N)^k) for k members on random nodes;
 * - bytes per receipt: Redis egress per room message ÷ receipts (measured at the largest N);
 * - CPU per room message = fixed + per-receipt × receipts, fitted (least squares over N) for the
 *   nodes and for Redis, per adapter.
 * Projected to fleets of `nodes` at `connections` in rooms of k with `rate` room messages per
 * second: what Redis carries in all and per primary for 1, 3 and 10 primaries (sharded channels
 * spread evenly over shards; classic PUBLISH reaches every shard over the cluster bus, so more
 * shards do not divide it), and what each node spends. `node dist/test/bench/scale/model.js
 * <scale.json>` prints it for a saved run.
 */
import { readFileSync } from "node:fs";
import { round } from "../stats";

export interface MeasuredRow {
  label: string;
  nodes: number;
  redisMode: string;
  egressBytesPerDelivery?: number | null;
  receiptsPerMessage?: number | null;
  nodeCpuMsPer1000?: number | null;
  redisCpuMsPer1000?: number | null;
}

export interface Fit {
  bytesPerReceipt: number;
  nodeFixedMs: number;
  nodePerReceiptMs: number;
  redisFixedMs: number;
  redisPerReceiptMs: number;
}

export interface Load {
  connections: number;
  roomSize: number;
  /** Room messages per second, fleet-wide. */
  rate: number;
}

export function receiptsPerMessage(adapter: string, nodes: number, roomSize: number): number {
  return adapter === "redis" ? nodes : nodes * (1 - (1 - 1 / nodes) ** roomSize);
}

/** Least-squares fit of per-message costs on receipts, from one adapter's standalone rows. */
export function fit(rows: MeasuredRow[], roomSize: number): Fit {
  const ok = rows.filter((r) => r.receiptsPerMessage != null && r.nodeCpuMsPer1000 != null);
  const xs = ok.map((r) => r.receiptsPerMessage!);
  const line = (ys: number[]) => {
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const my = ys.reduce((a, b) => a + b, 0) / n;
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const slope = sxx === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx;
    return { fixed: my - slope * mx, slope };
  };
  const perMessage = (per1000: number) => (per1000 * roomSize) / 1000;
  const node = line(ok.map((r) => perMessage(r.nodeCpuMsPer1000!)));
  const redis = line(ok.map((r) => perMessage(r.redisCpuMsPer1000 ?? 0)));
  const largest = ok.reduce((a, b) => (b.nodes > a.nodes ? b : a));
  return {
    bytesPerReceipt: (largest.egressBytesPerDelivery! * roomSize) / largest.receiptsPerMessage!,
    nodeFixedMs: node.fixed,
    nodePerReceiptMs: node.slope,
    redisFixedMs: redis.fixed,
    redisPerReceiptMs: redis.slope,
  };
}

export function project(adapter: string, f: Fit, nodes: number, load: Load) {
  const receipts = load.rate * receiptsPerMessage(adapter, nodes, load.roomSize);
  const redisCores = (load.rate * f.redisFixedMs + receipts * f.redisPerReceiptMs) / 1000;
  const egress = (receipts * f.bytesPerReceipt) / 1e6;
  const perPrimary = (shards: number) => {
    const share = adapter === "redis" ? 1 : 1 / shards;
    return `${round(egress * share, 1)} MB/s, ${round(redisCores * share, 2)} cores`;
  };
  return {
    adapter,
    nodes,
    connectionsPerNode: Math.round(load.connections / nodes),
    receiptsPerSecond: Math.round(receipts),
    redisEgressMBps: round(egress, 1),
    onePrimary: perPrimary(1),
    threeShards: perPrimary(3),
    tenShards: perPrimary(10),
    nodeCoresEach: round(
      (load.rate * Math.max(0, f.nodeFixedMs) + receipts * f.nodePerReceiptMs) / 1000 / nodes,
      2,
    ),
  };
}

export function modelFromTable(table: MeasuredRow[], roomSize: number, load: Load) {
  const standalone = (label: string) =>
    table.filter((r) => r.label === label && r.redisMode === "standalone");
  const fits = {
    redis: fit(standalone("redis"), roomSize),
    "redis-sharded": fit(standalone("redis-sharded"), roomSize),
  };
  const rows = [50, 200].flatMap((nodes) =>
    (["redis", "redis-sharded"] as const).map((a) => project(a, fits[a], nodes, load)),
  );
  // Smallest N where sharded costs the fleet (nodes + Redis) less CPU per room message.
  const total = (a: "redis" | "redis-sharded", n: number) => {
    const f = fits[a];
    const r = receiptsPerMessage(a, n, roomSize);
    return f.nodeFixedMs + f.redisFixedMs + r * (f.nodePerReceiptMs + f.redisPerReceiptMs);
  };
  const egress = (a: "redis" | "redis-sharded", n: number) =>
    receiptsPerMessage(a, n, roomSize) * fits[a].bytesPerReceipt;
  const first = (better: (n: number) => boolean) =>
    Array.from({ length: 255 }, (_, i) => i + 2).find(better) ?? null;
  return {
    load,
    fits,
    rows,
    crossover: {
      cpuNodes: first((n) => total("redis-sharded", n) < total("redis", n)),
      egressNodes: first((n) => egress("redis-sharded", n) < egress("redis", n)),
    },
  };
}

export const DEFAULT_LOAD: Load = { connections: 1_000_000, roomSize: 4, rate: 50_000 };

if (require.main === module) {
  const report = JSON.parse(readFileSync(process.argv[2], "utf8")) as {
    table: MeasuredRow[];
    parameters: { roomSize: number };
  };
  console.log(
    JSON.stringify(modelFromTable(report.table, report.parameters.roomSize, DEFAULT_LOAD), null, 2),
  );
}
