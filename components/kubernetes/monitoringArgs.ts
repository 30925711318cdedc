/**
 * The Kubernetes target's `monitoring` arg and the connection-based half of `autoscaling`: which
 * collector scrapes the pods, where the rules and the Grafana dashboard go, and which scaler
 * follows the connected clients.
 */
import type { FleetMonitoring } from "../shared";

/** Who scrapes the pods and evaluates the fleet's alerts; decides the kinds the component creates. */
export const KubernetesMonitoringCollector = {
  /**
   * The Prometheus Operator (kube-prometheus-stack, kube-prometheus): a `PodMonitor` and a
   * `PrometheusRule` (`monitoring.coreos.com/v1`). The operator's CRDs must be installed.
   */
  PrometheusOperator: "prometheus-operator",
  /**
   * Google Cloud Managed Service for Prometheus with managed collection: a `PodMonitoring` and a
   * `Rules` (`monitoring.googleapis.com/v1`). GKE installs it by default (new Autopilot and
   * Standard clusters); its collectors run in the `gmp-system` namespace.
   */
  GkeManagedPrometheus: "gke-managed-prometheus",
} as const;
export type KubernetesMonitoringCollector =
  (typeof KubernetesMonitoringCollector)[keyof typeof KubernetesMonitoringCollector];

export const MONITORING_COLLECTORS: readonly KubernetesMonitoringCollector[] = Object.values(
  KubernetesMonitoringCollector,
);

/** The Grafana dashboard, a ConfigMap the Grafana sidecar picks up. */
export interface KubernetesGrafanaDashboard {
  /** Create the dashboard ConfigMap. Default true (with monitoring on). */
  enabled?: boolean;
  /**
   * Namespace of the ConfigMap. Default: the fleet's namespace, which kube-prometheus-stack's
   * Grafana reads (its sidecar searches every namespace); the Grafana chart alone searches only
   * its own namespace, so name that one here (the ConfigMap is then named
   * `<fleet namespace>-<name>-dashboard`, unique among fleets).
   */
  namespace?: string;
}

/** Metrics collection, alerts and a dashboard for the fleet (`components/shared/alerts.ts`). */
export interface KubernetesMonitoring extends FleetMonitoring {
  /**
   * Which collector the cluster runs. Default: "gke-managed-prometheus" with the GKE Ingress or a
   * GKE Gateway (GKE turns managed collection on by default); elsewhere none, and then the
   * component creates no monitor, rules or dashboard and warns at every preview: a CRD the
   * cluster lacks would fail `pulumi up`, so the component never guesses one.
   */
  collector?: KubernetesMonitoringCollector;
  /**
   * Namespaces whose pods may reach the metrics ports (e.g. `["monitoring"]` for a Prometheus
   * there), matched by their `kubernetes.io/metadata.name` label. Default: `["gmp-system"]` with
   * "gke-managed-prometheus" (where its collectors run); otherwise [], and "prometheus-operator"
   * then requires it: no pod outside the fleet can reach the metrics port.
   */
  namespaces?: string[];
  /**
   * Extra labels on the monitor and rule objects, for a Prometheus that selects them by label
   * (kube-prometheus-stack selects by `release: <its Helm release>` unless its
   * `*SelectorNilUsesHelmValues` values are false). Default none.
   */
  labels?: Record<string, string>;
  /** The Grafana dashboard. Default { enabled: true } in the fleet's namespace. */
  dashboard?: KubernetesGrafanaDashboard;
}

/** What the autoscaler follows. */
export const KubernetesAutoscalingMetric = {
  /** Average CPU utilisation (`targetCpuPercent`): an HPA on the `cpu` resource metric. */
  Cpu: "cpu",
  /**
   * Connected clients per pod against `connectionsPerNode` (the app's
   * `socketio_connected_clients`, as the monitoring collector gathers it), through `connections`.
   */
  Connections: "connections",
} as const;
export type KubernetesAutoscalingMetric =
  (typeof KubernetesAutoscalingMetric)[keyof typeof KubernetesAutoscalingMetric];

/** What turns the collected connection count into a scaling signal. */
export const KubernetesConnectionScaler = {
  /**
   * A KEDA `ScaledObject` (`keda.sh/v1alpha1`) with a `prometheus` trigger; KEDA creates and
   * owns the HPA. KEDA must be installed.
   */
  Keda: "keda",
  /**
   * An HPA on a `Pods` metric served by prometheus-adapter (its rules must expose
   * `socketio_connected_clients` per pod). The adapter is headed for deprecation in favour of KEDA
   * (kubernetes-sigs/prometheus-adapter#701).
   */
  PrometheusAdapter: "prometheus-adapter",
} as const;
export type KubernetesConnectionScaler =
  (typeof KubernetesConnectionScaler)[keyof typeof KubernetesConnectionScaler];

export const CONNECTION_SCALERS: readonly KubernetesConnectionScaler[] = Object.values(
  KubernetesConnectionScaler,
);

/** Connection-based autoscaling (`autoscaling.metric: "connections"`). */
export interface KubernetesConnectionScaling {
  /** "keda" or "prometheus-adapter". Default "keda". */
  scaler?: KubernetesConnectionScaler;
  /**
   * KEDA only (required): the Prometheus HTTP API KEDA queries, e.g.
   * "http://kube-prometheus-stack-prometheus.monitoring.svc:9090", or for Managed Prometheus
   * "https://monitoring.googleapis.com/v1/projects/<project>/location/global/prometheus" (with
   * `authenticationRef`).
   */
  prometheusUrl?: string;
  /**
   * KEDA only: the `TriggerAuthentication` in the fleet's namespace KEDA authenticates with
   * (e.g. GCP workload identity for Managed Prometheus). Default none.
   */
  authenticationRef?: string;
}
