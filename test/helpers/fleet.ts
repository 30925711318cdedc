/**
 * App nodes for end-to-end tests, started by the local fleet engine (`app/local/appNode.ts`)
 * under `restart: "never"` (a test that kills a node decides when it comes back), each on its own
 * port and metrics port, configured through the app environment contract exactly as the targets
 * do. `stopAll()` stops them.
 */
import { join } from "node:path";
import type { ResolvedFleetSpec } from "../../components/shared/args";
import { appEntry as engineAppEntry } from "../../app/local/appEntry";
import { type AppNodeService, appNodeService } from "../../app/local/appNode";
import { freePort } from "./ports";
import type { ManagedProcess } from "./processes";
import type { RedisServer } from "./redisServer";

export const REPO_ROOT = join(__dirname, "..", "..");

/** A compiled entry point of the app; fails with how to build it when missing. */
export function appEntry(file: "main.js" | "cluster.js"): string {
  return engineAppEntry(file);
}

/** Quiet logs: a test reads what it needs, and a failure prints the last lines. */
export const TEST_NODE_ENV = { LOG_LEVEL: "warn" };

export interface FleetNode {
  name: string;
  host: string;
  port: number;
  metricsPort: number;
  /** The current run. */
  readonly process: ManagedProcess;
  service: AppNodeService;
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
  const services: AppNodeService[] = [];
  for (let i = 1; i <= spec.replicas; i++) {
    services.push(
      appNodeService({
        name: `node-${i}`,
        port: await freePort(),
        metricsPort: await freePort(),
        spec,
        redisUrl: redis.url,
        extraEnv: { ...TEST_NODE_ENV, ...extraEnv },
        restart: "never",
      }),
    );
  }
  for (const service of services) service.process.start();
  for (const service of services) await service.process.whenReady();
  return services.map(fleetNodeOf);
}

/** The test view of an engine node (also the ones a `LocalFleet` runs). */
export function fleetNodeOf(service: AppNodeService): FleetNode {
  return {
    name: service.name,
    host: service.host,
    port: service.port,
    metricsPort: service.metricsPort,
    service,
    get process() {
      const run = service.process.run;
      if (run === undefined) throw new Error(`${service.name} was never started`);
      return run;
    },
  };
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
