/**
 * The fleet's alerts (`shared/alerts.ts`) as Cloud Monitoring alert policies with PromQL
 * conditions, their queries rendered by the shared renderer (`alertExpression`) with matchers
 * that select this fleet's series as Managed Service for Prometheus labels them, plus two
 * GCP-only alerts (balancer 5xx, ready nodes below the floor). One policy per alert, so each pages
 * and closes on its own.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  RULE_GROUP_NAME,
  alertExpression,
  fleetAlerts,
  promDuration,
  type AlertSeverity,
  type FleetAlert,
  type PromSelectors,
} from "../shared";
import { METRIC_NAMES } from "../shared/metricNames";
import type { GcpFleetTransforms } from "./args";
import { METRICS_JOB } from "./vmCollector";

/**
 * PromQL conditions are evaluated every `evaluationInterval`, "a positive multiple of 30 seconds"
 * (AlertPolicy `conditionPrometheusQueryLanguage.evaluationInterval`); 30 s is the API's default,
 * written out so the state matches what the API returns (and because earlier provider versions
 * declared the field required: hashicorp/terraform-provider-google
 * `google/services/monitoring/resource_monitoring_alert_policy.go`, which marks none of the
 * condition's fields ForceNew).
 */
export const EVALUATION_INTERVAL = "30s";

/** An alert only GCP has: a PromQL condition on Google's own metrics, with its reason. */
export interface GcpOnlyAlert {
  name: string;
  severity: AlertSeverity;
  summary: string;
  description: string;
  thresholdReason: string;
  forSeconds: number;
  query: pulumi.Output<string>;
}

/** Where this fleet's series are, as GMP and Cloud Monitoring label them. */
export interface FleetSeries {
  /** Matchers of the app's series (`gmpMatchers`). */
  app: pulumi.Input<string>;
  /** The Memorystore used-memory ratio series (`memorystoreRatio`); unset: no Redis alert. */
  redisRatio?: pulumi.Input<string>;
  /** The backend service's name (the balancer's metrics carry it as `backend_target_name`). */
  backendServiceName: pulumi.Input<string>;
  /** Ready nodes below this page (`autoscaling.minReplicas`, else `replicas`). */
  minReadyNodes: number;
}

/**
 * Matchers for the app's series. Instance group (`vmCollector.ts`): `job` and the fleet's
 * `namespace`. Cloud Run (`runCollector.ts`): the sidecar sets `cluster="__run__"`, `namespace` =
 * the service's name and `job` = the RunMonitoring's name.
 */
export function gmpMatchers(namespace: string, cloudRun: boolean): string {
  const labels = [
    ...(cloudRun ? [`cluster="__run__"`] : []),
    `job="${METRICS_JOB}"`,
    `namespace="${namespace}"`,
  ];
  return labels.join(",");
}

/**
 * Memorystore's own used-memory ratio (0–1) in PromQL ("Mapping Cloud Monitoring metrics to
 * PromQL": the first `/` becomes `:`, other dots and slashes `_`):
 * - Redis: `redis.googleapis.com/stats/memory/usage_ratio` on `redis_instance`
 *   (cloud.google.com/memorystore/docs/redis/supported-monitoring-metrics);
 * - Valkey: `memorystore.googleapis.com/instance/memory/maximum_utilization` (the busiest node)
 *   on `memorystore.googleapis.com/Instance`
 *   (cloud.google.com/memorystore/docs/valkey/supported-monitoring-metrics).
 * `instance_id` is matched as the short name or the full `projects/…/instances/<name>` path:
 * public policies filter on both, and the docs do not say which the label holds.
 */
export function memorystoreRatio(kind: "redis" | "valkey", instanceName: string): string {
  const id = `instance_id=~"(projects/.+/instances/)?${instanceName}"`;
  return kind === "redis"
    ? `redis_googleapis_com:stats_memory_usage_ratio{monitored_resource="redis_instance",${id}}`
    : `memorystore_googleapis_com:instance_memory_maximum_utilization{monitored_resource="memorystore.googleapis.com/Instance",${id}}`;
}

/** 5xx answers of the balancer above this share of its requests page. */
export const BALANCER_5XX_RATIO = 0.05;

