/**
 * The engine's autoscaler: the rule the cloud targets apply, on real processes. Every
 * `intervalMs` it reads each node's `socketio_connected_clients` from its `/metrics`
 * (METRICS_PORT) and tracks the per-node average against the capacity:
 *
 * - desired = ⌈total ÷ connectionsPerNode⌉ within [min, max];
 * - scale out at once (one node at a time, each ready and routed to before the next);
 * - scale in only when every recommendation of the last `scaleInStabilizationMs` is below the
 *   node count (Kubernetes' scale-down stabilization: the highest recent recommendation wins),
 *   one node per removal period (`scaleInBound`, `components/shared/scaleInRules.ts`), no scale-in
 *   while a node's count is unknown (as AWS does not scale in on missing data);
 * - the node removed is the one with the fewest clients: the proxy stops sending it new
 *   sessions, SIGTERM starts the app's batched drain, then the proxy is reloaded without it
 *   (`LocalFleet.removeNode`).
 *
 * Events: `decision` (each scaling step, with the counts it saw), `error` (a failed step; the
 * loop goes on).
 */
import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { METRIC_NAMES } from "../../components/shared/metricNames";
import { type ScaleInBound, scaleInBound } from "../../components/shared/scaleInRules";
import type { LocalFleet } from "./fleet";
import { HOST } from "./probes";

export interface AutoscalerOptions {
  min: number;
  max: number;
  /** The capacity: target clients per node. */
  connectionsPerNode: number;
  /** Between two reads of the nodes' metrics. @default 2000 */
  intervalMs?: number;
  /** How long the recommendations must stay below the node count. @default 60000 */
  scaleInStabilizationMs?: number;
  /** The nodes' drain grace (`DRAIN_GRACE_MS`), for the removal period. @default 2000 */
  drainGraceMs?: number;
  /** Settle time after a drain, for the removal period. @default SCALE_IN_SETTLE_SECONDS */
  settleSeconds?: number;
}

export interface AutoscaleDecision {
  at: number;
  action: "add" | "remove";
  node: string;
  /** Clients per node as read before the step. */
  clients: Record<string, number>;
  total: number;
  desired: number;
  /** Node count after the step. */
  nodes: number;
}

/** One point of the node count over time (for the dashboard). */
export interface AutoscalePoint {
  at: number;
  nodes: number;
  clients: number;
  desired: number;
}

export type AutoscalerEvents = { decision: [AutoscaleDecision]; error: [Error] };

/** The points kept for the dashboard (an hour at the default interval). */
const HISTORY_POINTS = 1800;

export class Autoscaler extends EventEmitter<AutoscalerEvents> {
  /** How fast it scales in (from the capacity, the drain and `min` survivors). */
  readonly bound: ScaleInBound;
  readonly history: AutoscalePoint[] = [];
  private recommendations: { at: number; desired: number }[] = [];
  private lastScaleIn = 0;
  private startedAt = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly fleet: LocalFleet,
    readonly options: AutoscalerOptions,
  ) {
    super();
    this.bound = scaleInBound(options.connectionsPerNode, {
      survivors: options.min,
      drainGraceMs: options.drainGraceMs,
      settleSeconds: options.settleSeconds,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = Date.now();
    this.loop = this.run();
  }

  /** Stops after the current step (a drain in progress finishes). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The node count the rule wants for `total` clients. */
  desiredFor(total: number): number {
    const { min, max, connectionsPerNode } = this.options;
    return Math.min(max, Math.max(min, Math.ceil(total / connectionsPerNode)));
  }

  private async run(): Promise<void> {
    const interval = this.options.intervalMs ?? 2000;
    while (this.running) {
      try {
        await this.step();
      } catch (err) {
        if (this.running) this.emit("error", err as Error);
      }
      if (this.running) await sleep(interval, undefined, { ref: false });
    }
  }

  private async step(): Promise<void> {
    const counts = await this.readCounts();
    const known = Object.values(counts).filter((c): c is number => c !== undefined);
    const total = known.reduce((a, b) => a + b, 0);
    const desired = this.desiredFor(total);
    const now = Date.now();
    const nodes = this.fleet.nodes.length;
    this.record({ at: now, nodes, clients: total, desired });
    const window = this.options.scaleInStabilizationMs ?? 60_000;
    this.recommendations = this.recommendations.filter((r) => r.at > now - window);
    this.recommendations.push({ at: now, desired });
    if (!this.running) return;
    if (desired > nodes) {
      while (this.running && this.fleet.nodes.length < desired) {
        const node = await this.fleet.addNode();
        this.decide("add", node.name, counts, total, desired);
      }
      return;
    }
    const stable = Math.max(...this.recommendations.map((r) => r.desired));
    const watchedLongEnough = now - this.startedAt >= window;
    const periodOver = now - this.lastScaleIn >= this.bound.removalPeriodSeconds * 1000;
    const allKnown = known.length === nodes;
    if (stable < nodes && watchedLongEnough && periodOver && allKnown && nodes > 1) {
      const fewest = Object.entries(counts).sort(([, a], [, b]) => (a ?? 0) - (b ?? 0))[0][0];
      this.lastScaleIn = now;
      await this.fleet.removeNode(fewest);
      // The period runs from the end of the drain: the survivors absorb its clients after it.
      this.lastScaleIn = Date.now();
      this.recommendations = [];
      this.decide("remove", fewest, counts, total, desired);
    }
  }

  /** Each node's connected clients, undefined where `/metrics` did not answer. */
  private async readCounts(): Promise<Record<string, number | undefined>> {
    const entries = await Promise.all(
      this.fleet.nodes.map(async (node) => {
        const url = `http://${HOST}:${node.metricsPort}/metrics`;
        const count = await fetch(url, { signal: AbortSignal.timeout(1000) })
          .then((res) => (res.ok ? res.text() : ""))
          .then((text) => connectedClients(text))
          .catch(() => undefined);
        return [node.name, count] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  private decide(
    action: AutoscaleDecision["action"],
    node: string,
    clients: Record<string, number | undefined>,
    total: number,
    desired: number,
  ): void {
    const known = Object.fromEntries(
      Object.entries(clients).filter((e): e is [string, number] => e[1] !== undefined),
    );
    const nodes = this.fleet.nodes.length;
    this.record({ at: Date.now(), nodes, clients: total, desired });
    this.emit("decision", { at: Date.now(), action, node, clients: known, total, desired, nodes });
  }

  private record(point: AutoscalePoint): void {
    this.history.push(point);
    if (this.history.length > HISTORY_POINTS) this.history.shift();
  }
}

/** `socketio_connected_clients` from a Prometheus text exposition; undefined when absent. */
export function connectedClients(text: string): number | undefined {
  const name = METRIC_NAMES.connectedClients;
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
  return match === null ? undefined : Number(match[1]);
}
