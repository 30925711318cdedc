/**
 * The compiled app entry points (`npm run build` → `dist/app/src/main.js`, `cluster.js`) started
 * as real child processes with the app environment contract.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
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
  url: string;
  /** Its metrics listener (`METRICS_PORT`, free like the app's port). */
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
 * in) on a free port, and waits for its `"msg":"listening"` log line.
 */
export async function startAppNode(
  name: string,
  env: Record<string, string>,
  entry: keyof typeof APP_ENTRY = "main",
): Promise<AppNode> {
  const port = await freePort();
  const metricsPort = await freePort();
  const proc = start(name, process.execPath, [APP_ENTRY[entry]], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ID: name,
      METRICS_PORT: String(metricsPort),
      ...env,
      PORT: String(port),
    },
  });
  await waitFor(`${name} to listen`, () => proc.output().includes('"msg":"listening"'), {
    watch: proc,
  });
  return {
    process: proc,
    port,
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
