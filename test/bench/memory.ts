/**
 * Memory per connection: each node's RSS (/proc) and V8 heapUsed (its `/metrics`) before any
 * client connected and a second after all did, the growth divided by that node's connections.
 */
import { heapUsedBytes, rssBytes } from "./procStats";
import type { BenchNode } from "./scenarios";
import { round } from "./stats";

export interface MemoryFigures {
  node: string;
  connections: number;
  rssBeforeMB: number | null;
  rssAfterMB: number | null;
  rssPerConnKB: number | null;
  heapPerConnKB: number | null;
}

export interface MemorySample {
  rss?: number;
  heap?: number;
}

export async function memorySnapshot(nodes: BenchNode[]): Promise<Map<string, MemorySample>> {
  const out = new Map<string, MemorySample>();
  for (const n of nodes)
    out.set(n.name, { rss: rssBytes(n.pid), heap: await heapUsedBytes(n.metricsUrl) });
  return out;
}

export function memoryFigures(
  node: BenchNode,
  before: Map<string, MemorySample>,
  after: Map<string, MemorySample>,
  connections: number,
): MemoryFigures {
  const b = before.get(node.name) ?? {};
  const a = after.get(node.name) ?? {};
  const perConn = (x?: number, y?: number) =>
    x === undefined || y === undefined || connections === 0
      ? null
      : round((y - x) / 1024 / connections, 1);
  const mb = (v?: number) => (v === undefined ? null : round(v / 1024 / 1024, 1));
  return {
    node: node.name,
    connections,
    rssBeforeMB: mb(b.rss),
    rssAfterMB: mb(a.rss),
    rssPerConnKB: perConn(b.rss, a.rss),
    heapPerConnKB: perConn(b.heap, a.heap),
  };
}
