/**
 * Child processes of the local fleet, each in a process group of its own (so the nginx and
 * Apache workers and cluster-mode workers go with their parent), output appended to a log file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code or signal name. */
  exited: Promise<number | string>;
  hasExited(): boolean;
}

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  { env, logFile }: { env?: NodeJS.ProcessEnv; logFile: string },
): Child {
  const fd = openSync(logFile, "a", 0o600);
  const child = spawn(command, args, {
    env: env ?? process.env,
    stdio: ["ignore", fd, fd],
    detached: true, // a process group of its own: one signal reaches its workers too
  });
  closeSync(fd);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once("exit", (code, signal) => {
      done = true;
      resolve(code ?? signal ?? "unknown");
    });
    child.once("error", (err) => {
      done = true;
      resolve(`spawn error: ${err.message}`);
    });
  });
  if (child.pid === undefined) {
    return { name, process: child, pid: -1, logFile, exited, hasExited: () => true };
  }
  return { name, process: child, pid: child.pid, logFile, exited, hasExited: () => done };
}

/** Sends `signal` to the child's whole process group; ignores a group that is already gone. */
export function signalGroup(child: Child, signal: NodeJS.Signals): void {
  if (child.pid <= 0) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Whether any process of the group is still alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to every group, then SIGKILL to the groups still alive after `graceMs`; resolves when
 * every group is gone.
 */
export async function stopChildren(children: readonly Child[], graceMs: number): Promise<void> {
  for (const child of children) signalGroup(child, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (children.some((c) => groupAlive(c.pid)) && Date.now() < deadline) await sleep(100);
  for (const child of children) if (groupAlive(child.pid)) signalGroup(child, "SIGKILL");
  // Bounded: a zombie left unreaped by a foreign init would keep its group "alive" forever.
  const killDeadline = Date.now() + 3000;
  while (children.some((c) => groupAlive(c.pid)) && Date.now() < killDeadline) await sleep(50);
}
