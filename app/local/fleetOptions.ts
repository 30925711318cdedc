/**
 * The local fleet engine's options and events (`fleet.ts`): what `npm start`, the tests and the
 * benchmark pass to `LocalFleet.start`.
 */
import type { ResolvedFleetSpec } from "../../components/shared/args";
import type { RedisMode } from "../../components/shared/appEnvKeys";
import type { MonitoringOptions } from "./monitoring";
import type { ProxyKind } from "./proxyProcess";
import type { ExitEvent, ProcessSnapshot, RestartPolicy } from "./supervisor";

export interface LocalFleetOptions {
  /** Resolved fleet spec; `spec.replicas` nodes are started. */
  spec: ResolvedFleetSpec;
  /** redis-server binary; without it the nodes run the in-memory adapter. */
  redisBinary?: string;
  redisTls?: boolean;
  /**
   * `standalone` (one redis-server) or `cluster`: a Redis Cluster of 3 masters + 3 replicas
   * (`redisCluster.ts`, needs `redisCli`); the nodes get `REDIS_MODE=cluster` and a seed URL.
   * @default "standalone"
   */
  redisMode?: RedisMode;
  /** redis-cli binary (forms and reshards the cluster); required with `redisMode: "cluster"`. */
  redisCli?: string;
  /** `cluster-node-timeout` of the cluster. @default 2000 */
  clusterNodeTimeoutMs?: number;
  /** The node's entry point (compiled JS). @default the app's `dist/app/src/main.js` */
  nodeEntry?: string;
  /** Without it no proxy runs (clients use the nodes' own URLs). */
  proxy?: { kind: ProxyKind; binary: string; port?: number; balance?: "roundrobin" | "leastconn" };
  restart: RestartPolicy;
  /** Environment added to every node (LOG_LEVEL, DRAIN_GRACE_MS, …). */
  nodeEnv?: Record<string, string>;
  /** Where config and (with `logFiles`) logs go; a new temp directory when left out. */
  runDir?: string;
  /** Append each process's output to `<runDir>/<name>.log` (the launcher does). */
  logFiles?: boolean;
  /** How long a starting process may take to become ready. @default 30000 */
  readyTimeoutMs?: number;
  /** Prometheus (and a redis exporter) evaluating the fleet's alerts (`monitoring.ts`). */
  monitoring?: MonitoringOptions;
}

export interface AddNodeOptions {
  /** Wait until it is ready and the proxy routes to it. @default true */
  waitReady?: boolean;
  extraEnv?: Record<string, string>;
}

export type FleetEvents = {
  exit: [ExitEvent];
  state: [string, ProcessSnapshot];
  scaled: [string[]];
  fatal: [string];
};
