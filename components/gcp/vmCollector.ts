/**
 * The metrics collector beside the app on each COS VM of the instance group: Managed Service for
 * Prometheus's drop-in Prometheus in a container of its own, started by a systemd unit like the
 * app (the Ops Agent does not run on Container-Optimized OS: GoogleCloudPlatform/ops-agent #325,
 * #1842). It scrapes the app's `/metrics` on the VM's loopback (the app publishes its metrics port
 * to 127.0.0.1 only) and writes the `socketio_*` series to Cloud Monitoring as `prometheus_target`
 * resources, with the VM's service account (`roles/monitoring.metricWriter`). The project and the
 * zone (`project_id`, `location`) come from the metadata server; this fleet's series carry
 * `job="socketio-fleet"` and `namespace="<fleet id>"`, and `instance` is the VM's name (without it
 * every VM of a zone would write the same series). Pure functions, no Pulumi.
 */
import { stringify } from "yaml";
import { COLLECTOR_MEMORY_MIB } from "./nodeCapacity";

/** The Prometheus `job` of the fleet's series (on Cloud Run, the RunMonitoring's name). */
export const METRICS_JOB = "socketio-fleet";
/** Only the app's own series are written (GMP bills per sample): no `process_*`/`nodejs_*`. */
export const KEPT_METRICS_REGEX = "socketio_.*";
/** Name of the collector's unit and container. */
export const COLLECTOR_UNIT = "socketio-fleet-collector";
/** Prometheus's own port, on the VM's loopback only (it never leaves the VM). */
export const COLLECTOR_WEB_PORT = 19090;
/** Where the per-boot config is written (tmpfs). */
export const COLLECTOR_RUN_DIR = "/run/socketio-fleet-collector";
/** Replaced by the VM's name at each start. */
export const INSTANCE_PLACEHOLDER = "@INSTANCE@";

export interface VmCollectorInput {
  /** The collector image, pinned by digest. */
  image: string;
  /** The app's METRICS_PORT. */
  metricsPort: number;
  /** The `namespace` label: this fleet's id, unique per project and stack. */
  namespace: string;
  scrapeIntervalSeconds: number;
}

/** Paths the collector's files live at (the app's config dir, its unit, docker). */
export interface VmCollectorPaths {
  configDir: string;
  docker: string;
  /** The app's systemd unit (the collector starts after it). */
  appUnit: string;
}

/** `prometheus.yml` with the instance placeholder; the start script fills in the VM's name. */
export function renderPrometheusConfig(input: VmCollectorInput): string {
  const config = {
    global: {
      scrape_interval: `${input.scrapeIntervalSeconds}s`,
      scrape_timeout: `${Math.min(10, input.scrapeIntervalSeconds)}s`,
    },
    scrape_configs: [
      {
        job_name: METRICS_JOB,
        metrics_path: "/metrics",
        static_configs: [
          {
            targets: [`127.0.0.1:${input.metricsPort}`],
            labels: { namespace: input.namespace, instance: INSTANCE_PLACEHOLDER },
          },
        ],
        metric_relabel_configs: [
          { source_labels: ["__name__"], regex: KEPT_METRICS_REGEX, action: "keep" },
        ],
      },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

/**
 * The collector's command line: host network (to reach the app's loopback-published metrics port),
 * read-only root, its 30-minute buffer on a tmpfs, a memory limit (`COLLECTOR_MEMORY_MIB`, kept
 * out of the app's capacity), the web port on loopback only.
 */
export function renderCollectorScript(input: VmCollectorInput, paths: VmCollectorPaths): string {
  return [
    "#!/bin/bash",
    "# Runs the metrics collector (written by socketio-fleet; started by its systemd unit).",
    "set -euo pipefail",
    `mkdir -p ${COLLECTOR_RUN_DIR}`,
    `sed "s/${INSTANCE_PLACEHOLDER}/$(hostname)/" ${paths.configDir}/prometheus.yml > ${COLLECTOR_RUN_DIR}/prometheus.yml`,
    `chmod 0644 ${COLLECTOR_RUN_DIR}/prometheus.yml`,
    `exec ${paths.docker} run --rm --name=${COLLECTOR_UNIT} \\`,
    "  --network=host \\",
    "  --read-only --tmpfs=/prometheus:rw,mode=1777,size=64m \\",
    `  --memory=${COLLECTOR_MEMORY_MIB}m \\`,
    "  --log-driver=gcplogs \\",
    `  --volume=${COLLECTOR_RUN_DIR}/prometheus.yml:/etc/prometheus/prometheus.yml:ro \\`,
    `  '${input.image.replace(/'/g, `'\\''`)}' \\`,
    "  --config.file=/etc/prometheus/prometheus.yml \\",
    "  --storage.tsdb.path=/prometheus \\",
    "  --storage.tsdb.retention.time=30m \\",
    `  --web.listen-address=127.0.0.1:${COLLECTOR_WEB_PORT}`,
    "",
  ].join("\n");
}

/** The collector's unit: after the app, restarted whenever it stops. */
export function renderCollectorUnit(paths: VmCollectorPaths): string {
  return [
    "[Unit]",
    "Description=Metrics collector of the Socket.IO node (socketio-fleet)",
    "Wants=network-online.target docker.socket",
    `After=network-online.target docker.socket ${paths.appUnit}.service`,
    "StartLimitIntervalSec=0",
    "",
    "[Service]",
    `ExecStartPre=-${paths.docker} rm --force ${COLLECTOR_UNIT}`,
    `ExecStart=/bin/bash ${paths.configDir}/collector.sh`,
    `ExecStop=${paths.docker} stop --time=10 ${COLLECTOR_UNIT}`,
    "Restart=always",
    "RestartSec=5",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** The collector's files for `write_files`, in order: config, script, unit. */
export function collectorFiles(
  input: VmCollectorInput,
  paths: VmCollectorPaths,
): { path: string; permissions: string; content: string }[] {
  return [
    {
      path: `${paths.configDir}/prometheus.yml`,
      permissions: "0644",
      content: renderPrometheusConfig(input),
    },
    {
      path: `${paths.configDir}/collector.sh`,
      permissions: "0700",
      content: renderCollectorScript(input, paths),
    },
    {
      path: `/etc/systemd/system/${COLLECTOR_UNIT}.service`,
      permissions: "0644",
      content: renderCollectorUnit(paths),
    },
  ];
}
