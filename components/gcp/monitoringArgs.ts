/**
 * The `monitoring` arg of `GcpSocketIoFleet` (kept out of `args.ts`, which is long enough), with
 * its defaults. Written for every Pulumi language like the other args.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { FleetMonitoring } from "../shared";

/** Metrics collection, alert policies and a dashboard in Cloud Monitoring. */
export interface GcpMonitoring extends FleetMonitoring {
  /**
   * Ids of existing Cloud Monitoring notification channels
   * ("projects/acme/notificationChannels/123…") every alert policy notifies. Default: none (the
   * incidents show in the console only; create channels once per project, e.g. e-mail or
   * PagerDuty, and list them here).
   */
  notificationChannels?: pulumi.Input<string>[];
  /**
   * Seconds between two scrapes of a node's metrics (10–300). Managed Service for Prometheus
   * bills per sample, so this is the cost lever. Default: 30, the collectors' own default and
   * short enough for the 1-minute Redis alert.
   */
  scrapeIntervalSeconds?: number;
  /**
   * The collector image, pinned by digest: Managed Service for Prometheus's Prometheus on the
   * instance group, the run-gmp-sidecar on Cloud Run. Default: GMP's Prometheus
   * v3.13.0-gmp.1-gke.0 or the run-gmp-sidecar, each at a fixed digest (`GCP_COLLECTOR_IMAGES`);
   * give your own mirror's digest to pull from it.
   */
  collectorImage?: string;
}

/** Defaults of `monitoring`, each with its reason on the arg above. */
export const GCP_MONITORING_DEFAULTS = {
  enabled: true,
  scrapeIntervalSeconds: 30,
} as const;

/**
 * The collectors, pinned by digest like the app image (a VM pulls at every container start, so a
 * moving tag mixes builds):
 * - instance group: Managed Service for Prometheus's drop-in Prometheus, v3.13.0-gmp.1-gke.0
 *   (the digest GoogleCloudPlatform/prometheus-engine `examples/inject-gmp-sidecar.sh` pins, from
 *   its `charts/values.global.yaml`). The
 *   Ops Agent does not run on Container-Optimized OS (GoogleCloudPlatform/ops-agent #325,
 *   #1842), and this one reads a plain `prometheus.yml` (relabelling to keep `socketio_*`) and
 *   finds the project and zone on the metadata server by itself;
 * - Cloud Run: the run-gmp-sidecar Google recommends for Prometheus metrics on Cloud Run
 *   (cloud.google.com/run/docs/monitoring-managed-prometheus-sidecar), at the digest public
 *   deployments pin (not resolved here: no registry access; `gcloud artifacts docker images
 *   describe` shows the current one).
 */
export const GCP_COLLECTOR_IMAGES = {
  instanceGroup:
    "gke.gcr.io/prometheus-engine/prometheus:v3.13.0-gmp.1-gke.0@sha256:b8e81d2737a3ca7126b06cbd4bb495b4f9c694e9431e5a280d7d37f289ff2708",
  cloudRun:
    "us-docker.pkg.dev/cloud-ops-agents-artifacts/cloud-run-gmp-sidecar/cloud-run-gmp-sidecar@sha256:f782d8c67ad3f0e54d791fbf7cc6c8d36bc9e15c4b68d8b38ef372674defe452",
} as const;

/** `monitoring` with its defaults applied. */
export interface ResolvedGcpMonitoring {
  enabled: boolean;
  notificationChannels: pulumi.Input<string>[];
  scrapeIntervalSeconds: number;
  collectorImage: string;
}

/** `monitoring` with defaults, for the compute mode (which picks the collector image). */
export function resolveGcpMonitoring(
  monitoring: GcpMonitoring | undefined,
  cloudRun: boolean,
): ResolvedGcpMonitoring {
  const m = monitoring ?? {};
  return {
    enabled: m.enabled ?? GCP_MONITORING_DEFAULTS.enabled,
    notificationChannels: m.notificationChannels ?? [],
    scrapeIntervalSeconds: m.scrapeIntervalSeconds ?? GCP_MONITORING_DEFAULTS.scrapeIntervalSeconds,
    collectorImage:
      m.collectorImage ??
      (cloudRun ? GCP_COLLECTOR_IMAGES.cloudRun : GCP_COLLECTOR_IMAGES.instanceGroup),
  };
}
