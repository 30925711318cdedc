/**
 * One supervised process, like a container under ECS or a kubelet: started from its spec, probed
 * until ready, and, under `restart: "always"`, started again on the same spec after an
 * unexpected exit with exponential backoff (`backoff.ts`). Under `restart: "never"` an
 * unexpected exit is final (`failed`): the launcher's fail-fast mode and the fault tests, which
 * restart nodes themselves. State changes are events, so the launcher logs them and the
 * dashboard shows them.
 */
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { BACKOFF, type Backoff, nextCrashCount, restartDelayMs } from "./backoff";
import {
  type ExitCause,
  type ProcessRun,
  type SpawnSpec,
  signalGroup,
  spawnProcess,
} from "./processRun";

export type RestartPolicy = "always" | "never";
export const RESTART_POLICIES: readonly RestartPolicy[] = ["always", "never"];

/**
 * - `starting`: spawned, readiness probe not yet passed;
 * - `running`: passed its probe once (the dashboard shows live readiness apart);
 * - `backoff`: exited unexpectedly, restarts at `restartAt`;
 * - `stopping` / `stopped`: asked to stop (drain, scale-in, shutdown);
 * - `failed`: exited unexpectedly under `restart: "never"`.
 */
export type ProcessState = "starting" | "running" | "backoff" | "stopping" | "stopped" | "failed";

export type ProcessKind = "redis" | "node" | "proxy" | "cluster" | "monitoring";

export interface SupervisedSpec {
  name: string;
  kind: ProcessKind;
  /** What to run; called for every start, so a restart runs the same command on the same port. */
  launch: () => Omit<SpawnSpec, "name">;
  /** Readiness probe (a rejection counts as not ready). */
  ready: () => Promise<boolean>;
  restart: RestartPolicy;
  backoff?: Backoff;
}

export interface ExitEvent {
  name: string;
  kind: ProcessKind;
  pid: number;
  cause: ExitCause;
  ranMs: number;
  /** The last lines of its output, for the log. */
  lastLines: string;
  /** Milliseconds until the restart; undefined when it is not restarted. */
  restartInMs?: number;
}

export interface ProcessSnapshot {
  name: string;
  kind: ProcessKind;
  pid: number;
  state: ProcessState;
  restarts: number;
  /** Since the current run started; 0 when none runs. */
  uptimeMs: number;
  lastExit?: { cause: ExitCause; at: number };
  restartAt?: number;
}

/** Supervised processes not stopped yet, so a test's `stopAll()` can stop every one. */
export const liveSupervisors = new Set<SupervisedProcess>();

/** Probe interval while a process starts (loopback: cheap). */
const PROBE_INTERVAL_MS = 100;

export class SupervisedProcess extends EventEmitter {
  readonly name: string;
  readonly kind: ProcessKind;
  state: ProcessState = "stopped";
  /** Starts after the first one. */
  restarts = 0;
  run?: ProcessRun;
  lastExit?: { cause: ExitCause; at: number };
  restartAt?: number;
  private crashes = 0;
  private restartTimer?: NodeJS.Timeout;
  private readonly backoff: Backoff;

  constructor(private readonly spec: SupervisedSpec) {
    super();
    this.name = spec.name;
    this.kind = spec.kind;
    this.backoff = spec.backoff ?? BACKOFF;
  }

  /** Spawns the process; resolves at once (see `whenReady`). */
  start(): void {
    clearTimeout(this.restartTimer);
    this.restartAt = undefined;
    const run = spawnProcess({ name: this.name, ...this.spec.launch() });
    this.run = run;
    liveSupervisors.add(this);
    this.setState("starting");
    void run.exited.then((cause) => this.onExit(run, cause));
    void this.probeUntilReady(run);
  }

