/** The benchmark's output: a text table on stdout and a JSON file under `bench/results/`. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import type { RunFigures } from "./measure";
import type { RecoveryFigures } from "./recovery";
import type { ScenarioId } from "./scenarios";
import { type Summary, ratio, round } from "./stats";
import { findBinary } from "../helpers/binaries";
import { openFilesLimit } from "./procStats";

export interface RunRecord {
  scenario: ScenarioId;
  label: string;
  clients: number;
  figures?: RunFigures;
  error?: string;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: Record<string, unknown>;
  code: Record<string, unknown>;
  parameters: Record<string, unknown>;
  runs: RunRecord[];
  ratios: RatioRow[];
  recovery?: (RecoveryFigures | { scenario: ScenarioId; error: string })[];
}

export function machineInfo(): Record<string, unknown> {
  const version = (bin: string, args: string[]) => {
    const path = findBinary(bin);
    if (!path) return null;
    try {
      return execFileSync(path, args).toString().split("\n")[0].trim();
    } catch {
      return null;
    }
  };
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? "unknown",
    memoryGB: round(totalmem() / 1024 ** 3, 1),
    kernel: release(),
    node: process.version,
    haproxy: version("haproxy", ["-v"]),
    redis: version("redis-server", ["--version"]),
    openFilesLimit: openFilesLimit(),
  };
}

/** The commit measured, and the app/proxy files that differed from it (uncommitted work). */
export function codeInfo(root: string): Record<string, unknown> {
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: root }).toString().trim();
    } catch {
      return null;
    }
  };
  // Not trimmed per line: porcelain lines start with a status column that may be a space.
  const dirty = git(["status", "--porcelain", "--", "app/src", "components"]);
  return {
    commit: git(["rev-parse", "--short", "HEAD"]),
    uncommittedAppChanges:
      dirty === null
        ? null
        : dirty
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== ""),
  };
}

export interface RatioRow {
  clients: number;
  scenario: "A" | "B";
  /** Each figure of the scenario divided by C's in the same run (> 1: higher than one node). */
  latencyP50: number | null;
  latencyP99: number | null;
  burstRate: number | null;
  rssPerConn: number | null;
  connectTotal: number | null;
}

export function ratios(runs: RunRecord[]): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const clients of [...new Set(runs.map((r) => r.clients))]) {
    const c = runs.find((r) => r.clients === clients && r.scenario === "C")?.figures;
    if (!c) continue;
    for (const id of ["A", "B"] as const) {
      const x = runs.find((r) => r.clients === clients && r.scenario === id)?.figures;
      if (!x) continue;
      rows.push({
        clients,
        scenario: id,
        latencyP50: ratio(x.paced.all.p50, c.paced.all.p50),
        latencyP99: ratio(x.paced.all.p99, c.paced.all.p99),
        burstRate: ratio(x.burst.deliveriesPerSec, c.burst.deliveriesPerSec),
        rssPerConn: ratio(meanRssPerConn(x), meanRssPerConn(c)),
        connectTotal: ratio(x.connect.totalMs, c.connect.totalMs),
      });
    }
  }
  return rows;
}

/** Mean over nodes of RSS growth per connection (KB). */
export function meanRssPerConn(f: RunFigures): number | null {
  const values = f.memory.map((m) => m.rssPerConnKB).filter((v): v is number => v !== null);
  return values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length, 1);
}

function meanHeapPerConn(f: RunFigures): number | null {
  const values = f.memory.map((m) => m.heapPerConnKB).filter((v): v is number => v !== null);
  return values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length, 1);
}

const pair = (s: Summary) => (s.count === 0 ? "–" : `${s.p50} / ${s.p99}`);
const show = (v: number | null | undefined) => (v === null || v === undefined ? "–" : String(v));

export function runTable(runs: RunRecord[]): string {
  const header = [
    "scenario",
    "clients",
    "connect all (s)",
    "connect p50 / p99 (ms)",
    "same-node p50 / p99 (ms)",
    "cross-node p50 / p99 (ms)",
    "burst deliveries/s",
    "lost paced / burst",
    "RSS / conn (KB)",
    "heap / conn (KB)",
    "generator loop delay p99 (ms)",
  ];
  const rows = runs.map((r) => {
    const f = r.figures;
    if (!f) return [r.scenario, String(r.clients), `failed: ${r.error ?? "?"}`];
    const failed = f.connect.failed > 0 ? ` (${f.connect.failed} failed)` : "";
    const incomplete = f.burst.complete ? "" : "*";
    return [
      r.scenario,
      String(r.clients),
      `${round(f.connect.totalMs / 1000, 1)}${failed}`,
      pair(f.connect.perConnection),
      pair(f.paced.sameNode),
      pair(f.paced.crossNode),
      `${show(f.burst.deliveriesPerSec)}${incomplete}`,
      `${f.paced.lost} / ${f.burst.lost}`,
      show(meanRssPerConn(f)),
      show(meanHeapPerConn(f)),
      `${f.paced.generatorLoopDelay.p99} / ${f.burst.generatorLoopDelay.p99}`,
    ];
  });
  return markdownTable(header, rows);
}

