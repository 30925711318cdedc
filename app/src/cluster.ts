/**
 * Node.js cluster mode (Socket.IO docs, "Using Node.js cluster"): one machine, N worker
 * processes, no Redis.
 *
 * - The primary owns the listening socket. `@socket.io/sticky`'s `setupMaster` hands each
 *   connection to a worker, routing by the `sid` query parameter so every request of a
 *   long-polling session reaches the worker that holds it (no cookie needed); new sessions go to
 *   the least-loaded worker. `@socket.io/cluster-adapter`'s `setupPrimary` relays adapter
 *   messages between workers, so broadcasts reach every worker's clients.
 * - Each worker runs `createFleetServer` with the cluster adapter and `setupWorker(io)` instead
 *   of listening itself (`handedConnections`: it counts as listening, and opens no metrics
 *   listener, since workers sharing `METRICS_PORT` would answer scrapes in turn). Its node id is
 *   `<NODE_ID>-w<worker id>`.
 *
 * Environment: the app contract (`SOCKETIO_ADAPTER` and `REDIS_URL` are ignored: the adapter is
 * the cluster adapter) plus `CLUSTER_WORKERS` (default: the number of CPUs). On SIGTERM the
 * primary stops listening and forwards the signal; each worker drains as in `main.ts`. A worker
 * that dies otherwise is replaced.
 *
 * Run: `CLUSTER_WORKERS=3 PORT=3000 node dist/app/src/cluster.js`
 */
import cluster, { type Worker } from "node:cluster";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { setupMaster, setupWorker } from "@socket.io/sticky";
import { createAdapter, setupPrimary } from "@socket.io/cluster-adapter";
import { type AppConfig, AppEnvError } from "../../components/shared/appEnv";
import { APP_DRAIN_SECONDS } from "../../components/shared/defaults";
import { type EntryEnv, orExit, readEntryEnv } from "./env";
import { createLogger } from "./logger";
import { createFleetServer } from "./server";
import { exitOnSignals } from "./shutdown";

export const CLUSTER_WORKERS_ENV = "CLUSTER_WORKERS";

function readClusterEnv(): EntryEnv & { workers: number } {
  const raw = process.env[CLUSTER_WORKERS_ENV]?.trim() ?? "";
  const workers = raw === "" ? availableParallelism() : /^\d+$/.test(raw) ? Number(raw) : NaN;
  const problems =
    workers >= 1 && workers <= 256
      ? []
      : [`${CLUSTER_WORKERS_ENV}="${raw}" must be an integer from 1 to 256`];
  let entry: EntryEnv;
  try {
    // Cluster mode needs no Redis: parse the contract as for a single in-memory node.
    entry = readEntryEnv({ ...process.env, SOCKETIO_ADAPTER: "memory" });
  } catch (err) {
    if (err instanceof AppEnvError) throw new AppEnvError([...err.problems, ...problems]);
    throw err;
  }
  if (problems.length > 0) throw new AppEnvError(problems);
  return { ...entry, workers };
}

function runPrimary(config: AppConfig, workers: number): void {
  const logger = createLogger(config);
  const httpServer = createServer();
  setupMaster(httpServer, { loadBalancingMethod: "least-connection" });
  setupPrimary();
  cluster.setupPrimary({ serialization: "advanced" });

  let stopping = false;
  let exitCode = 0; // 1 when a worker fails to drain cleanly
  const fork = () => cluster.fork({ ...process.env });
  cluster.on("exit", (worker: Worker, code, signal) => {
    logger.info({ worker: worker.id, code, signal }, "worker exited");
    if (!stopping) return void fork();
    if (code !== 0) exitCode = 1;
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down workers");
    httpServer.close();
    setTimeout(() => process.exit(1), APP_DRAIN_SECONDS * 1000).unref();
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    if (alive.length === 0) process.exit(0);
    for (const worker of alive) worker.process.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  // Listen once every worker can take connections, so the first requests find one.
  let readyWorkers = 0;
  cluster.on("message", (_worker: Worker, message: unknown) => {
    if (!isWorkerReady(message) || ++readyWorkers !== workers) return;
    httpServer.listen(config.port, () => {
      const address = httpServer.address();
      const port = typeof address === "object" && address !== null ? address.port : config.port;
      logger.info({ port, workers, mode: "cluster" }, "listening");
    });
  });
  for (let i = 0; i < workers; i++) fork();
}

function runWorker({ config, drain }: EntryEnv): void {
  const nodeId = `${config.nodeId}-w${cluster.worker?.id ?? process.pid}`;
  const fleet = createFleetServer(
    { ...config, nodeId },
    { adapter: createAdapter(), drain, handedConnections: true },
  );
  setupWorker(fleet.io);
  exitOnSignals(() => fleet.close(), fleet.logger);
  fleet.logger.info("worker ready");
  process.send?.(WORKER_READY);
}

const WORKER_READY = { type: "socketio-fleet:worker-ready" } as const;

function isWorkerReady(message: unknown): boolean {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { type?: unknown }).type === WORKER_READY.type
  );
}

const env = orExit(readClusterEnv);
if (cluster.isPrimary) runPrimary(env.config, env.workers);
else runWorker(env);
