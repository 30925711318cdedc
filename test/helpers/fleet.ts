/**
 * A fleet of real app processes (`dist/app/src/main.js`, built by `npm run build`) on one real
 * redis-server, configured through the app environment contract exactly as the targets do.
 * Every process goes through `start()`, so `stopAll()` stops it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ResolvedFleetSpec } from "../../components/spec/args";
import { renderAppEnv } from "../../components/spec/appEnv";
import { freePort } from "./ports";
import { type ManagedProcess, start, waitForHttp } from "./processes";
import type { RedisServer } from "./redisServer";

export const REPO_ROOT = join(__dirname, "..", "..");

/** A compiled entry point of the app; fails with how to build it when missing. */
export function appEntry(file: "main.js" | "cluster.js"): string {
  const entry = join(REPO_ROOT, "dist", "app", "src", file);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

/** A node's environment: the contract for `spec` on `redis`, quiet logs, then `extraEnv`. */
export function nodeEnv(
  spec: ResolvedFleetSpec,
  redis: RedisServer,
  name: string,
  port: number,
  extraEnv: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...renderAppEnv(spec, { redisUrl: redis.url, nodeId: name }),
    PORT: String(port),
    LOG_LEVEL: "warn",
    ...extraEnv,
  };
}

export interface FleetNode {
  name: string;
  host: string;
  port: number;
  /** Its own `METRICS_PORT` (nodes on one machine cannot share one). */
  metricsPort: number;
  process: ManagedProcess;
}

/**
 * Starts `spec.replicas` nodes named node-1…node-N on free loopback ports, each with the
 * environment `renderAppEnv(spec, …)` gives (plus `extraEnv`), and waits until every `/readyz`
 * answers 200 (Redis connected).
 */
export async function startNodes(
  spec: ResolvedFleetSpec,
  redis: RedisServer,
  extraEnv: Record<string, string> = {},
): Promise<FleetNode[]> {
  const nodes: FleetNode[] = [];
  for (let i = 1; i <= spec.replicas; i++) {
    const name = `node-${i}`;
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env = nodeEnv(spec, redis, name, port, {
      METRICS_PORT: String(metricsPort),
      ...extraEnv,
    });
    const proc = start(name, process.execPath, [appEntry("main.js")], { env });
    nodes.push({ name, host: "127.0.0.1", port, metricsPort, process: proc });
  }
  for (const node of nodes) {
    await waitForHttp(`http://127.0.0.1:${node.port}/readyz`, { watch: node.process });
  }
  return nodes;
}

/**
 * Sends `signal` and resolves with the exit code once the process has exited; SIGKILL after
 * `timeoutMs`. Unlike `ManagedProcess.stop`, its timer does not keep mocha alive afterwards.
 */
export async function terminate(
  proc: ManagedProcess,
  signal: NodeJS.Signals = "SIGTERM",
  timeoutMs = 10_000,
): Promise<number | string> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), timeoutMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}
