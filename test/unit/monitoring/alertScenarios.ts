/**
 * Recorded-series scenarios for `promtool test rules`, one set per alert of the shared catalog
 * (`components/shared/alerts.ts`), written from the alerts' own thresholds, windows and `for`
 * durations, so a changed threshold changes the series with it:
 * - `fires`: the failure the alert exists for; not firing just before its `for` has passed,
 *   firing after it, cleared after recovery;
 * - `churn`: the normal event the threshold is chosen to ignore (a node-death burst of
 *   unknown-sid, a rolling update's unready nodes, a Redis restart, a reconnect burst…); never
 *   firing.
 * Production timing (timeScale 1), a 15 s scrape and evaluation interval.
 */
import type { FleetAlert } from "../../../components/shared/alerts";
import { ALERT_NAMES } from "../../../components/shared/alerts";
import { METRIC_NAMES } from "../../../components/shared/metricNames";
import type { PromRule } from "../../../components/shared/prometheusRules";

/** Scrape and evaluation interval of the recorded series, seconds. */
export const STEP_SECONDS = 15;
const MINUTE = 60;

export interface InputSeries {
  series: string;
  values: string;
}

export interface AlertCheck {
  /** Seconds from the start of the series. */
  at: number;
  /** Labels of each expected firing alert, beside `severity`; empty: none firing. */
  firing: Record<string, string>[];
}

export interface AlertScenario {
  alert: string;
  kind: "fires" | "churn";
  title: string;
  series: InputSeries[];
  checks: AlertCheck[];
}

/** A series sampled every `STEP_SECONDS` for `seconds` from `value(t)` (undefined: no sample). */
export function sampled(
  labels: string,
  seconds: number,
  value: (t: number) => number | undefined,
): InputSeries {
  const values: string[] = [];
  for (let t = 0; t <= seconds; t += STEP_SECONDS) {
    const v = value(t);
    values.push(v === undefined ? "_" : String(Math.round(v * 1000) / 1000));
  }
  return { series: labels, values: values.join(" ") };
}

/** A counter growing at `rate(t)` per second (integrated step by step). */
function counter(labels: string, seconds: number, rate: (t: number) => number): InputSeries {
  let total = 0;
  return sampled(labels, seconds, (t) => {
    if (t > 0) total += rate(t - STEP_SECONDS) * STEP_SECONDS;
    return total;
  });
}

const between = (t: number, from: number, to: number) => t >= from && t < to;
const NODES = ["node-1", "node-2", "node-3"];
const app = (metric: string, node: string, extra = "") =>
  `${metric}{job="socketio",instance="${node}:9464",node_id="${node}"${extra}}`;
const appLabels = (node: string) => ({ job: "socketio", instance: `${node}:9464`, node_id: node });

/** Checks every minute from `from` to `to` that nothing fires. */
function quietFrom(from: number, to: number): AlertCheck[] {
  const checks: AlertCheck[] = [];
  for (let t = from; t <= to; t += MINUTE) checks.push({ at: t, firing: [] });
  return checks;
}

/**
 * A gauge alert on one node: the failing value from `start` for `forSeconds + 3 min`, the
 * healthy value before and after; and the churn it must ignore, the failing value for `blip`
 * seconds on every node at once.
 */
function gaugeScenarios(
  alert: FleetAlert,
  metric: string,
  extraLabels: Record<string, string>,
  values: { healthy: number; failing: number },
  churn: { title: string; seconds: number; staggerSeconds: number },
  fails: string,
): AlertScenario[] {
  const start = 5 * MINUTE;
  const end = start + alert.forSeconds + 3 * MINUTE;
  const total = end + 5 * MINUTE;
  const extra = Object.entries(extraLabels)
    .map(([k, v]) => `,${k}="${v}"`)
    .join("");
  const fires: AlertScenario = {
    alert: alert.name,
    kind: "fires",
    title: fails,
    series: NODES.map((node) =>
      sampled(app(metric, node, extra), total, (t) =>
        node === "node-1" && between(t, start, end) ? values.failing : values.healthy,
      ),
    ),
    checks: [
      { at: start + alert.forSeconds - MINUTE, firing: [] },
      {
        at: start + alert.forSeconds + MINUTE,
        firing: [{ ...appLabels("node-1"), ...extraLabels }],
      },
      { at: end + STEP_SECONDS * 2, firing: [] },
    ],
  };
  const quiet: AlertScenario = {
    alert: alert.name,
    kind: "churn",
    title: churn.title,
    series: NODES.map((node, i) => {
      const from = start + i * churn.staggerSeconds;
      return sampled(app(metric, node, extra), total, (t) =>
        between(t, from, from + churn.seconds) ? values.failing : values.healthy,
      );
    }),
    checks: quietFrom(start, total),
  };
  return [fires, quiet];
}

/** The scenarios of every alert in `alerts` (each alert must have both kinds). */
export function alertScenarios(alerts: FleetAlert[]): AlertScenario[] {
  return alerts.flatMap((alert) => scenariosOf(alert));
}

