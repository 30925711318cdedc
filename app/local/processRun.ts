/**
 * One run of one child process: spawned in a process group of its own (so nginx and Apache
 * workers and cluster-mode workers go with their parent), its output kept in memory (bounded)
 * and, when asked, appended to a log file. The supervisor starts a new run after each exit; the
 * tests' `start()` is one run without a supervisor. Every live run is in `liveRuns`, so a test's
 * `stopAll()` and the launcher's shutdown can find whatever is still running.
 */
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { type WriteStream, createWriteStream, readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** How a run ended: the exit code, the signal name, or `spawn error: …`. */
export type ExitCause = number | string;

export interface ProcessRun {
  name: string;
  child: ChildProcess;
  /** -1 when the spawn failed. */
  pid: number;
  startedAt: number;
  /** Everything it printed so far (stdout and stderr interleaved; the last 200 kB at most). */
  output(): string;
  /** The last `count` lines of its output. */
  lastLines(count?: number): string;
  /** Resolves with the exit code or signal name once it has exited. */
  exited: Promise<ExitCause>;
  hasExited(): boolean;
  /** Sends `signal` to the whole process group; ignores a group that is already gone. */
  signal(signal: NodeJS.Signals): void;
  /** `signal` (default SIGTERM), then SIGKILL after `timeoutMs`; resolves with the exit cause. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitCause>;
}

export interface SpawnSpec {
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appends the output here too (mode 600). */
  logFile?: string;
  /** Defaults to ignore/pipe/pipe; a test may add `"ipc"`. */
  stdio?: StdioOptions;
}

/** Output kept per run: enough for a test to read every log line of a short run. */
const KEEP_CHARS = 200_000;

/** Runs that have not exited yet. */
export const liveRuns = new Set<ProcessRun>();

export function spawnProcess(spec: SpawnSpec): ProcessRun {
  const child = spawn(spec.command, [...spec.args], {
    env: spec.env ?? process.env,
    cwd: spec.cwd,
    stdio: spec.stdio ?? ["ignore", "pipe", "pipe"],
    detached: true, // a process group of its own: one signal reaches its workers too
  });
  let log: WriteStream | undefined;
  if (spec.logFile !== undefined)
    log = createWriteStream(spec.logFile, { flags: "a", mode: 0o600 });
  let text = "";
  const keep = (chunk: Buffer) => {
    text += chunk.toString();
    if (text.length > KEEP_CHARS) text = text.slice(-KEEP_CHARS / 2);
    log?.write(chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let done = false;
  const exited = new Promise<ExitCause>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.once("error", (err) => {
      text += `\n[spawn error] ${err.message}\n`;
      resolve(`spawn error: ${err.message}`);
    });
  }).then((cause) => {
    done = true;
    liveRuns.delete(run);
    log?.end();
    return cause;
  });
  const pid = child.pid ?? -1;
  const run: ProcessRun = {
    name: spec.name,
    child,
    pid,
    startedAt: Date.now(),
    output: () => text,
    lastLines: (count = 20) => lastLines(text, count),
    exited,
    hasExited: () => done,
    signal: (signal) => signalGroup(pid, signal),
    async stop(signal = "SIGTERM", timeoutMs = 10_000) {
      if (!done) {
        signalGroup(pid, signal);
        // An unref'd timer, so a stopped process never keeps a test runner alive.
        const timer = sleep(timeoutMs, "timeout", { ref: false });
        if ((await Promise.race([exited, timer])) === "timeout") signalGroup(pid, "SIGKILL");
      }
      return exited;
    },
  };
  if (pid > 0) liveRuns.add(run);
  return run;
}

/** Sends `signal` to the process group led by `pid`; ignores a group that is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Whether any process of the group led by `pid` is still alive. */
export function groupAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to every group, then SIGKILL to the groups still alive after `graceMs`; resolves when
 * every group is gone (bounded: a zombie left unreaped by a foreign init would keep its group
 * "alive" forever).
 */
export async function stopGroups(pids: readonly number[], graceMs: number): Promise<void> {
  for (const pid of pids) signalGroup(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some(groupAlive) && Date.now() < deadline)
    await sleep(100, undefined, { ref: false });
  for (const pid of pids) if (groupAlive(pid)) signalGroup(pid, "SIGKILL");
  const killDeadline = Date.now() + 3000;
  while (pids.some(groupAlive) && Date.now() < killDeadline)
    await sleep(50, undefined, { ref: false });
}

export function lastLines(text: string, count: number): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-count).join("\n");
}

/** The direct children of `pid` (Linux `/proc/<pid>/task/<tid>/children`). */
export function childPids(pid: number): number[] {
  const pids: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const child of text.split(/\s+/).filter((p) => p !== "")) pids.push(Number(child));
    }
  } catch {
    // exited
  }
  return pids;
}
