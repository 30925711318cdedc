/**
 * The dashboard's alerts: every rule of the fleet's group with its state (inactive, pending,
 * firing), summary and since when, as the engine's Prometheus reports it (`/api/v1/rules`). The
 * dashboard server asks Prometheus on loopback; the page only talks to the dashboard.
 */
import type { LocalFleet } from "../fleet";

export interface AlertView {
  name: string;
  state: "inactive" | "pending" | "firing";
  severity: string;
  summary: string;
  /** `for`, seconds, as rendered (scaled by the time scale). */
  forSeconds: number;
  /** The earliest `activeAt` of its active alerts (ISO time); none when inactive. */
  since?: string;
  /** The label sets of its active alerts without the rule's own, e.g. `node="node-1", role="pub"`. */
  instances: { labels: string; state: "pending" | "firing"; activeAt: string }[];
}

export interface AlertsAnswer {
  /** False: the fleet runs without `--monitoring`. */
  monitoring: boolean;
  timeScale?: number;
  rules: AlertView[];
  /** Prometheus did not answer (starting, restarting). */
  error?: string;
}

/**
 * Labels every series of the job carries, or that repeat another (`node_id` is the app's own
 * name for the target's `node`): left out of each alert's line.
 */
const QUIET_LABELS = new Set(["alertname", "severity", "job", "instance", "node_id"]);

export async function fleetAlerts(fleet: LocalFleet): Promise<AlertsAnswer> {
  const monitoring = fleet.monitoring;
  if (monitoring === undefined) return { monitoring: false, rules: [] };
  try {
    const rules = await monitoring.rules();
    return {
      monitoring: true,
      timeScale: monitoring.timeScale,
      rules: rules.map((rule) => {
        const since = rule.alerts.map((a) => a.activeAt).sort()[0];
        return {
          name: rule.name,
          state: rule.state,
          severity: rule.labels.severity ?? "",
          summary: rule.annotations.summary ?? "",
          forSeconds: rule.duration,
          since,
          instances: rule.alerts
            .map((a) => ({
              labels: Object.entries(a.labels)
                .filter(([k]) => !QUIET_LABELS.has(k))
                .map(([k, v]) => `${k}="${v}"`)
                .join(", "),
              state: a.state,
              activeAt: a.activeAt,
            }))
            .sort((x, y) => x.labels.localeCompare(y.labels)),
        };
      }),
    };
  } catch (err) {
    return {
      monitoring: true,
      timeScale: monitoring.timeScale,
      rules: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
