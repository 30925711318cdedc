/**
 * The benchmark's scenarios, each started from nothing by the local fleet engine
 * (`app/local/`, the one `npm start` runs) and stopped completely:
 * - A: 3 nodes, `redis` adapter (pub/sub), redis-server, HAProxy;
 * - B: the same with `redis-streams`;
 * - C: 1 node with the in-memory adapter behind the same HAProxy config;
 * - D: the app's cluster mode (`cluster.js`, 3 workers, cluster adapter, no Redis) behind the
 *   same HAProxy config with the cluster's one port as its only server.
 * Under `restart: "never"`: the recovery run kills a node and must see it stay dead.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveFleetSpec } from "../../components/shared/resolve";
import type { AdapterKind } from "../../components/shared/args";
import { clusterService, clusterWorkers } from "../../app/local/clusterNode";
import { LocalFleet } from "../../app/local/fleet";
import { childPids } from "../../app/local/processRun";
import { proxyService } from "../../app/local/proxyService";
import { findBinary } from "../helpers/binaries";
import { freePort } from "../helpers/ports";
import { type ManagedProcess, stopAll, waitFor } from "../helpers/processes";
import { type RedisServer, redisServerOf } from "../helpers/redisServer";

export type ScenarioId = "A" | "B" | "C" | "D";

export interface ScenarioDef {
  id: ScenarioId;
  label: string;
  kind: "redis" | "redis-streams" | "memory" | "cluster";
  nodes: number;
}

export const SCENARIOS: Record<ScenarioId, ScenarioDef> = {
  A: { id: "A", label: "3 nodes, redis adapter, HAProxy", kind: "redis", nodes: 3 },
  B: { id: "B", label: "3 nodes, redis-streams adapter, HAProxy", kind: "redis-streams", nodes: 3 },
  C: { id: "C", label: "1 node, in-memory adapter, HAProxy", kind: "memory", nodes: 1 },
  D: { id: "D", label: "cluster mode, 3 workers, HAProxy", kind: "cluster", nodes: 3 },
};

/** A process that serves clients: an app node or a cluster worker. */
export interface BenchNode {
  /** Its node id, as `whoami` answers. */
  name: string;
  pid: number;
  /** Its own `/metrics` (not for cluster workers: the primary routes requests to any worker). */
  metricsUrl?: string;
  process?: ManagedProcess;
}

export interface RunningScenario {
  def: ScenarioDef;
  /** The proxy's URL: where clients connect. */
  url: string;
  nodes: BenchNode[];
  /** Other processes worth watching (redis-server, HAProxy, the cluster primary). */
  support: { name: string; pid: number }[];
  redis?: RedisServer;
  stop(): Promise<void>;
}

export function requireTool(name: string, pkg = name): string {
  const found = findBinary(name);
  if (!found) throw new Error(`${name} is not installed (apt-get install ${pkg})`);
  return found;
}

/** Common environment: quiet logs and no drain grace (the benchmark closes its clients first). */
const QUIET = { LOG_LEVEL: "warn", DRAIN_GRACE_MS: "0" };

export async function startScenario(def: ScenarioDef): Promise<RunningScenario> {
  const haproxy = requireTool("haproxy");
  const adapter: AdapterKind = def.kind === "redis-streams" ? "redis-streams" : "redis";
  const spec = resolveFleetSpec({ image: "bench", replicas: def.nodes, adapter });
  if (def.kind === "cluster") return startClusterScenario(def, spec, haproxy);
  const fleet = await LocalFleet.start({
    spec,
    redisBinary: def.kind === "memory" ? undefined : requireTool("redis-server"),
    proxy: { kind: "haproxy", binary: haproxy },
    restart: "never",
    nodeEnv: QUIET,
  });
  const nodes: BenchNode[] = await Promise.all(
    fleet.nodes.map(async (n) => ({
      name: n.name,
      pid: n.process.run?.pid ?? -1,
      metricsUrl: await metricsUrlOf(n.metricsPort, n.url),
      process: n.process.run,
    })),
  );
  const support = [
    ...(fleet.redis ? [{ name: "redis-server", pid: fleet.redis.process.run?.pid ?? -1 }] : []),
    { name: "haproxy", pid: haproxyWorker(fleet.proxy!.process.run!.pid) },
  ];
  return {
    def,
    url: fleet.proxy!.url,
    nodes,
    support,
    redis: fleet.redis ? redisServerOf(fleet.redis) : undefined,
    stop: () => stopAll(),
  };
}

async function startClusterScenario(
  def: ScenarioDef,
  spec: ReturnType<typeof resolveFleetSpec>,
  haproxy: string,
): Promise<RunningScenario> {
  const cluster = clusterService({
    port: await freePort(),
    metricsPort: await freePort(),
    workers: def.nodes,
    spec,
    restart: "never",
    extraEnv: QUIET,
  });
  cluster.process.start();
  await cluster.process.whenReady();
  const primary = cluster.process.run!.pid;
  const workers = await waitFor(`${def.nodes} cluster workers`, () => {
    const list = clusterWorkers(primary);
    return list.length === def.nodes ? list : undefined;
  });
  const proxy = proxyService({
    kind: "haproxy",
    binary: haproxy,
    spec,
    nodes: [{ name: "cluster", host: "127.0.0.1", port: cluster.port }],
    listen: { host: "127.0.0.1", port: await freePort() },
    dir: mkdtempSync(join(tmpdir(), "sio-haproxy-")),
    restart: "never",
  });
  proxy.process.start();
  await proxy.process.whenReady();
  await waitFor("HAProxy to have the cluster UP", () => proxy.allUp());
  return {
    def,
    url: proxy.url,
    nodes: workers,
    support: [
      { name: "cluster-primary", pid: primary },
      { name: "haproxy", pid: haproxyWorker(proxy.process.run!.pid) },
    ],
    stop: () => stopAll(),
  };
}

/**
 * The worker of HAProxy's master-worker mode: it does the proxying, so its CPU is HAProxy's (the
 * master only supervises). The benchmark never reloads, so the worker stays the same.
 */
function haproxyWorker(master: number): number {
  return childPids(master)[0] ?? master;
}

/** The node's metrics port once the app serves `/metrics` there, else its main port. */
async function metricsUrlOf(metricsPort: number, nodeUrl: string): Promise<string> {
  const dedicated = `http://127.0.0.1:${metricsPort}/metrics`;
  const text = await fetch(dedicated, { signal: AbortSignal.timeout(1000) })
    .then((r) => (r.status === 200 ? r.text() : ""))
    .catch(() => "");
  return text !== "" ? dedicated : `${nodeUrl}/metrics`;
}
