/** Per-process figures read from Linux's /proc and the app's `/metrics`. */
import { readFileSync } from "node:fs";
import { metricValue } from "../helpers/metricsText";

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = 100;

/** Resident set size in bytes (`VmRSS`), or undefined when the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) the process has used, in ms, or undefined when it is gone. */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** `nodejs_heap_size_used_bytes` from a node's `/metrics`, or undefined. */
export async function heapUsedBytes(metricsUrl: string | undefined): Promise<number | undefined> {
  if (metricsUrl === undefined) return undefined;
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
    return metricValue(await res.text(), "nodejs_heap_size_used_bytes");
  } catch {
    return undefined;
  }
}

/** The soft limit on open files of this process (what `ulimit -n` shows in its shell). */
export function openFilesLimit(): number | undefined {
  const match = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  return match ? Number(match[1]) : undefined;
}

/** CPU ms used by each of `pids` between two readings. */
export function cpuDelta(
  before: Map<string, number | undefined>,
  procs: { name: string; pid: number }[],
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const { name, pid } of procs) {
    const a = before.get(name);
    const b = cpuMs(pid);
    out[name] = a === undefined || b === undefined ? null : Math.round(b - a);
  }
  return out;
}

export function cpuSnapshot(
  procs: { name: string; pid: number }[],
): Map<string, number | undefined> {
  return new Map(procs.map(({ name, pid }) => [name, cpuMs(pid)]));
}
