/**
 * The fleet's alerts, defined once: each names the signal it watches, its threshold and why, and
 * how long the condition must hold. Every target renders these (Prometheus rules for Kubernetes and
 * the local fleet, PromQL alert policies on GCP, CloudWatch alarms on AWS), so a threshold changes
 * in one place. Cloud-only alarms (balancer 5xx, unhealthy hosts, CPU) stay with their target.
 */
import { METRIC_NAMES } from "./metricNames";

export type AlertSeverity = "critical" | "warning";

/**
 * The signal an alert watches, in a form every target can render:
 * - `counter`: the fleet-wide rate per second (sum over nodes) over `windowSeconds`;
 * - `gauge-each`: the value on any one node (one alert per node in Prometheus; on CloudWatch the
 *   `Minimum` or `Maximum` across tasks, whichever the comparison needs);
 * - `redis-memory`: the Redis used-memory ratio (0–1) as the target's Redis reports it (the
 *   redis exporter, ElastiCache `DatabaseMemoryUsagePercentage`, Memorystore's memory ratio).
 */
export type AlertSignal =
  | {
      kind: "counter";
      metric: string;
      labels?: Record<string, string>;
      windowSeconds: number;
    }
  | { kind: "gauge-each"; metric: string; labels?: Record<string, string> }
  | { kind: "redis-memory" }
  | { kind: "scrape-down" };

export interface FleetAlert {
  /** The alert's name (Prometheus `alert`; the suffix of CloudWatch alarm and GCP policy names). */
  name: string;
  severity: AlertSeverity;
  /** One line for the notification. */
  summary: string;
  /** What it means for users and what to look at first. */
  description: string;
  signal: AlertSignal;
  comparison: ">" | "<";
  threshold: number;
  /** Why this threshold (and duration) tells a real failure from normal churn. */
  thresholdReason: string;
  /** How long the condition must hold before the alert fires, in seconds. */
  forSeconds: number;
  /**
   * Whether the signal exists only where a Prometheus scrapes the nodes (`up`): Kubernetes and
   * the local fleet. Cloud targets cover the same failure with their balancer's health metrics.
   */
  prometheusOnly?: boolean;
}

/** What the thresholds depend on. */
export interface AlertContext {
  /** The node capacity in connections (`shared/capacity.ts`). */
  connectionsPerNode: number;
}

/** Names of the alerts, for targets and tests that refer to one. */
export const ALERT_NAMES = {
  stickinessBroken: "SocketIoStickinessBroken",
  redisDisconnected: "SocketIoRedisDisconnected",
  nodeNotReady: "SocketIoNodeNotReady",
  nodeDown: "SocketIoNodeDown",
  clientsAboveCapacity: "SocketIoClientsAboveCapacity",
  redisMemoryHigh: "SocketIoRedisMemoryHigh",
} as const;

/** Unknown-session rate (per second, whole fleet) above which stickiness counts as broken. */
export const UNKNOWN_SESSION_FLOOR_PER_SECOND = 0.1;
/** Redis used-memory ratio above which the memory alert fires. */
export const REDIS_MEMORY_RATIO_LIMIT = 0.8;

