/**
 * One app node (`dist/app/src/main.js`) as a supervised process, configured through the app
 * environment contract exactly as the targets configure theirs, on a port and a metrics port of
 * its own (several nodes share this machine; `METRICS_PORT` would otherwise collide at 9464).
 */
import type { ResolvedFleetSpec } from "../../components/shared/args";
import type { RedisMode } from "../../components/shared/appEnvKeys";
import { renderAppEnv } from "../../components/shared/appEnv";
import { proxyNodeKeepAliveMs } from "../../components/proxies/common";
import { appEntry } from "./appEntry";
import { HOST, httpOk } from "./probes";
import { type RestartPolicy, SupervisedProcess } from "./supervisor";

export interface AppNodeOptions {
  name: string;
  port: number;
  metricsPort: number;
  spec: ResolvedFleetSpec;
  /** Without it the node runs the in-memory adapter (no Redis). */
  redisUrl?: string;
  /** `cluster`: `redisUrl` is a seed node of a Redis Cluster (`REDIS_MODE`). @default standalone */
  redisMode?: RedisMode;
  /** The entry point to run (compiled JS). @default the app's `main.js` */
  entry?: string;
  /** Added last (LOG_LEVEL, DRAIN_GRACE_MS, a test's bad value). */
  extraEnv?: Record<string, string>;
  restart: RestartPolicy;
  logFile?: string;
}

export interface AppNodeService {
  name: string;
  host: string;
  port: number;
  metricsPort: number;
  url: string;
  process: SupervisedProcess;
}

export function appNodeService(options: AppNodeOptions): AppNodeService {
  const env = nodeEnvironment(options);
  const entry = options.entry ?? appEntry("main.js");
  const url = `http://${HOST}:${options.port}`;
  const process = new SupervisedProcess({
    name: options.name,
    kind: "node",
    restart: options.restart,
    launch: () => ({
      command: globalThis.process.execPath,
      args: [entry],
      env,
      logFile: options.logFile,
    }),
    ready: () => httpOk(`${url}/readyz`),
  });
  return {
    name: options.name,
    host: HOST,
    port: options.port,
    metricsPort: options.metricsPort,
    url,
    process,
  };
}

/** The node's environment: this process's, the contract for the spec, then `extraEnv`. */
export function nodeEnvironment(
  options: Pick<
    AppNodeOptions,
    "name" | "port" | "metricsPort" | "spec" | "redisUrl" | "redisMode" | "extraEnv"
  >,
): NodeJS.ProcessEnv {
  const contract = renderAppEnv(options.spec, {
    redisUrl: options.redisUrl,
    nodeId: options.name,
    redisMode: options.redisMode,
    metricsPort: options.metricsPort,
    // Above the reuse window of the proxy the engine renders in front of the nodes.
    httpKeepAliveTimeoutMs: proxyNodeKeepAliveMs(options.spec),
    maxConnections: options.spec.maxConnectionsPerNode,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...contract,
    PORT: String(options.port),
    ...(options.redisUrl === undefined ? { SOCKETIO_ADAPTER: "memory" } : {}),
    ...options.extraEnv,
  };
  if (options.redisUrl === undefined) delete env.REDIS_URL;
  return env;
}
