/**
 * The metrics collector of a Cloud Run fleet: Google's run-gmp-sidecar
 * (GoogleCloudPlatform/run-gmp-sidecar) as a second container of each instance. Verified in its
 * source (`entrypoint.go`, `confgenerator/config.go`, `run-service.yaml`):
 * - without a config it scrapes port 8080 only, so a `RunMonitoring` for `METRICS_PORT` is
 *   needed; it is read from `/etc/rungmp/config.yaml`, which Cloud Run can only mount from a
 *   Secret Manager secret (a volume with `items: [{ path: "config.yaml", version }]`), re-read
 *   every 20 s;
 * - the series land on `prometheus_target` with `job` = the RunMonitoring's `metadata.name`,
 *   `cluster="__run__"`, `namespace` = the service's name, `instance` = `<instance id>:<port>`;
 *   `metricRelabeling` may drop series (it may not rewrite the protected target labels);
 * - its liveness answers on :13133 `/liveness`; Google's sample makes it start after the app
 *   (`container-dependencies`, v2 `dependsOns`), and only the app has `ports` (Cloud Run allows
 *   one ingress container);
 * - it needs CPU outside requests ("some scrape attempts might fail if the CPU allocation is
 *   throttled", cloud.google.com/run/docs/monitoring-managed-prometheus-sidecar): the fleet keeps
 *   CPU always allocated anyway (`cpuIdle: false`, for Redis and the heartbeats).
 */
import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { KEPT_METRICS_REGEX, METRICS_JOB } from "./vmCollector";

/** The app container's name (the sidecar waits for it). */
export const APP_CONTAINER = "app";
export const COLLECTOR_CONTAINER = "collector";
export const COLLECTOR_VOLUME = "rungmp-config";
/** Where the sidecar reads its RunMonitoring (`userConfigFile` in its `entrypoint.go`). */
export const RUNGMP_CONFIG_DIR = "/etc/rungmp";
/** The sidecar's liveness endpoint (`livenessProbePort`, `livenessProbePath`). */
export const RUNGMP_LIVENESS = { port: 13133, path: "/liveness" } as const;
/**
 * The sidecar's resources, as in Google's own sample (`run-service.yaml` and the Cloud Run
 * page): billed per instance beside the app's.
 */
export const COLLECTOR_RESOURCES = { cpu: "1", memory: "512Mi" } as const;

/** The RunMonitoring config (YAML) scraping the app's metrics port, keeping `socketio_*` only. */
export function renderRunMonitoring(metricsPort: number, scrapeIntervalSeconds: number): string {
  const config = {
    apiVersion: "monitoring.googleapis.com/v1beta",
    kind: "RunMonitoring",
    metadata: { name: METRICS_JOB },
    spec: {
      endpoints: [
        {
          port: String(metricsPort),
          path: "/metrics",
          interval: `${scrapeIntervalSeconds}s`,
          metricRelabeling: [
            { action: "keep", sourceLabels: ["__name__"], regex: KEPT_METRICS_REGEX },
          ],
        },
      ],
    },
  };
  return stringify(config, { lineWidth: 0 });
}

/** The sidecar container of the service template. */
export function collectorContainer(
  image: string,
): gcp.types.input.cloudrunv2.ServiceTemplateContainer {
  return {
    name: COLLECTOR_CONTAINER,
    image,
    dependsOns: [APP_CONTAINER],
    resources: { limits: { ...COLLECTOR_RESOURCES }, cpuIdle: false },
    livenessProbe: {
      httpGet: { path: RUNGMP_LIVENESS.path, port: RUNGMP_LIVENESS.port },
      periodSeconds: 30,
      timeoutSeconds: 30,
    },
    volumeMounts: [{ name: COLLECTOR_VOLUME, mountPath: RUNGMP_CONFIG_DIR }],
  };
}

/**
 * The volume holding the RunMonitoring: the secret's version, pinned (a new config is a new
 * version, so a new revision).
 */
export function collectorVolume(
  secretId: pulumi.Input<string>,
  version: pulumi.Input<string>,
): gcp.types.input.cloudrunv2.ServiceTemplateVolume {
  return {
    name: COLLECTOR_VOLUME,
    secret: { secret: secretId, items: [{ path: "config.yaml", version }] },
  };
}
