/**
 * The capacity model of BENCHMARKS.md, from a scaling run's measured medians (standalone rows):
 * - receipts per room message: `redis` N (every node gets every message); `redis-sharded`
 *   (dynamic) the nodes that hold the room, N·(1 − (1 − 1/N)^k) for k members on random nodes;
 * - bytes per receipt: Redis egress per room message ÷ receipts (measured at the largest N);
 * - CPU per room message = fixed + per-receipt × receipts, fitted (least squares over N) for the
 *   nodes and for Redis on the `redis` rows; a sharded receipt's cost is what remains at the
 *   largest fleet (see `fit`).
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
  /** Node CPU per room message that does not depend on the fleet: the sender's event, the
   * publish, the 4 deliveries to websockets. */
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

/** Least squares `y = fixed + slope · x`. */
function line(xs: number[], ys: number[]): { fixed: number; slope: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const slope = sxx === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / sxx;
  return { fixed: my - slope * mx, slope };
}

const complete = (rows: MeasuredRow[]) =>
  rows.filter((r) => r.receiptsPerMessage != null && r.nodeCpuMsPer1000 != null);

function bytesPerReceipt(rows: MeasuredRow[], roomSize: number): number {
  const largest = complete(rows).reduce((a, b) => (b.nodes > a.nodes ? b : a));
  return (largest.egressBytesPerDelivery! * roomSize) / largest.receiptsPerMessage!;
}

/**
 * The costs, fitted on the `redis` rows, whose receipts per message span 2–8 (the sharded rows
 * span 1.9–3.3, too narrow on a loaded machine to separate fixed and per-receipt costs). The
 * fixed part (the sender's event, the publish, the deliveries) is taken as the same for both.
 */
export function fit(classic: MeasuredRow[], sharded: MeasuredRow[], roomSize: number) {
  const rows = complete(classic);
  const xs = rows.map((r) => r.receiptsPerMessage!);
  const perMessage = (per1000: number) => (per1000 * roomSize) / 1000;
  const node = line(
    xs,
    rows.map((r) => perMessage(r.nodeCpuMsPer1000!)),
  );
  const redis = line(
    xs,
    rows.map((r) => perMessage(r.redisCpuMsPer1000 ?? 0)),
  );
  const classicFit: Fit = {
    bytesPerReceipt: bytesPerReceipt(classic, roomSize),
    nodeFixedMs: node.fixed,
    nodePerReceiptMs: node.slope,
    redisFixedMs: redis.fixed,
    redisPerReceiptMs: redis.slope,
  };
  // Sharded: the same fixed part; its per-receipt cost measured where receipts weigh most
  // (the largest fleet): (cost per message − fixed) ÷ receipts per message.
  const top = complete(sharded).reduce((a, b) => (b.nodes > a.nodes ? b : a));
  const perReceipt = (per1000: number | null | undefined, fixed: number) =>
    Math.max(0, (perMessage(per1000 ?? 0) - fixed) / top.receiptsPerMessage!);
  const shardedFit: Fit = {
    bytesPerReceipt: bytesPerReceipt(sharded, roomSize),
    nodeFixedMs: node.fixed,
    nodePerReceiptMs: perReceipt(top.nodeCpuMsPer1000, node.fixed),
    redisFixedMs: redis.fixed,
    redisPerReceiptMs: perReceipt(top.redisCpuMsPer1000, redis.fixed),
  };
  return { redis: classicFit, "redis-sharded": shardedFit };
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
      (load.rate * f.nodeFixedMs + receipts * f.nodePerReceiptMs) / 1000 / nodes,
      2,
    ),
  };
}

export function modelFromTable(table: MeasuredRow[], roomSize: number, load: Load) {
  const standalone = (label: string) =>
    table.filter((r) => r.label === label && r.redisMode === "standalone");
  const fits = fit(standalone("redis"), standalone("redis-sharded"), roomSize);
  const rows = [50, 200].flatMap((nodes) =>
    (["redis", "redis-sharded"] as const).map((a) => project(a, fits[a], nodes, load)),
  );
  const cpuPerMessage = (a: "redis" | "redis-sharded", n: number) => {
    const f = fits[a];
    const r = receiptsPerMessage(a, n, roomSize);
    return f.nodeFixedMs + f.redisFixedMs + r * (f.nodePerReceiptMs + f.redisPerReceiptMs);
  };
  // The model against what was measured for the sharded rows (ms per 1,000 deliveries).
  const check = standalone("redis-sharded").map((r) => ({
    nodes: r.nodes,
    measuredNodeCpuMsPer1000: r.nodeCpuMsPer1000,
    modelNodeCpuMsPer1000: round(
      ((fits["redis-sharded"].nodeFixedMs +
        receiptsPerMessage("redis-sharded", r.nodes, roomSize) *
          fits["redis-sharded"].nodePerReceiptMs) *
        1000) /
        roomSize,
      1,
    ),
  }));
  const egress = (a: "redis" | "redis-sharded", n: number) =>
    receiptsPerMessage(a, n, roomSize) * fits[a].bytesPerReceipt;
  const first = (better: (n: number) => boolean) =>
    Array.from({ length: 255 }, (_, i) => i + 2).find(better) ?? null;
  return {
    load,
    fits,
    check,
    rows,
    crossover: {
      cpuNodes: first((n) => cpuPerMessage("redis-sharded", n) < cpuPerMessage("redis", n)),
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
