/**
 * The parent side of the load generator: forks `loadWorker.js` processes, gives each its share
 * of the clients, and talks to them one request at a time (every request has a timeout).
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { ConnectResult, ParentMessage, PhaseResult, WorkerMessage } from "./protocol";

export interface LoadWorker {
  index: number;
  child: ChildProcess;
  /** How many clients this worker holds. */
  count: number;
  /** Node id of each of its clients after connecting (null: failed). */
  nodes: (string | null)[];
}

/** A client of the whole generator: which worker holds it and its index there. */
export interface ClientRef {
  worker: number;
  local: number;
  node: string;
}

const forked = new Set<ChildProcess>();

export function forkWorkers(count: number): LoadWorker[] {
  const workers: LoadWorker[] = [];
  for (let index = 0; index < count; index++) {
    const child = fork(join(__dirname, "loadWorker.js"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    forked.add(child);
    child.once("exit", () => forked.delete(child));
    workers.push({ index, child, count: 0, nodes: [] });
  }
  return workers;
}

/** Kills every worker still alive (on failure or Ctrl-C). */
export function killWorkers(): void {
  for (const child of forked) child.kill("SIGKILL");
  forked.clear();
}

/** Sends `message` and resolves with the worker's next message of type `expect`. */
export function request<T extends WorkerMessage["type"]>(
  worker: LoadWorker,
  message: ParentMessage,
  expect: T,
  timeoutMs: number,
): Promise<Extract<WorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const child = worker.child;
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (raw: unknown) => {
      const reply = raw as WorkerMessage;
      if (reply.type === "error") {
        cleanup();
        reject(new Error(`load worker ${worker.index}: ${reply.message}`));
      } else if (reply.type === expect) {
        cleanup();
        resolve(reply as Extract<WorkerMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`load worker ${worker.index} exited (${code}) during ${message.type}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`load worker ${worker.index}: no ${expect} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(message);
  });
}

/** Fire-and-forget (paced sends: the worker's `sent` reply is not awaited). */
export function tell(worker: LoadWorker, message: ParentMessage): void {
  if (worker.child.connected) worker.child.send(message);
}

/** Splits `clients` over the workers and connects them all; resolves with every worker's result. */
export async function connectClients(
  workers: LoadWorker[],
  url: string,
  clients: number,
  concurrency: number,
  timeoutMs: number,
): Promise<ConnectResult[]> {
  const results = await Promise.all(
    workers.map((worker) => {
      worker.count =
        Math.floor(clients / workers.length) + (worker.index < clients % workers.length ? 1 : 0);
      return request(
        worker,
        { type: "connect", url, count: worker.count, concurrency, timeoutMs },
        "connected",
        timeoutMs + 120_000,
      );
    }),
  );
  results.forEach((r, i) => (workers[i].nodes = r.nodes));
  return results;
}

/** Every connected client, in worker order. */
export function clientRefs(workers: LoadWorker[]): ClientRef[] {
  return workers.flatMap((w) =>
    w.nodes.flatMap((node, local) => (node === null ? [] : [{ worker: w.index, local, node }])),
  );
}

export function startPhase(workers: LoadWorker[], id: number, messages: number, latency: boolean) {
  for (const w of workers) tell(w, { type: "phase", id, messages, latency });
}

export function endPhase(workers: LoadWorker[], perClient = false): Promise<PhaseResult[]> {
  return Promise.all(
    workers.map((w) => request(w, { type: "phaseEnd", perClient }, "phaseResult", 30_000)),
  );
}

/** Total unique deliveries so far in the current phase, and the latest arrival time. */
export async function countDeliveries(
  workers: LoadWorker[],
): Promise<{ unique: number; lastArrivalAt: number | null }> {
  const counts = await Promise.all(
    workers.map((w) => request(w, { type: "count" }, "count", 10_000)),
  );
  const arrivals = counts.map((c) => c.lastArrivalAt).filter((t): t is number => t !== null);
  return {
    unique: counts.reduce((n, c) => n + c.unique, 0),
    lastArrivalAt: arrivals.length > 0 ? Math.max(...arrivals) : null,
  };
}

export async function closeClients(workers: LoadWorker[]): Promise<void> {
  await Promise.allSettled(
    workers
      .filter((w) => w.child.connected)
      .map((w) => request(w, { type: "close" }, "closed", 10_000)),
  );
}