/** The GCP-only alerts for the fleet's `series`. */
export function gcpOnlyAlerts(series: FleetSeries): GcpOnlyAlert[] {
  const lb = pulumi.interpolate`monitored_resource="https_lb_rule",backend_target_name="${series.backendServiceName}"`;
  const requests = "loadbalancing_googleapis_com:https_request_count";
  return [
    {
      name: "SocketIoBalancer5xx",
      severity: "critical",
      summary: `More than ${BALANCER_5XX_RATIO * 100} % of the load balancer's answers are 5xx`,
      description:
        "Clients get 502/503/504 from the load balancer: no healthy backend (every node failing its readiness check), " +
        "nodes at their connection ceiling (`MAX_CONNECTIONS` answers 503), or backends timing out. Check the backend " +
        "service's health and the nodes' logs.",
      thresholdReason:
        "A draining node refuses new sessions with 503 for seconds and the client retries elsewhere; a 5-minute share " +
        "above 5 % is not a drain.",
      forSeconds: 300,
      query: pulumi.interpolate`sum(rate(${requests}{${lb},response_code_class="500"}[5m])) / sum(rate(${requests}{${lb}}[5m])) > ${BALANCER_5XX_RATIO}`,
    },
    {
      name: "SocketIoReadyNodesBelowMinimum",
      severity: "critical",
      summary: `Fewer than ${series.minReadyNodes} nodes are ready`,
      description:
        "The instance group or Cloud Run keeps fewer ready nodes than the fleet's minimum: VMs crash-looping (image pull, " +
        "Redis unreachable at start), autohealing recreating them, a quota, or a zone outage. Look at the instance " +
        "group's (or the Cloud Run revision's) events and the nodes' logs.",
      thresholdReason:
        "A rolling update surges new nodes before old ones go, and autohealing replaces a node within its initial delay " +
        "(3 minutes); 10 minutes below the minimum is a platform that cannot keep the nodes up.",
      forSeconds: 600,
      query: pulumi.interpolate`(sum(${METRIC_NAMES.ready}{${series.app}}) or vector(0)) < ${series.minReadyNodes}`,
    },
  ];
}

/** The fleet's alerts that have a PromQL form on GCP (`prometheusOnly` ones are left out). */
export function gcpFleetAlerts(connectionsPerNode: number): FleetAlert[] {
  return fleetAlerts({ connectionsPerNode }).filter((a) => a.prometheusOnly !== true);
}

export interface AlertPolicyOptions {
  project?: pulumi.Input<string>;
  connectionsPerNode: number;
  series: FleetSeries;
  notificationChannels: pulumi.Input<string>[];
  transform: GcpFleetTransforms;
}

/** One alert policy per alert (shared and GCP-only), keyed by alert name. */
export function createAlertPolicies(
  name: string,
  o: AlertPolicyOptions,
  parent: pulumi.Resource,
): Record<string, gcp.monitoring.AlertPolicy> {
  const policies: Record<string, gcp.monitoring.AlertPolicy> = {};
  const selectors = pulumi
    .all([o.series.app, o.series.redisRatio])
    .apply(([app, redisRatio]): PromSelectors => ({
      app,
      ...(redisRatio === undefined ? {} : { redisRatio }),
    }));
  for (const alert of gcpFleetAlerts(o.connectionsPerNode)) {
    if (alert.signal.kind === "redis-memory" && o.series.redisRatio === undefined) continue;
    const query = selectors.apply((s) => alertExpression(alert, s) as string);
    policies[alert.name] = policy(name, o, parent, {
      name: alert.name,
      severity: alert.severity,
      summary: alert.summary,
      description: alert.description,
      thresholdReason: `${alert.threshold}: ${alert.thresholdReason}`,
      forSeconds: alert.forSeconds,
      query,
    });
  }
  for (const alert of gcpOnlyAlerts(o.series)) {
    policies[alert.name] = policy(name, o, parent, alert);
  }
  return policies;
}

function policy(
  name: string,
  o: AlertPolicyOptions,
  parent: pulumi.Resource,
  alert: GcpOnlyAlert,
): gcp.monitoring.AlertPolicy {
  const args: gcp.monitoring.AlertPolicyArgs = {
    project: o.project,
    displayName: `${name}: ${alert.name}`,
    combiner: "OR",
    severity: alert.severity === "critical" ? "CRITICAL" : "WARNING",
    conditions: [
      {
        displayName: alert.summary,
        conditionPrometheusQueryLanguage: {
          query: alert.query,
          duration: promDuration(alert.forSeconds),
          evaluationInterval: EVALUATION_INTERVAL,
          alertRule: alert.name,
          ruleGroup: RULE_GROUP_NAME,
          labels: { severity: alert.severity },
          // The app's series exist only once a node has been scraped: without this the API
          // refuses a policy on a metric it has not seen yet (a new project, a first `up`).
          disableMetricValidation: true,
        },
      },
    ],
    documentation: {
      mimeType: "text/markdown",
      subject: `${name}: ${alert.summary}`,
      content: `${alert.description}\n\n**Threshold** ${alert.thresholdReason}`,
    },
    // Omitted when none: the API returns no list, and [] would read as a change.
    ...(o.notificationChannels.length === 0
      ? {}
      : { notificationChannels: o.notificationChannels }),
    userLabels: { "socketio-fleet": name },
  };
  o.transform.alertPolicy?.(args);
  return new gcp.monitoring.AlertPolicy(`${name}-${kebab(alert.name)}`, args, { parent });
}

/** `SocketIoRedisDisconnected` → `redis-disconnected` (child names stay short and stable). */
export function kebab(alertName: string): string {
  return alertName
    .replace(/^SocketIo/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}