function scenariosOf(alert: FleetAlert): AlertScenario[] {
  switch (alert.name) {
    case ALERT_NAMES.stickinessBroken:
      return stickinessScenarios(alert);
    case ALERT_NAMES.redisDisconnected:
      return gaugeScenarios(
        alert,
        METRIC_NAMES.redisConnected,
        { role: "pub" },
        { healthy: 1, failing: 0 },
        {
          title: "a Redis restart: every node disconnected for 30 s",
          seconds: 30,
          staggerSeconds: 0,
        },
        "node-1 cut off from Redis",
      );
    case ALERT_NAMES.nodeNotReady:
      return gaugeScenarios(
        alert,
        METRIC_NAMES.ready,
        {},
        { healthy: 1, failing: 0 },
        {
          title: "a rolling update: each node unready for 30 s, one after the other",
          seconds: 30,
          staggerSeconds: 45,
        },
        "node-1 stuck unready",
      );
    case ALERT_NAMES.nodeDown:
      return gaugeScenarios(
        alert,
        "up",
        {},
        { healthy: 1, failing: 0 },
        {
          title: "crashes restarted by the platform: each node unscrapable for 30 s",
          seconds: 30,
          staggerSeconds: 2 * MINUTE,
        },
        "node-1 gone",
      );
    case ALERT_NAMES.clientsAboveCapacity:
      return gaugeScenarios(
        alert,
        METRIC_NAMES.connectedClients,
        {},
        { healthy: Math.round(alert.threshold * 0.6), failing: Math.round(alert.threshold * 1.2) },
        {
          title: "a reconnect burst: every node above capacity for 2 minutes",
          seconds: 2 * MINUTE,
          staggerSeconds: 0,
        },
        "node-1 above capacity",
      );
    case ALERT_NAMES.redisMemoryHigh:
      return redisMemoryScenarios(alert);
    default:
      throw new Error(`no recorded-series scenarios for alert ${alert.name}: add them here`);
  }
}

/**
 * Stickiness: a balancer without affinity makes polling clients fail continuously (3× the floor,
 * spread over the nodes) for `for + window + 3 min`; the churn is one node's death, each of its
 * 1,000 polling clients failing one poll on the survivors within a heartbeat (45 s), plus a
 * steady trickle at a third of the floor.
 */
function stickinessScenarios(alert: FleetAlert): AlertScenario[] {
  if (alert.signal.kind !== "counter") throw new Error(`${alert.name}: expected a counter`);
  const window = alert.signal.windowSeconds;
  const floor = alert.threshold;
  const start = 5 * MINUTE;
  const end = start + alert.forSeconds + window + 3 * MINUTE;
  const total = end + window + 5 * MINUTE;
  const metric = alert.signal.metric;
  const fires: AlertScenario = {
    alert: alert.name,
    kind: "fires",
    title: "a balancer without affinity: polling clients fail continuously",
    series: NODES.map((node) =>
      counter(app(metric, node), total, (t) => (between(t, start, end) ? floor : 0)),
    ),
    checks: [
      { at: start + alert.forSeconds - MINUTE, firing: [] },
      { at: start + alert.forSeconds + window, firing: [{}] },
      { at: end + window + MINUTE, firing: [] },
    ],
  };
  const burstClients = 1000;
  const heartbeat = 45;
  const churn: AlertScenario = {
    alert: alert.name,
    kind: "churn",
    title: `a node dies under ${burstClients} polling clients (each fails one poll within a heartbeat), over a trickle of a third of the floor`,
    series: NODES.map((node) =>
      counter(app(metric, node), total, (t) => {
        const trickle = floor / 3 / NODES.length;
        if (node === "node-1") return t < start ? trickle : 0; // it died
        return trickle + (between(t, start, start + heartbeat) ? burstClients / 2 / heartbeat : 0);
      }),
    ),
    checks: quietFrom(start, total),
  };
  return [fires, churn];
}

/** Redis at 90 % of maxmemory for `for + 3 min`; churn: a 2-minute burst, and no maxmemory. */
function redisMemoryScenarios(alert: FleetAlert): AlertScenario[] {
  const max = 1024 * 1024 * 1024;
  const start = 5 * MINUTE;
  const end = start + alert.forSeconds + 3 * MINUTE;
  const total = end + 5 * MINUTE;
  const high = Math.min(0.99, alert.threshold + 0.1);
  const low = alert.threshold / 2;
  const redis = (metric: string, instance: string) =>
    `${metric}{job="redis",instance="${instance}"}`;
  const used = (instance: string, ratio: (t: number) => number, limit: number) => [
    sampled(
      redis("redis_memory_used_bytes", instance),
      total,
      (t) => ratio(t) * (limit === 0 ? max : limit),
    ),
    sampled(redis("redis_memory_max_bytes", instance), total, () => limit),
  ];
  return [
    {
      alert: alert.name,
      kind: "fires",
      title: `Redis at ${high * 100} % of maxmemory`,
      series: used("redis:9121", (t) => (between(t, start, end) ? high : low), max),
      checks: [
        { at: start + alert.forSeconds - MINUTE, firing: [] },
        {
          at: start + alert.forSeconds + MINUTE,
          firing: [{ job: "redis", instance: "redis:9121" }],
        },
        { at: end + STEP_SECONDS * 2, firing: [] },
      ],
    },
    {
      alert: alert.name,
      kind: "churn",
      title: "a 2-minute burst above the limit; and a Redis without maxmemory (no ratio)",
      series: [
        ...used("redis:9121", (t) => (between(t, start, start + 2 * MINUTE) ? high : low), max),
        ...used("unlimited:9121", () => high, 0),
      ],
      checks: quietFrom(start, total),
    },
  ];
}

/** The `promtool test rules` file for one scenario against `ruleFile`. */
export function promtoolTest(
  ruleFile: string,
  scenario: AlertScenario,
  rule: PromRule,
): Record<string, unknown> {
  return {
    rule_files: [ruleFile],
    evaluation_interval: `${STEP_SECONDS}s`,
    tests: [
      {
        name: `${scenario.alert}: ${scenario.title}`,
        interval: `${STEP_SECONDS}s`,
        input_series: scenario.series,
        alert_rule_test: scenario.checks.map((check) => ({
          eval_time: `${check.at}s`,
          alertname: scenario.alert,
          exp_alerts: check.firing.map((labels) => ({
            exp_labels: { ...rule.labels, ...labels },
            exp_annotations: rule.annotations,
          })),
        })),
      },
    ],
  };
}
