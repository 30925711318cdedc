/**
 * `npm start -- --monitoring`: finding Debian's Prometheus and redis exporter (or saying exactly
 * how to install them), and the launcher's lines about them.
 */
import { findBinary } from "./binaries";
import type { FleetMonitoring, MonitoringOptions } from "./monitoring";
import type { SupervisedProcess } from "./supervisor";

/** The Debian packages `--monitoring` runs (binaries `prometheus`, `prometheus-redis-exporter`). */
export const MONITORING_PACKAGES = ["prometheus", "prometheus-redis-exporter"] as const;

/**
 * The monitoring options for `--monitoring --alert-time-scale <scale>`; a missing binary or a
 * bad scale is added to `problems` with the fix.
 */
export function monitoringOptions(
  scale: string,
  problems: string[],
): MonitoringOptions | undefined {
  const timeScale = Number(scale);
  if (!/^\d+(\.\d+)?$/.test(scale) || !(timeScale > 0) || timeScale > 1) {
    problems.push(`--alert-time-scale ${scale}: must be a number above 0, at most 1`);
  }
  const prometheusBinary = findBinary("prometheus");
  const redisExporterBinary = findBinary("prometheus-redis-exporter");
  const missing = [
    prometheusBinary === undefined ? "prometheus" : undefined,
    redisExporterBinary === undefined ? "prometheus-redis-exporter" : undefined,
  ].filter((m) => m !== undefined);
  if (missing.length > 0 || prometheusBinary === undefined) {
    problems.push(
      `--monitoring: ${missing.join(" and ")} not installed; install with:\n` +
        `  sudo apt-get install --no-install-recommends ${MONITORING_PACKAGES.join(" ")}\n` +
        "  (Debian's packages start a system service; `sudo systemctl disable --now prometheus " +
        "prometheus-redis-exporter` if you only want them for the fleet)",
    );
    return undefined;
  }
  return { prometheusBinary, redisExporterBinary, timeScale };
}

/** The launcher's lines for Prometheus (pid, URL, alert timing) and the redis exporter. */
export function monitoringLines(monitoring: FleetMonitoring): string[] {
  const timing =
    monitoring.timeScale === 1
      ? "production alert timing"
      : `alert durations × ${monitoring.timeScale}`;
  const line = (process: SupervisedProcess, where: string) =>
    `  ${process.name.padEnd(14)} pid ${process.run?.pid}  ${where}`;
  const { prometheus, redisExporter } = monitoring;
  return [
    ...(redisExporter ? [line(redisExporter.process, redisExporter.address)] : []),
    line(prometheus.process, `${prometheus.url}/alerts  (${timing})`),
  ];
}
