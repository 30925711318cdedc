/** Command-line flags of `npm run bench -- …` (`util.parseArgs`), with the defaults. */
import { parseArgs } from "node:util";
import type { RunParams } from "./measure";
import { openFilesLimit } from "./procStats";
import type { RecoveryParams } from "./recovery";
import type { ScenarioId } from "./scenarios";

export const USAGE = `Usage: npm run bench -- [options]

  --clients LIST        websocket clients per run (default 300,1500; --quick: 60)
  --scenarios LIST      A,B,C,D (default all)
                          A 3 nodes + redis adapter, B 3 nodes + redis-streams,
                          C 1 node in memory, D cluster mode (3 workers); all behind HAProxy
  --workers N           load-generator processes (default 3)
  --paced-seconds S     paced broadcast phase length (default 20; --quick: 3)
  --interval MS         one broadcast every MS ms in the paced phase (default 100)
  --burst-deliveries N  burst size = N / clients messages (default 300000; --quick: 6000)
  --recovery-clients L  clients of the SIGKILL recovery runs (A and B each), 0 to skip
                        (default 300,1500; --quick: 30)
  --quick               a small smoke run (about a minute)
  --scale               the scaling benchmark instead (room broadcasts per adapter and fleet
                        size; \`npm run bench -- --scale --help\`)
  --capacity            the capacity benchmark instead (one node filled to its capacity:
                        memory per connection, handshakes/s, the ceiling; \`--capacity --help\`)

Writes bench/results/<date>.json; with --quick <date>-quick.json, with other flags <date>-custom.json.
  -h, --help`;

export interface BenchOptions {
  quick: boolean;
  clients: number[];
  scenarios: ScenarioId[];
  workers: number;
  /** Bound of one scenario run (start, measure), ms. */
  runBoundMs: number;
  run: Omit<RunParams, "clients">;
  /** Client counts of the recovery runs (each on A and B). */
  recoveryClients: number[];
  /** `clients` is set per recovery run. */
  recovery: RecoveryParams;
}

export function readOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: "string" },
      scenarios: { type: "string", default: "A,B,C,D" },
      workers: { type: "string", default: "3" },
      "paced-seconds": { type: "string" },
      interval: { type: "string", default: "100" },
      "burst-deliveries": { type: "string" },
      "recovery-clients": { type: "string" },
      quick: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const problems: string[] = [];
  const int = (
    flag: string,
    raw: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    if (raw === undefined) return fallback;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max))
      problems.push(`--${flag} ${raw}: an integer from ${min} to ${max}`);
    return n;
  };
  const clients = (values.clients ?? (quick ? "60" : "300,1500"))
    .split(",")
    .map((c) => int("clients", c.trim(), 0, 1, 5000));
  const scenarios = values.scenarios.split(",").map((s) => s.trim().toUpperCase());
  for (const s of scenarios)
    if (!["A", "B", "C", "D"].includes(s)) problems.push(`--scenarios: unknown ${s}`);
  const workers = int("workers", values.workers, 3, 1, 16);
  const intervalMs = int("interval", values.interval, 100, 5, 10_000);
  const pacedSeconds = int("paced-seconds", values["paced-seconds"], quick ? 3 : 20, 1, 120);
  const burstDeliveries = int(
    "burst-deliveries",
    values["burst-deliveries"],
    quick ? 6000 : 300_000,
    1,
    10_000_000,
  );
  const recoveryClients = (values["recovery-clients"] ?? (quick ? "30" : "300,1500"))
    .split(",")
    .map((c) => int("recovery-clients", c.trim(), 0, 0, 5000))
    .filter((c) => c > 0);
  const limit = openFilesLimit();
  const needed = Math.max(...clients, ...recoveryClients) * 2 + 512;
  if (limit !== undefined && limit < needed) {
    problems.push(
      `the open-files limit is ${limit}; ${Math.max(...clients)} clients need about ${needed} ` +
        `(a node and HAProxy hold one or two per client): ` +
        `run \`ulimit -n ${needed}\` first, or fewer --clients`,
    );
  }
  if (problems.length > 0) {
    console.error(`${problems.join("\n")}\n\n${USAGE}`);
    process.exit(2);
  }
  const connect = { concurrency: 25, connectTimeoutMs: 20_000 };
  return {
    quick,
    clients,
    scenarios: scenarios as ScenarioId[],
    workers,
    runBoundMs: 120_000,
    run: {
      ...connect,
      pacedIntervalMs: intervalMs,
      pacedSeconds,
      burstDeliveries,
      stallMs: 5000,
      burstBoundMs: 30_000,
    },
    recoveryClients,
    recovery: {
      ...connect,
      clients: 0,
      intervalMs,
      seconds: quick ? 6 : 12,
      boundMs: 8000,
    },
  };
}
