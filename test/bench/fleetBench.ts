/**
 * `npm run bench`: the fleet benchmark (not a test: nothing is asserted). For each client count
 * and scenario (A: 3 nodes + redis adapter, B: redis-streams, C: 1 node in memory, D: cluster
 * mode; all behind HAProxy) it starts everything from nothing, measures connect time, paced
 * broadcast latency (same-node and cross-node), burst deliveries per second, lost messages and
 * memory per connection, and stops everything; then it measures recovery after a SIGKILL (B, and
 * A as the baseline). Prints tables and writes `bench/results/<date>.json`. With `--scale`: the
 * scaling benchmark of room broadcasts per adapter and fleet size instead (`scale/scaleBench.ts`); with
 * `--capacity`: one node filled to its capacity, memory per connection (`capacity.ts`). Every wait is
 * bounded; every process it starts is stopped, also on failure and Ctrl-C.
 */
import { join } from "node:path";
import { closeClients, forkWorkers, killWorkers, type LoadWorker } from "./generator";
import { measure } from "./measure";
import { measureRecovery } from "./recovery";
import {
  type BenchReport,
  type RunRecord,
  cpuTable,
  codeInfo,
  machineInfo,
  ratioTable,
  ratios,
  recoveryText,
  runTable,
  writeReport,
} from "./report";
import { SCENARIOS, type RunningScenario, startScenario } from "./scenarios";
import { type BenchOptions, readOptions } from "./options";
import { stopAll } from "../helpers/processes";
import { scaleBench, stopScaleWorkers } from "./scale/scaleBench";
import { capacityBench } from "./capacity";

const REPO_ROOT = join(__dirname, "..", "..", "..");

async function main(): Promise<void> {
  if (process.argv.includes("--scale")) {
    installCleanup();
    await scaleBench(process.argv.slice(2));
    await stopAll();
    process.exit(0);
  }
  if (process.argv.includes("--capacity")) {
    installCleanup();
    await capacityBench(process.argv.slice(2));
    await stopAll();
    process.exit(0);
  }
  const options = readOptions(process.argv.slice(2));
  installCleanup();
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  log(`machine: ${JSON.stringify(machine)}`);
  const runs: RunRecord[] = [];
  for (const clients of options.clients) {
    for (const id of options.scenarios) {
      const def = SCENARIOS[id];
      log(`${id} (${def.label}), ${clients} clients …`);
      const record: RunRecord = { scenario: id, label: def.label, clients };
      try {
        record.figures = await withScenario(def, options, (s, w) =>
          measure(s, w, { ...options.run, clients }),
        );
        const f = record.figures;
        log(
          `  connected ${f.connect.connected} in ${f.connect.totalMs} ms ` +
            `${JSON.stringify(f.connect.perNode)}; paced p50 ${f.paced.all.p50} ms, ` +
            `lost ${f.paced.lost}; burst ${f.burst.deliveriesPerSec}/s, lost ${f.burst.lost}`,
        );
      } catch (err) {
        record.error = (err as Error).message.split("\n")[0];
        log(`  failed: ${(err as Error).message}`);
      }
      runs.push(record);
    }
  }
  const recovery: NonNullable<BenchReport["recovery"]> = [];
  // B is the scenario that can recover; A (pub/sub, no recovery) is the baseline beside it.
  for (const clients of options.recoveryClients) {
    for (const id of ["A", "B"] as const) {
      log(`recovery: ${id}, ${clients} clients, SIGKILL node-1 …`);
      try {
        recovery.push(
          await withScenario(SCENARIOS[id], options, (s, w) =>
            measureRecovery(s, w, { ...options.recovery, clients }),
          ),
        );
      } catch (err) {
        recovery.push({ scenario: id, error: (err as Error).message.split("\n")[0] });
      }
    }
  }
  const report: BenchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    code: codeInfo(REPO_ROOT),
    parameters: { ...options },
    runs,
    ratios: ratios(runs),
    recovery,
  };
  // Only the default run writes <date>.json (the one BENCHMARKS.md quotes).
  const custom = process.argv.length > 2 ? "-custom" : "";
  const file = writeReport(REPO_ROOT, report, options.quick ? "-quick" : custom);
  console.log(
    [
      "",
      runTable(runs),
      "",
      "Ratios to C (same run):",
      ratioTable(report.ratios),
      "",
      "CPU during the burst phase (% of one core; this machine has " + String(machine.cpus) + "):",
      cpuTable(runs),
      "",
      ...recovery.map(recoveryText),
      "",
    ].join("\n"),
  );
  console.log(`written: ${file}`);
}

/** Starts the scenario and fresh load workers, runs `body`, and always stops both. */
async function withScenario<T>(
  def: (typeof SCENARIOS)[keyof typeof SCENARIOS],
  options: BenchOptions,
  body: (scenario: RunningScenario, workers: LoadWorker[]) => Promise<T>,
): Promise<T> {
  let workers: LoadWorker[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const scenario = await startScenario(def);
    workers = forkWorkers(options.workers);
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`run exceeded ${options.runBoundMs} ms`)),
        options.runBoundMs,
      );
    });
    return await Promise.race([body(scenario, workers), bound]);
  } finally {
    clearTimeout(timer);
    await closeClients(workers);
    killWorkers();
    await stopAll();
  }
}

let cleaning = false;

function installCleanup(): void {
  const bail = (code: number, why: string) => {
    if (cleaning) return;
    cleaning = true;
    log(why);
    killWorkers();
    stopScaleWorkers();
    void stopAll().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => bail(130, "interrupted: stopping every process"));
  process.on("SIGTERM", () => bail(143, "terminated: stopping every process"));
  process.on("uncaughtException", (err) => bail(1, `benchmark error: ${err.stack ?? err.message}`));
}

function log(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

main().catch((err: Error) => {
  log(`benchmark failed: ${err.stack ?? err.message}`);
  killWorkers();
  void stopAll().finally(() => process.exit(1));
});
