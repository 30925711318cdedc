/**
 * The local fleet's monitoring (`npm start -- --monitoring`, the alert e2e tests): Debian's
 * Prometheus scraping every node's `METRICS_PORT` and evaluating the fleet's alerts
 * (`components/shared/alerts.ts`, rendered by `prometheusRules.ts` exactly as every target renders
 * them), plus a redis exporter for the Redis memory alert. The engine (`fleet.ts`) starts it after
 * the nodes, keeps the scrape targets equal to its nodes on every scaling step, and stops it first.
 *
 * `timeScale` multiplies every alert duration (rate windows, `for`): 1 is production timing; the
 * demo and the tests shorten it so an alert fires within a minute instead of 5.
 */
import { mkdirSync } from "node:fs";
import { fleetAlerts } from "../../components/shared/alerts";
import { resolveConnectionsPerNode } from "../../components/shared/capacity";
import {
  type PromRuleGroup,
  prometheusRuleGroup,
  ruleFileYaml,
} from "../../components/shared/prometheusRules";
import type { LocalFleet } from "./fleet";
import { freePort } from "./probes";
import { PROMETHEUS_JOBS, type PrometheusService, prometheusService } from "./prometheus";
import { type RedisExporterService, redisExporterService } from "./redisExporter";
import type { RestartPolicy, SupervisedProcess } from "./supervisor";

export interface MonitoringOptions {
  /** Debian's `prometheus` binary. */
  prometheusBinary: string;
  /**
   * `prometheus-redis-exporter`; without it (or with a Redis Cluster) the Redis memory alert is
   * left out.
   */
  redisExporterBinary?: string;
  /** Multiplies every alert duration. Default: 1 (production timing). */
  timeScale?: number;
  /** Scrape and rule evaluation interval, seconds. Default: 5, or 1 when `timeScale` < 1. */
  intervalSeconds?: number;
  /** Prometheus's port on 127.0.0.1. Default: a free one. */
  port?: number;
}

/** Local nodes have no memory limit: the alert's capacity is that of a 512 MiB node. */
export const LOCAL_NODE_MEMORY_MIB = 512;

/** Label matchers of the local fleet's series (the job names of `prometheus.ts`). */
export const LOCAL_SELECTORS = {
  app: `job="${PROMETHEUS_JOBS.app}"`,
  redis: `job="${PROMETHEUS_JOBS.redis}"`,
} as const;

/** One alerting rule as Prometheus reports it (`/api/v1/rules`), with its active alerts. */
export interface RuleStatus {
  name: string;
  state: "inactive" | "pending" | "firing";
  query: string;
  /** `for`, seconds. */
  duration: number;
  annotations: Record<string, string>;
  labels: Record<string, string>;
  alerts: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    state: "pending" | "firing";
    activeAt: string;
    value: string;
  }[];
}

export class FleetMonitoring {
  readonly ruleGroup: PromRuleGroup;
  readonly timeScale: number;
  readonly prometheus: PrometheusService;
  readonly redisExporter?: RedisExporterService;

  private constructor(
    private readonly fleet: LocalFleet,
    parts: {
      ruleGroup: PromRuleGroup;
      timeScale: number;
      prometheus: PrometheusService;
      redisExporter?: RedisExporterService;
    },
  ) {
    this.ruleGroup = parts.ruleGroup;
    this.timeScale = parts.timeScale;
    this.prometheus = parts.prometheus;
    this.redisExporter = parts.redisExporter;
  }

  /** Prepares (does not start) Prometheus and the exporter for `fleet`'s Redis and nodes. */
  static async create(
    fleet: LocalFleet,
    options: MonitoringOptions,
    run: { dir: string; restart: RestartPolicy; logFile: (name: string) => string | undefined },
  ): Promise<FleetMonitoring> {
    const timeScale = options.timeScale ?? 1;
    if (!(timeScale > 0)) throw new Error(`monitoring timeScale ${timeScale}: must be above 0`);
    const intervalSeconds = options.intervalSeconds ?? (timeScale < 1 ? 1 : 5);
    mkdirSync(run.dir, { recursive: true });
    const redisExporter =
      options.redisExporterBinary !== undefined && fleet.redis !== undefined
        ? redisExporterService({
            binary: options.redisExporterBinary,
            redis: fleet.redis,
            port: await freePort(),
            restart: run.restart,
            logFile: run.logFile("redis-exporter"),
          })
        : undefined;
    const alerts = fleetAlerts({
      connectionsPerNode: resolveConnectionsPerNode(
        fleet.options.spec.connectionsPerNode,
        LOCAL_NODE_MEMORY_MIB,
      ),
    });
    const ruleGroup = prometheusRuleGroup(
      alerts,
      { app: LOCAL_SELECTORS.app, redis: redisExporter && LOCAL_SELECTORS.redis },
      // A rate needs two scrapes in its window; four leave room for a missed one.
      { timeScale, minWindowSeconds: 4 * intervalSeconds },
    );
    const prometheus = prometheusService({
      binary: options.prometheusBinary,
      dir: run.dir,
      port: options.port ?? (await freePort()),
      rules: ruleFileYaml([ruleGroup]),
      intervalSeconds,
      redisExporter: redisExporter?.address,
      restart: run.restart,
      logFile: run.logFile("prometheus"),
    });
    return new FleetMonitoring(fleet, { ruleGroup, timeScale, prometheus, redisExporter });
  }

  processes(): SupervisedProcess[] {
    return [...(this.redisExporter ? [this.redisExporter.process] : []), this.prometheus.process];
  }

  /** Starts the exporter and Prometheus with the fleet's current nodes; follows its scaling. */
  async start(readyTimeoutMs: number): Promise<void> {
    this.updateTargets();
    this.fleet.on("scaled", this.updateTargets);
    for (const process of this.processes()) process.start();
    for (const process of this.processes()) await process.whenReady(readyTimeoutMs);
  }

  async stop(graceMs: number): Promise<void> {
    this.fleet.off("scaled", this.updateTargets);
    await Promise.all(this.processes().map((p) => p.stop("SIGTERM", graceMs)));
  }

  /** Every alerting rule of the fleet's group with its state, from Prometheus's API. */
  async rules(timeoutMs = 2000): Promise<RuleStatus[]> {
    const res = await fetch(`${this.prometheus.url}/api/v1/rules?type=alert`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { groups: { name: string; rules: RuleStatus[] }[] };
    };
    if (body.status !== "success" || body.data === undefined) {
      throw new Error(`Prometheus /api/v1/rules: ${body.error ?? `HTTP ${res.status}`}`);
    }
    return body.data.groups
      .filter((g) => g.name === this.ruleGroup.name)
      .flatMap((g) => g.rules)
      .map(({ name, state, query, duration, annotations, labels, alerts }) => ({
        name,
        state,
        query,
        duration,
        annotations,
        labels,
        alerts: alerts ?? [],
      }));
  }

  /** The scrape targets are the fleet's nodes (a restarted node keeps its ports). */
  private readonly updateTargets = (): void => {
    this.prometheus.setNodes(
      this.fleet.nodes.map((n) => ({ name: n.name, metricsPort: n.metricsPort })),
    );
  };
}
