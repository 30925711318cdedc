/**
 * The benchmark's scenarios, each started from nothing and stopped completely:
 * - A: 3 nodes, `redis` adapter (pub/sub), redis-server, HAProxy;
 * - B: the same with `redis-streams`;
 * - C: 1 node with the in-memory adapter behind the same HAProxy config;
 * - D: the app's cluster mode (`cluster.js`, 3 workers, cluster adapter, no Redis) behind the
 *   same HAProxy config with the cluster's one port as its only server.
 * Nodes are started here rather than with `test/helpers/fleet.ts`'s `startNodes`: compiled to
 * `dist/test/helpers/`, its `REPO_ROOT` points at `dist/` and the entry it looks for does not
 * exist. Processes go through `test/helpers/processes.ts`, so `stopAll()` stops every one.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { resolveFleetSpec } from "../../components/spec/resolve";
import { renderAppEnv } from "../../components/spec/appEnv";
import type { AdapterKind, ResolvedFleetSpec } from "../../components/spec/args";
import { findBinary } from "../helpers/binaries";
import { freePort } from "../helpers/ports";
import { type ManagedProcess, start, stopAll, waitFor, waitForHttp } from "../helpers/processes";
import { startProxy } from "../helpers/proxies";
import { type RedisServer, startRedis } from "../helpers/redisServer";

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

const DIST_ROOT = join(__dirname, "..", "..");

export function appEntry(file: "main.js" | "cluster.js"): string {
  const entry = join(DIST_ROOT, "app", "src", file);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

export function requireTool(name: string, pkg = name): string {
  const found = findBinary(name);
  if (!found) throw new Error(`${name} is not installed (apt-get install ${pkg})`);
  return found;
}

export async function startScenario(def: ScenarioDef): Promise<RunningScenario> {
  const haproxy = requireTool("haproxy");
  const adapter: AdapterKind = def.kind === "redis-streams" ? "redis-streams" : "redis";
  const spec = resolveFleetSpec({ image: "bench", replicas: def.nodes, adapter });
  const support: RunningScenario["support"] = [];
  let redis: RedisServer | undefined;
  let nodes: BenchNode[];
  let backends: { name: string; host: string; port: number }[];
  if (def.kind === "cluster") {
    const cluster = await startCluster(spec, def.nodes);
    support.push({ name: "cluster-primary", pid: cluster.process.child.pid ?? -1 });
    nodes = cluster.workers;
    backends = [{ name: "cluster", host: "127.0.0.1", port: cluster.port }];
  } else {
    if (def.kind !== "memory") {
      redis = await startRedis(requireTool("redis-server"));
      support.push({ name: "redis-server", pid: redis.process.child.pid ?? -1 });
    }
    const extra: Record<string, string> =
      def.kind === "memory" ? { SOCKETIO_ADAPTER: "memory" } : {};
    const started = await startAppNodes(spec, redis, extra);
    nodes = started.map((n) => ({
      name: n.name,
      pid: n.process.child.pid ?? -1,
      metricsUrl: `http://127.0.0.1:${n.metricsPort}/metrics`,
      process: n.process,
    }));
    backends = started.map(({ name, port }) => ({ name, host: "127.0.0.1", port }));
  }
  const proxy = await startProxy(haproxy, "haproxy", spec, backends);
  support.push({ name: "haproxy", pid: proxy.process.child.pid ?? -1 });
  return { def, url: proxy.url, nodes, support, redis, stop: () => stopAll() };
}

interface StartedNode {
  name: string;
  port: number;
  metricsPort: number;
  process: ManagedProcess;
}

/** Common environment: quiet logs and no drain grace (the benchmark closes its clients first). */
const QUIET = { LOG_LEVEL: "warn", DRAIN_GRACE_MS: "0" };

async function startAppNodes(
  spec: ResolvedFleetSpec,
  redis: RedisServer | undefined,
  extraEnv: Record<string, string>,
): Promise<StartedNode[]> {
  const nodes: StartedNode[] = [];
  for (let i = 1; i <= spec.replicas; i++) {
    const name = `node-${i}`;
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...renderAppEnv(spec, { redisUrl: redis?.url, nodeId: name, metricsPort }),
      PORT: String(port),
      ...QUIET,
      ...extraEnv,
    };
    if (redis === undefined) delete env.REDIS_URL;
    nodes.push({
      name,
      port,
      metricsPort,
      process: start(name, process.execPath, [appEntry("main.js")], { env }),
    });
  }
  for (const node of nodes) {
    await waitForHttp(`http://127.0.0.1:${node.port}/readyz`, { watch: node.process });
  }
  return nodes;
}

async function startCluster(
  spec: ResolvedFleetSpec,
  workers: number,
): Promise<{ port: number; process: ManagedProcess; workers: BenchNode[] }> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...renderAppEnv(spec, { nodeId: "cluster" }),
    PORT: String(port),
    CLUSTER_WORKERS: String(workers),
    ...QUIET,
  };
  const proc = start("cluster", process.execPath, [appEntry("cluster.js")], { env });
  await waitForHttp(`http://127.0.0.1:${port}/readyz`, { watch: proc });
  const pid = proc.child.pid ?? -1;
  const found = await waitFor(
    `${workers} cluster workers`,
    () => {
      const list = clusterWorkers(pid);
      return list.length === workers ? list : undefined;
    },
    { watch: proc },
  );
  return { port, process: proc, workers: found };
}

/**
 * The primary's worker processes, named as `whoami` names them (`cluster-w<worker id>`; Node
 * passes the worker id to each worker as `NODE_UNIQUE_ID`).
 */
function clusterWorkers(primary: number): BenchNode[] {
  const nodes: BenchNode[] = [];
  for (const task of readdirSync(`/proc/${primary}/task`)) {
    const children = readFileSync(`/proc/${primary}/task/${task}/children`, "utf8").trim();
    for (const pid of children
      .split(/\s+/)
      .filter((p) => p !== "")
      .map(Number)) {
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const id = environ.find((e) => e.startsWith("NODE_UNIQUE_ID="))?.split("=")[1];
      if (id !== undefined) nodes.push({ name: `cluster-w${id}`, pid });
    }
  }
  return nodes.sort((a, b) => a.name.localeCompare(b.name));
}
