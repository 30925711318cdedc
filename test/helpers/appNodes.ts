/**
 * The compiled app entry points (`npm run build` → `dist/app/src/main.js`, `cluster.js`) started
 * as real child processes (the engine's process runs, through `start`) with an environment the
 * test writes itself.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { APP_ENV, DEFAULT_METRICS_PORT } from "../../components/shared/appEnv";
import { freePort } from "./ports";
import { type ManagedProcess, start, waitFor } from "./processes";

const ROOT = join(__dirname, "..", "..");
export const APP_ENTRY = {
  main: join(ROOT, "dist", "app", "src", "main.js"),
  cluster: join(ROOT, "dist", "app", "src", "cluster.js"),
} as const;

export interface AppNode {
  process: ManagedProcess;
  port: number;
  /** Its `METRICS_PORT`. */
  metricsPort: number;
  url: string;
  /** The base URL of its metrics listener (`/metrics` is served there only). */
  metricsUrl: string;
}

/** Fails with a clear message when the compiled app is missing or older than `app/src`. */
export function assertAppBuilt(): void {
  const src = join(ROOT, "app", "src");
  for (const file of readdirSync(src).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))) {
    const built = join(ROOT, "dist", "app", "src", file.replace(/\.ts$/, ".js"));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(src, file)).mtimeMs) {
      throw new Error(`${built} is missing or older than app/src/${file}: run npm run build`);
    }
  }
}

/**
 * Starts `entry` with `env` (on top of PATH/HOME only, so the machine's environment cannot leak
 * in) on a free port, and waits for its `"msg":"listening"` log line. A `METRICS_PORT` left at
 * the contract's default (9464, the same for every node) is replaced by a free port: several
 * nodes share this machine.
 */
export async function startAppNode(
  name: string,
  env: Record<string, string>,
  entry: keyof typeof APP_ENTRY = "main",
): Promise<AppNode> {
  const port = await freePort();
  const given = env[APP_ENV.metricsPort];
  const metricsValue =
    given === undefined || given === String(DEFAULT_METRICS_PORT)
      ? String(await freePort())
      : given;
  const metricsPort = Number(metricsValue);
  const proc = start(name, process.execPath, [APP_ENTRY[entry]], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ID: name,
      ...env,
      PORT: String(port),
      [APP_ENV.metricsPort]: metricsValue,
    },
  });
  await waitFor(`${name} to listen`, () => proc.output().includes('"msg":"listening"'), {
    watch: proc,
  });
  return {
    process: proc,
    port,
    metricsPort,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
  };
}

/** The JSON log lines a process printed so far (non-JSON lines skipped). */
export function logLines(proc: ManagedProcess): Record<string, unknown>[] {
  return proc
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

/**
 * The node refused the Redis server's certificate: a TLS error in its log, `/readyz` 503 (it was
 * never connected), and the Redis password nowhere in its output.
 */
export async function expectRedisCertificateRefused(
  node: AppNode,
  redisPassword: string,
): Promise<void> {
  const error = await waitFor(
    "a Redis TLS error in the log",
    () =>
      logLines(node.process).find(
        (l) => l.msg === "redis connection error" && /certificate/i.test(String(l.err)),
      ),
    { watch: node.process },
  );
  assert.ok(error);
  assert.equal((await fetch(`${node.url}/readyz`)).status, 503);
  assert.doesNotMatch(node.process.output(), new RegExp(redisPassword));
}
