/**
 * Real child processes for end-to-end tests: started in their own process group, their output
 * kept for diagnostics, and all of them stopped by `stopAll()` (call it in an `after` hook), also
 * when a test fails. A process that dies early fails the waits that depend on it.
 */
import { type ChildProcess, spawn, type SpawnOptions } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the exit code (or signal name) once it has exited. */
  exited: Promise<number | string>;
  /** Sends `signal` to the process (default SIGTERM) and waits for it to exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const running = new Set<ManagedProcess>();

export function start(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ManagedProcess {
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    ...options,
  });
  let text = "";
  const keep = (chunk: Buffer) => {
    text += chunk.toString();
    if (text.length > 200_000) text = text.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
    child.on("error", (err) => {
      text += `\n[spawn error] ${err.message}`;
      resolve("spawn-error");
    });
  });
  const proc: ManagedProcess = {
    name,
    child,
    output: () => text,
    exited,
    async stop(signal = "SIGTERM", timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) {
        signalGroup(child, signal);
        // An unref'd timer, so a stopped process never keeps mocha alive.
        const timer = sleep(timeoutMs, "timeout", { ref: false });
        if ((await Promise.race([exited, timer])) === "timeout") signalGroup(child, "SIGKILL");
      }
      running.delete(proc);
      return exited;
    },
  };
  running.add(proc);
  exited.then(() => running.delete(proc));
  return proc;
}

/** Signals the child's whole process group (it may have started children of its own). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // not a group leader (spawned with detached: false)
  }
}

/** Stops every process started through `start` that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGTERM", 5000)));
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`, failing after
 * `timeoutMs` with `what` and, when given, the output of `watch` (a process that should be up).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs = 15_000,
    intervalMs = 50,
    watch,
  }: { timeoutMs?: number; intervalMs?: number; watch?: ManagedProcess } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (watch && (watch.child.exitCode !== null || watch.child.signalCode !== null)) {
      throw new Error(`${watch.name} exited while waiting for ${what}:\n${watch.output()}`);
    }
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
  const output = watch ? `\n${watch.name} output:\n${watch.output()}` : "";
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}${output}`);
}

/** Resolves once `url` answers with `status` (default 200). */
export function waitForHttp(
  url: string,
  {
    status = 200,
    timeoutMs = 15_000,
    watch,
  }: { status?: number; timeoutMs?: number; watch?: ManagedProcess } = {},
): Promise<true> {
  return waitFor(
    `${url} to answer ${status}`,
    async () =>
      (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === status || undefined,
    { timeoutMs, watch },
  );
}
