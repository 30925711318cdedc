/**
 * Autoscaling on what limits a websocket fleet: connections per node (#21). Pure functions, no
 * Pulumi; `instanceGroup.ts` puts them in the autoscaler.
 *
 * The metric. Managed Service for Prometheus writes `socketio_connected_clients` as
 * `prometheus.googleapis.com/socketio_connected_clients/gauge` on `prometheus_target` resources,
 * not `gce_instance`, so the autoscaler can only read it as a per-group metric: the filter
 * selects this fleet's series by resource labels (allowed for any type but `gce_instance`), the
 * autoscaler sums the series (one per VM) and keeps `total ÷ singleInstanceAssignment` VMs
 * (RegionAutoscaler `metric.filter` / `singleInstanceAssignment` in @pulumi/gcp 9.37;
 * cloud.google.com/compute/docs/autoscaler/scaling-cloud-monitoring-metrics). With the
 * assignment = the node capacity, the group holds enough VMs for every client at capacity. The
 * CPU target stays beside it; the autoscaler follows whichever asks for more VMs.
 *
 * The scale-in bound. Removing a VM moves all its clients: it drains in `APP_DRAIN_SECONDS`
 * (2 s grace, then batches over at most 10 s) and its clients reconnect within the client's
 * reconnect delay (at most 5 s), i.e. up to `connectionsPerNode` handshakes on the survivors in
 * about 20 s. The autoscaler removes a VM only when `total ÷ capacity` says one fewer suffices,
 * so the survivors have room for those clients below their capacity; what they cannot absorb
 * is a second VM's clients before the first's have settled and been counted again. The window is
 * therefore the time until the moved clients show in the metric again (drain, reconnects, two
 * scrapes, Cloud Monitoring's ingestion and the autoscaler's read), and at least the
 * autoscaler's own 10-minute scale-in stabilization: one VM per 10 minutes. With the e2-small
 * default (32,700 connections per node) that is at most 32,700 clients moved per 10 minutes,
 * ≈ 3,270 a minute on average, in one burst of ≈ 20 s spread over the survivors.
 */
import { APP_DRAIN_SECONDS } from "../shared";
import { METRICS_JOB } from "./vmCollector";
import { scaleInBound } from "../shared/scaleInRules";

/** The connected-clients gauge as GMP names it in Cloud Monitoring. */
export const CONNECTED_CLIENTS_METRIC_TYPE =
  "prometheus.googleapis.com/socketio_connected_clients/gauge";
/** Socket.IO client's `reconnectionDelayMax` default, seconds. */
export const CLIENT_RECONNECT_MAX_SECONDS = 5;
/** Cloud Monitoring's ingestion plus the autoscaler's read of a custom metric, seconds (≈ 2–3 min). */
export const METRIC_READ_DELAY_SECONDS = 180;
/** The autoscaler's own scale-in stabilization: it looks at the last 10 minutes' peak. */
export const AUTOSCALER_SCALE_IN_STABILIZATION_SECONDS = 600;
/** VMs removed per window: one node's clients at a time. */
export const MAX_SCALED_IN_PER_WINDOW = 1;

/** The per-group connections metric of the autoscaling policy. */
export function connectionMetric(namespace: string, connectionsPerNode: number) {
  return {
    name: CONNECTED_CLIENTS_METRIC_TYPE,
    // Only `AND` and `=`, no functions (the field's doc). `job` and `namespace` are the labels
    // the collector sets (`vmCollector.ts`).
    filter:
      `resource.type = "prometheus_target" AND resource.labels.job = "${METRICS_JOB}" AND ` +
      `resource.labels.namespace = "${namespace}"`,
    singleInstanceAssignment: connectionsPerNode,
  };
}

/** Seconds until a removed VM's clients show in the metric again (see the file's comment). */
export function settleSeconds(scrapeIntervalSeconds: number): number {
  return (
    APP_DRAIN_SECONDS +
    CLIENT_RECONNECT_MAX_SECONDS +
    2 * scrapeIntervalSeconds +
    METRIC_READ_DELAY_SECONDS
  );
}

/**
 * The longest scale-in window used: an hour (the range gcloud documents for
 * `--scale-in-control time-window`; the API reference states no bound, so longer is not risked).
 */
export const MAX_SCALE_IN_WINDOW_SECONDS = 3600;

/**
 * `scaleInControl`: one VM per window, the window at least the settle time and at least the
 * shared bound (`shared/scaleInRules.ts`) for VMs of this capacity with the fewest survivors,
 * so the survivors accept the moved clients (e2-small, 32,700, one survivor: 164 s, under the
 * 600 s window; only very large machines lengthen it).
 */
export function scaleInControl(
  scrapeIntervalSeconds: number,
  bound?: { connectionsPerNode: number; minReplicas: number },
) {
  const shared =
    bound === undefined
      ? 0
      : scaleInBound(bound.connectionsPerNode, { survivors: bound.minReplicas })
          .removalPeriodSeconds;
  return {
    maxScaledInReplicas: { fixed: MAX_SCALED_IN_PER_WINDOW },
    timeWindowSec: Math.min(
      MAX_SCALE_IN_WINDOW_SECONDS,
      Math.max(
        AUTOSCALER_SCALE_IN_STABILIZATION_SECONDS,
        settleSeconds(scrapeIntervalSeconds),
        shared,
      ),
    ),
  };
}

/** The most clients scale-in moves per minute, on average over a window. */
export function movedClientsPerMinute(
  connectionsPerNode: number,
  scrapeIntervalSeconds: number,
  minReplicas = 1,
): number {
  const window = scaleInControl(scrapeIntervalSeconds, {
    connectionsPerNode,
    minReplicas,
  }).timeWindowSec;
  return Math.ceil((connectionsPerNode * MAX_SCALED_IN_PER_WINDOW * 60) / window);
}