/** The fleet's alerts for `context`; the same list on every target. */
export function fleetAlerts(context: AlertContext): FleetAlert[] {
  return [
    {
      name: ALERT_NAMES.stickinessBroken,
      severity: "critical",
      summary: "Polling requests reach nodes that do not know their session (stickiness broken)",
      description:
        'Requests name an engine.io session the receiving node does not hold ("Session ID unknown", HTTP 400): ' +
        "the load balancer is not pinning sessions, so polling clients fail and reconnect in a loop. " +
        "Check the balancer's session affinity (cookie or client IP) and that the sticky cookie reaches it (CORS credentials).",
      signal: {
        kind: "counter",
        metric: METRIC_NAMES.unknownSessions,
        windowSeconds: 120,
      },
      comparison: ">",
      threshold: UNKNOWN_SESSION_FLOOR_PER_SECOND,
      thresholdReason:
        "A crashed node makes each of its polling clients fail one poll (a drain counts nothing): a burst " +
        "within a heartbeat (45 s) that leaves the 2-min window 2 min later, so one crash cannot hold 5 min " +
        "(a crash loop 1.5–2.5 min apart can, and deserves the page). Without affinity every poll of every " +
        "polling client fails for as long as it lasts: one such client alone makes 0.2–0.5/s.",
      forSeconds: 300,
    },
    {
      name: ALERT_NAMES.redisDisconnected,
      severity: "critical",
      summary: "A node has lost its adapter Redis connection",
      description:
        "Broadcasts from this node reach only its own clients, and it receives none from the others. " +
        "The node stays ready on purpose (taking every node out at once would be worse): check Redis " +
        "(reachability, auth, failover) and the node's logs.",
      signal: { kind: "gauge-each", metric: METRIC_NAMES.redisConnected },
      comparison: "<",
      threshold: 1,
      thresholdReason:
        "The app reconnects within seconds after a Redis restart or failover (a failover takes ≈ 10–30 s); " +
        "a minute without a connection is an outage, not a blip.",
      forSeconds: 60,
    },
    {
      name: ALERT_NAMES.nodeNotReady,
      severity: "warning",
      summary: "A node has not been ready for 5 minutes",
      description:
        "The node answers 503 on /readyz, so the balancer sends it nothing: it is draining and did not exit, " +
        "or it never reached Redis after starting. Check its logs.",
      signal: { kind: "gauge-each", metric: METRIC_NAMES.ready },
      comparison: "<",
      threshold: 1,
      thresholdReason:
        "A starting node is unready until its first Redis connection (seconds) and a draining one for at most " +
        "25 s before it exits; 5 minutes is neither.",
      forSeconds: 300,
    },
    {
      name: ALERT_NAMES.nodeDown,
      severity: "warning",
      summary: "Prometheus cannot scrape a node's metrics",
      description:
        "The node is gone or its metrics port is unreachable (NetworkPolicy, port). The platform restarts a " +
        "crashed node; if this holds, look at the pod's events.",
      signal: { kind: "scrape-down" },
      comparison: "<",
      threshold: 1,
      thresholdReason:
        "A restart takes seconds and a removed node leaves service discovery within a scrape or two; " +
        "2 minutes is a node that does not come back.",
      forSeconds: 120,
      prometheusOnly: true,
    },
    {
      name: ALERT_NAMES.clientsAboveCapacity,
      severity: "warning",
      summary: `A node holds more than ${context.connectionsPerNode} clients, its capacity`,
      description:
        "Connections cost memory, not CPU: past the capacity the node eats into the headroom kept for broadcasts " +
        "and reconnect bursts. Existing sockets never move to new nodes, so add nodes (or raise maxReplicas) " +
        "before the node runs out of memory.",
      signal: { kind: "gauge-each", metric: METRIC_NAMES.connectedClients },
      comparison: ">",
      threshold: context.connectionsPerNode,
      thresholdReason:
        "The capacity already keeps half of the node's free memory as headroom (shared/capacity.ts); " +
        "5 minutes above it rules out a reconnect burst that autoscaling is about to absorb.",
      forSeconds: 300,
    },
    {
      name: ALERT_NAMES.redisMemoryHigh,
      severity: "warning",
      summary: "Redis uses more than 80 % of its memory",
      description:
        "At its limit Redis evicts keys (the streams adapter's entries) or refuses writes (every publish fails). " +
        "Look for slow subscribers (client output buffers) and the streams adapter's length, or give Redis more memory.",
      signal: { kind: "redis-memory" },
      comparison: ">",
      threshold: REDIS_MEMORY_RATIO_LIMIT,
      thresholdReason:
        "80 % leaves room for a burst of pub/sub output buffers and for a fork (replication, snapshot) " +
        "before the limit; 5 minutes ignores a single burst.",
      forSeconds: 300,
    },
  ];
}
