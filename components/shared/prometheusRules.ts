/**
 * The fleet's alerts (`alerts.ts`) as a Prometheus rule group: the `spec.groups` of a
 * `PrometheusRule`, the groups of GKE's `Rules`, the rule file of the local fleet's Prometheus, and
 * the PromQL of GCP's alert policies. One renderer, so all of them say the same thing.
 */
import { stringify } from "yaml";
import type { FleetAlert } from "./alerts";

/** Where the fleet's series are: label matchers that select this fleet's nodes (and its Redis). */
export interface PromSelectors {
  /** Matchers for the app nodes' series, e.g. `job="socketio"` or `namespace="chat"`. */
  app: string;
  /** Matchers for the redis exporter's series; unset: the Redis memory alert is left out. */
  redis?: string;
  /**
   * A series that already is the used-memory ratio (0–1), for a managed Redis that reports one
   * (Memorystore's `redis_googleapis_com:stats_memory_usage_ratio{…}`); used instead of `redis`.
   */
  redisRatio?: string;
}

export interface PromRenderOptions {
  /**
   * Multiplies every duration (rate windows, `for`). 1 in production; the local fleet's
   * `--monitoring` demo shortens them so an alert fires within a minute.
   */
  timeScale?: number;
  /** The shortest rate window, seconds: at least two scrape intervals. Default 30. */
  minWindowSeconds?: number;
}

export interface PromRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PromRuleGroup {
  name: string;
  rules: PromRule[];
}

/** The name of the rule group every target renders. */
export const RULE_GROUP_NAME = "socketio-fleet";

/** A Prometheus duration for `seconds` (whole seconds, at least 1 s). */
export function promDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}

/** The PromQL condition of `alert` (the expression that returns a series while it holds). */
export function alertExpression(
  alert: FleetAlert,
  selectors: PromSelectors,
  options: PromRenderOptions = {},
): string | undefined {
  const scale = options.timeScale ?? 1;
  const sel = (extra?: Record<string, string>) =>
    [selectors.app, ...Object.entries(extra ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`)]
      .filter((s) => s.length > 0)
      .join(",");
  const op = alert.comparison;
  const s = alert.signal;
  switch (s.kind) {
    case "counter": {
      const window = promDuration(
        Math.max(options.minWindowSeconds ?? 30, s.windowSeconds * scale),
      );
      return `sum(rate(${s.metric}{${sel(s.labels)}}[${window}])) ${op} ${alert.threshold}`;
    }
    case "gauge-each":
      return `${s.metric}{${sel(s.labels)}} ${op} ${alert.threshold}`;
    case "scrape-down":
      return `up{${sel()}} ${op} ${alert.threshold}`;
    case "redis-memory":
      if (selectors.redisRatio !== undefined) {
        return `${selectors.redisRatio} ${op} ${alert.threshold}`;
      }
      if (selectors.redis === undefined) return undefined;
      // maxmemory 0 means "no limit": no ratio to alert on.
      return (
        `(redis_memory_used_bytes{${selectors.redis}} / redis_memory_max_bytes{${selectors.redis}}) ${op} ${alert.threshold}` +
        ` and redis_memory_max_bytes{${selectors.redis}} > 0`
      );
  }
}

/** `alerts` as one Prometheus rule group (alerts without a PromQL form on this target are left out). */
export function prometheusRuleGroup(
  alerts: FleetAlert[],
  selectors: PromSelectors,
  options: PromRenderOptions = {},
): PromRuleGroup {
  const scale = options.timeScale ?? 1;
  const rules: PromRule[] = [];
  for (const alert of alerts) {
    const expr = alertExpression(alert, selectors, options);
    if (expr === undefined) continue;
    rules.push({
      alert: alert.name,
      expr,
      for: promDuration(alert.forSeconds * scale),
      labels: { severity: alert.severity },
      annotations: {
        summary: alert.summary,
        description: alert.description,
        threshold: `${alert.threshold}: ${alert.thresholdReason}`,
      },
    });
  }
  return { name: RULE_GROUP_NAME, rules };
}

/** A Prometheus rule file (YAML text) for `groups`, as `promtool check rules` reads it. */
export function ruleFileYaml(groups: PromRuleGroup[]): string {
  return stringify({ groups }, { lineWidth: 0 });
}
