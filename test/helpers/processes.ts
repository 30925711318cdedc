/**
 * Real child processes for end-to-end tests, started by the local fleet engine's process runs
 * (`app/local/processRun.ts`: own process group, output kept for diagnostics). `stopAll()` (call
 * it in an `after` hook) stops every supervised process and every run still alive, also when a
 * test fails. A process that dies early fails the waits that depend on it.
 */
import type { SpawnOptions } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { type ProcessRun, liveRuns, spawnProcess } from "../../app/local/processRun";
import { liveSupervisors } from "../../app/local/supervisor";

/** One run of a process: `child`, `output()`, `exited`, `stop()` (the engine's `ProcessRun`). */
export type ManagedProcess = ProcessRun;

export function start(
  name: string,
  command: string,
  args: string[],
  options: Pick<SpawnOptions, "env" | "cwd" | "stdio"> = {},
): ManagedProcess {
  return spawnProcess({
    name,
    command,
    args,
    env: options.env,
    cwd: typeof options.cwd === "string" ? options.cwd : undefined,
    stdio: options.stdio,
  });
}

/** Stops every supervised process, then every run still alive (SIGTERM, SIGKILL after 5 s). */
export async function stopAll(): Promise<void> {
  await Promise.all([...liveSupervisors].map((p) => p.stop("SIGTERM", 5000)));
  await Promise.all([...liveRuns].map((p) => p.stop("SIGTERM", 5000)));
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
