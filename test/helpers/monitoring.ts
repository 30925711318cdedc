/**
 * Monitored fleets for the alert e2e tests: a fleet from the local fleet engine with its
 * monitoring on (`app/local/monitoring.ts`: Debian's Prometheus scraping every node, the shared
 * alert rules, the redis exporter), exactly what `npm start -- --monitoring` runs, with the alert
 * durations shortened by `TEST_TIME_SCALE` and a 1 s scrape and evaluation interval, and a watch
 * of one alert's state as Prometheus reports it (`/api/v1/rules`).
 */
import { resolveFleetSpec } from "../../components/shared";
import type { ResolvedFleetSpec } from "../../components/shared/args";
import { LocalFleet } from "../../app/local/fleet";
import type { RuleStatus } from "../../app/local/monitoring";
import { requireBinary } from "./binaries";
import { TEST_NODE_ENV } from "./fleet";
import { requireFaultBinaries } from "./faultFleet";

/**
 * Alert durations × 0.1 in the e2e tests: `for: 60s` → 6 s, `for: 300s` → 30 s, rate windows
 * 120 s → 12 s. The production timings are shown by the promtool tests (`test/unit/monitoring`).
 */
export const TEST_TIME_SCALE = 0.1;

export interface MonitoringBinaries {
  redis: string;
  haproxy: string;
  prometheus: string;
  redisExporter: string;
}

/** Every binary a monitored fleet runs: under CI=true a missing one fails the suite. */
export function requireMonitoringBinaries(ctx: Mocha.Context): MonitoringBinaries {
  return {
    ...requireFaultBinaries(ctx),
    prometheus: requireBinary(ctx, "prometheus"),
    redisExporter: requireBinary(ctx, "prometheus-redis-exporter", "prometheus-redis-exporter"),
  };
}

/** 3 nodes + redis-server + HAProxy + monitoring under `restart: "never"` (tests decide). */
export async function startMonitoredFleet(
  binaries: MonitoringBinaries,
  spec: ResolvedFleetSpec = resolveFleetSpec({ image: "local", replicas: 3 }),
): Promise<LocalFleet> {
  return LocalFleet.start({
    spec,
    redisBinary: binaries.redis,
    proxy: { kind: "haproxy", binary: binaries.haproxy },
    restart: "never",
    nodeEnv: TEST_NODE_ENV,
    monitoring: {
      prometheusBinary: binaries.prometheus,
      redisExporterBinary: binaries.redisExporter,
      timeScale: TEST_TIME_SCALE,
    },
  });
}

/** The values of an instant PromQL query on the fleet's Prometheus. */
export async function queryValues(fleet: LocalFleet, promql: string): Promise<number[]> {
  const url = `${fleet.monitoring!.prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const body = (await (await fetch(url)).json()) as {
    data: { result: { value: [number, string] }[] };
  };
  return body.data.result.map((r) => Number(r.value[1]));
}

/** One alert's states over time, sampled every 250 ms from Prometheus. */
export class AlertWatch {
  /** Each state change: the state and when it was first seen. */
  readonly seen: { state: RuleStatus["state"]; at: number }[] = [];
  last?: RuleStatus;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly fleet: LocalFleet,
    readonly name: string,
  ) {}

  start(): this {
    const tick = async () => {
      const rule = (await this.fleet.monitoring!.rules().catch(() => [])).find(
        (r) => r.name === this.name,
      );
      if (rule !== undefined) {
        this.last = rule;
        if (this.seen.at(-1)?.state !== rule.state)
          this.seen.push({ state: rule.state, at: Date.now() });
      }
      this.timer = setTimeout(() => void tick(), 250);
      this.timer.unref();
    };
    void tick();
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Resolves with the rule once it is in `state`; fails after `timeoutMs` with what was seen. */
  async until(state: RuleStatus["state"], timeoutMs: number): Promise<RuleStatus> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.last?.state === state) return this.last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${this.name} not ${state} within ${timeoutMs} ms; states seen: ${this.history()}`,
    );
  }

  /**
   * Resolves once the alert fires for exactly these `node` labels (each series of a rule turns
   * firing on its own evaluation, so the rule can be firing for some nodes and pending for others).
   */
  async untilFiringOn(nodes: string[], timeoutMs: number): Promise<RuleStatus> {
    const firingNodes = () =>
      [...new Set(this.last?.alerts.filter((a) => a.state === "firing").map((a) => a.labels.node))]
        .sort()
        .join();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (firingNodes() === [...nodes].sort().join()) return this.last!;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `${this.name} not firing on ${nodes.join(", ")} within ${timeoutMs} ms (firing on: ` +
        `${firingNodes()}); states seen: ${this.history()}`,
    );
  }

  /** The states seen, e.g. `inactive → pending (+3.1 s) → firing (+9.2 s)`. */
  history(): string {
    const t0 = this.seen[0]?.at ?? 0;
    return this.seen
      .map((s, i) => (i === 0 ? s.state : `${s.state} (+${((s.at - t0) / 1000).toFixed(1)} s)`))
      .join(" → ");
  }

  /** When `state` was first seen after `since` (undefined: not yet). */
  firstSeen(state: RuleStatus["state"], since = 0): number | undefined {
    return this.seen.find((s) => s.state === state && s.at >= since)?.at;
  }
}
