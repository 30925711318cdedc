/**
 * The app's cluster mode (`dist/app/src/cluster.js`: workers behind @socket.io/sticky with the
 * cluster adapter, no Redis) as a supervised process: the launcher's fallback when redis-server
 * or the proxy is missing, and the benchmark's scenario D.
 */
import { readFileSync } from "node:fs";
import type { ResolvedFleetSpec } from "../../components/shared/args";
import { renderAppEnv } from "../../components/shared/appEnv";
import { appEntry } from "./appEntry";
import { HOST, httpOk } from "./probes";
import { childPids } from "./processRun";
import { type RestartPolicy, SupervisedProcess } from "./supervisor";

export interface ClusterOptions {
  port: number;
  metricsPort: number;
  workers: number;
  spec: ResolvedFleetSpec;
  restart: RestartPolicy;
  extraEnv?: Record<string, string>;
  logFile?: string;
}

export interface ClusterService {
  port: number;
  url: string;
  process: SupervisedProcess;
}

export function clusterService(options: ClusterOptions): ClusterService {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...renderAppEnv(options.spec, { nodeId: "cluster", metricsPort: options.metricsPort }),
    SOCKETIO_ADAPTER: "memory",
    PORT: String(options.port),
    HOST,
    CLUSTER_WORKERS: String(options.workers),
    ...options.extraEnv,
  };
  delete env.REDIS_URL;
  const entry = appEntry("cluster.js");
  const url = `http://${HOST}:${options.port}`;
  const supervised = new SupervisedProcess({
    name: "cluster",
    kind: "cluster",
    restart: options.restart,
    launch: () => ({ command: process.execPath, args: [entry], env, logFile: options.logFile }),
    ready: () => httpOk(`${url}/readyz`),
  });
  return { port: options.port, url, process: supervised };
}

/**
 * The cluster primary's worker processes, named as `whoami` names them (`cluster-w<worker id>`;
 * Node passes the worker id to each worker as `NODE_UNIQUE_ID`).
 */
export function clusterWorkers(primary: number): { name: string; pid: number }[] {
  const workers: { name: string; pid: number }[] = [];
  for (const pid of childPids(primary)) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const id = environ.find((e) => e.startsWith("NODE_UNIQUE_ID="))?.split("=")[1];
      if (id !== undefined) workers.push({ name: `cluster-w${id}`, pid });
    } catch {
      // exited meanwhile
    }
  }
  return workers.sort((a, b) => a.name.localeCompare(b.name));
}
