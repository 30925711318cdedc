/**
 * What the dashboard shows, sampled once a second: every process (pid, state, restarts, uptime),
 * each node's readiness and metrics (connected clients, events in/out per second, read from its
 * `METRICS_PORT`, or from its main port while the app still serves `/metrics` there), and the
 * proxy's view of its backends (HAProxy's stats socket), and with a Redis Cluster each Redis
 * node's role and slots. The last minute is kept for the charts.
 */
import { METRIC_NAMES } from "../../src/metrics";
import type { LocalFleet } from "../fleet";
import { haproxyServers } from "../proxyProcess";
import type { ClusterNodeInfo } from "../redisCluster";
import type { ProcessSnapshot } from "../supervisor";

export interface NodeSample {
  name: string;
  ready: boolean;
  clients: number;
  eventsInPerSecond: number;
  eventsOutPerSecond: number;
}

export interface BackendSample {
  server: string;
  status: string;
  sessions: number;
}

export interface FleetSample {
  at: number;
  processes: ProcessSnapshot[];
  nodes: NodeSample[];
  /** HAProxy only; empty for nginx and Apache, which have no stats socket. */
  backends: BackendSample[];
  /**
   * With a Redis Cluster: each node's role and slot ranges, as a live node's `CLUSTER NODES`
   * shows them; empty otherwise (or while no node answers).
   */
  redis: ClusterNodeInfo[];
}

/** One sample a second, a minute of them for the charts. */
export const SAMPLE_INTERVAL_MS = 1000;
const HISTORY = 60;

export class FleetState {
  readonly history: FleetSample[] = [];
  private readonly counters = new Map<
    string,
    { at: number; eventsIn: number; eventsOut: number }
  >();
  private timer?: NodeJS.Timeout;

  constructor(private readonly fleet: LocalFleet) {}

  start(): void {
    const tick = () => {
      void this.sample().then((s) => {
        this.history.push(s);
        if (this.history.length > HISTORY) this.history.shift();
      });
    };
    tick();
    this.timer = setInterval(tick, SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<FleetSample> {
    const nodes = await Promise.all(this.fleet.nodes.map((n) => this.sampleNode(n)));
    const socket = this.fleet.proxy?.prepared.statsSocket;
    const backends =
      socket === undefined
        ? []
        : (await haproxyServers(socket).catch(() => [])).map(({ server, status, sessions }) => ({
            server,
            status,
            sessions,
          }));
    const redis = (await this.fleet.redisCluster?.topology().catch(() => [])) ?? [];
    return { at: Date.now(), processes: this.fleet.snapshot(), nodes, backends, redis };
  }

  private async sampleNode(node: LocalFleet["nodes"][number]): Promise<NodeSample> {
    const ready = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(800) })
      .then(async (res) => (await res.arrayBuffer(), res.status === 200))
      .catch(() => false);
    const text = await nodeMetrics(node.metricsPort, node.url);
    const now = Date.now();
    const eventsIn = metricSum(text, METRIC_NAMES.eventsIn);
    const eventsOut = metricSum(text, METRIC_NAMES.eventsOut);
    const before = this.counters.get(node.name);
    this.counters.set(node.name, { at: now, eventsIn, eventsOut });
    const rate = (current: number, previous: number | undefined) => {
      if (before === undefined || previous === undefined || current < previous) return 0;
      return ((current - previous) * 1000) / Math.max(1, now - before.at);
    };
    return {
      name: node.name,
      ready,
      clients: metricSum(text, METRIC_NAMES.connectedClients),
      eventsInPerSecond: rate(eventsIn, before?.eventsIn),
      eventsOutPerSecond: rate(eventsOut, before?.eventsOut),
    };
  }
}

/** `/metrics` from the node's metrics port, else from its main port; "" when neither answers. */
export async function nodeMetrics(metricsPort: number, nodeUrl: string): Promise<string> {
  for (const url of [`http://127.0.0.1:${metricsPort}/metrics`, `${nodeUrl}/metrics`]) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(800) });
      const text = await res.text();
      if (res.status === 200) return text;
    } catch {
      // not this port
    }
  }
  return "";
}

/** The sum of every sample of `name` in Prometheus text (0 when absent). */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}