export function ratioTable(rows: RatioRow[]): string {
  const header = [
    "vs C",
    "clients",
    "latency p50",
    "latency p99",
    "burst rate",
    "RSS/conn",
    "connect all",
  ];
  return markdownTable(
    header,
    rows.map((r) => [
      `${r.scenario} / C`,
      String(r.clients),
      show(r.latencyP50),
      show(r.latencyP99),
      show(r.burstRate),
      show(r.rssPerConn),
      show(r.connectTotal),
    ]),
  );
}

export function recoveryText(r: RecoveryFigures | { scenario: ScenarioId; error: string }): string {
  if ("error" in r) return `recovery (${r.scenario}): failed: ${r.error}`;
  return [
    `recovery (${r.scenario}, ${r.clients} clients, ${r.messages} broadcasts, ${r.killedNode} SIGKILLed):`,
    `  ${r.affected} clients on ${r.killedNode}: ${r.reconnected} reconnected ` +
      `(to ${JSON.stringify(r.landedOn)}), ${r.recovered} with socket.recovered = true, ` +
      `${r.zeroMissed} missed nothing`,
    `  missed per affected client p50 / p99 / max: ${show(r.missedPerClient.p50)} / ` +
      `${show(r.missedPerClient.p99)} / ${show(r.missedPerClient.max)} (total ${r.missedTotal})`,
    `  reconnect time p50 / p99 / max (ms): ${show(r.reconnectMs.p50)} / ${show(r.reconnectMs.p99)} / ` +
      `${show(r.reconnectMs.max)}`,
    `  missed sequence numbers (seq: clients; node killed just before seq ${r.killedBeforeSeq}): ` +
      `${JSON.stringify(r.missedSeqs)}`,
    `  clients with duplicates: ${r.duplicates} (seq: clients ${JSON.stringify(r.duplicateSeqs)}; ` +
      `${r.missedAndDuplicated} of them also missed one), out of order: ${r.outOfOrder}; ` +
      `deliveries missed on surviving nodes: ${r.unaffectedMissed}`,
  ].join("\n");
}

/**
 * Where the CPU went during the burst phase, in % of one core (200 % = both cores of a 2-core
 * machine): app nodes or cluster workers summed, redis-server, HAProxy, the cluster primary, and
 * the load workers summed.
 */
export function cpuTable(runs: RunRecord[]): string {
  const header = [
    "scenario",
    "clients",
    "nodes",
    "redis",
    "haproxy",
    "primary",
    "generator",
    "total",
  ];
  const rows = runs.flatMap((r) => {
    const f = r.figures;
    if (!f) return [];
    const wall = f.burst.durationMs;
    const pct = (ms: number | null) =>
      ms === null || wall <= 0 ? "–" : `${Math.round((ms / wall) * 100)}`;
    const sum = (pick: (name: string) => boolean) =>
      Object.entries(f.burst.cpuMs)
        .filter(([name]) => pick(name))
        .reduce<number | null>((n, [, v]) => (v === null ? n : (n ?? 0) + v), null);
    const nodes = sum((n) => n.startsWith("node-") || n.startsWith("cluster-w"));
    const redis = sum((n) => n === "redis-server");
    const haproxy = sum((n) => n === "haproxy");
    const primary = sum((n) => n === "cluster-primary");
    const total = [nodes, redis, haproxy, primary, f.burst.generatorCpuMs].reduce<number>(
      (n, v) => n + (v ?? 0),
      0,
    );
    return [
      [
        r.scenario,
        String(r.clients),
        pct(nodes),
        pct(redis),
        pct(haproxy),
        pct(primary),
        pct(f.burst.generatorCpuMs),
        pct(total),
      ],
    ];
  });
  return markdownTable(header, rows);
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${header.map((_, i) => (cells[i] ?? "").padEnd(widths[i])).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

/** Writes `bench/results/<YYYY-MM-DD>.json` (UTC date) under `root`; returns its path. */
export function writeReport(root: string, report: BenchReport, suffix = ""): string {
  const dir = join(root, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.startedAt.slice(0, 10)}${suffix}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
  return file;
}