  /**
   * Resolves once the process is `running`; rejects when it fails, is stopped, or is not ready
   * within `timeoutMs`, with its last log lines.
   */
  whenReady(timeoutMs = 20_000): Promise<void> {
    if (this.state === "running") return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} not ready within ${timeoutMs} ms${this.logTail()}`));
      }, timeoutMs);
      const onState = (state: ProcessState) => {
        if (state === "running") {
          cleanup();
          resolve();
        } else if (state === "failed" || state === "stopped") {
          cleanup();
          reject(new Error(`${this.name} ${state} before it was ready${this.logTail()}`));
        }
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.off("state", onState);
      };
      this.on("state", onState);
    });
  }

  /** Sends `signal` to the current run without stopping supervision (a crash, as far as it knows). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    this.run?.signal(signal);
  }

  /** Stops supervision, then the process: `signal`, SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<ExitCause | undefined> {
    clearTimeout(this.restartTimer);
    this.restartAt = undefined;
    const run = this.run;
    if (run === undefined || run.hasExited()) {
      this.setState("stopped");
      return run === undefined ? undefined : run.exited;
    }
    this.setState("stopping");
    const cause = await run.stop(signal, graceMs);
    this.setState("stopped");
    return cause;
  }

  /** Stops the process (SIGTERM) and starts it again at once, as a planned restart. */
  async restartNow(graceMs = 10_000): Promise<void> {
    await this.stop("SIGTERM", graceMs);
    this.restarts++;
    this.start();
  }

  snapshot(): ProcessSnapshot {
    const live = this.run !== undefined && !this.run.hasExited();
    return {
      name: this.name,
      kind: this.kind,
      pid: live ? (this.run?.pid ?? -1) : -1,
      state: this.state,
      restarts: this.restarts,
      uptimeMs: live ? Date.now() - (this.run?.startedAt ?? Date.now()) : 0,
      lastExit: this.lastExit,
      restartAt: this.restartAt,
    };
  }

  private async probeUntilReady(run: ProcessRun): Promise<void> {
    while (this.run === run && this.state === "starting" && !run.hasExited()) {
      if (await this.spec.ready().catch(() => false)) {
        if (this.run === run && this.state === "starting" && !run.hasExited()) {
          this.setState("running");
        }
        return;
      }
      await sleep(PROBE_INTERVAL_MS, undefined, { ref: false });
    }
  }

  private onExit(run: ProcessRun, cause: ExitCause): void {
    // Like a container runtime with its cgroup: whatever the process left in its group (nginx or
    // HAProxy workers of a killed master, cluster workers) goes with it, so a restart never
    // meets an orphan holding the port with the old config.
    signalGroup(run.pid, "SIGKILL");
    if (this.run !== run) return;
    this.lastExit = { cause, at: Date.now() };
    if (this.state === "stopping" || this.state === "stopped") return;
    const ranMs = Date.now() - run.startedAt;
    const event: ExitEvent = {
      name: this.name,
      kind: this.kind,
      pid: run.pid,
      cause,
      ranMs,
      lastLines: run.lastLines(10),
    };
    if (this.spec.restart === "never") {
      this.emit("exit", event);
      this.setState("failed");
      return;
    }
    this.crashes = nextCrashCount(this.crashes, ranMs, this.backoff);
    const delay = restartDelayMs(this.crashes, this.backoff);
    event.restartInMs = delay;
    this.restartAt = Date.now() + delay;
    this.emit("exit", event);
    this.setState("backoff");
    this.restartTimer = setTimeout(() => {
      if (this.state !== "backoff") return;
      this.restarts++;
      this.start();
    }, delay);
    this.restartTimer.unref(); // the launcher's dashboard and signals keep it alive, not this
  }

  private setState(state: ProcessState): void {
    if (this.state === state) return;
    this.state = state;
    if (state === "stopped" || state === "failed") liveSupervisors.delete(this);
    this.emit("state", state, this.snapshot());
  }

  private logTail(): string {
    const lines = this.run?.lastLines(20) ?? "";
    return lines === "" ? "" : `; last lines of its output:\n${lines}`;
  }
}
