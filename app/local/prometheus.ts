/**
 * The local fleet's Prometheus (Debian's `prometheus`) as a supervised process, on a loopback port
 * of its own with a throw-away TSDB in the run directory. It scrapes the nodes through a file
 * service discovery (`nodes.json`, rewritten atomically when the fleet scales: Prometheus watches
 * the file), the redis exporter through a static target, and evaluates the fleet's alert rules
 * (`components/shared/prometheusRules.ts`, the same rendering every target uses).
 */
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { HOST, httpOk } from "./probes";
import { type RestartPolicy, SupervisedProcess } from "./supervisor";

/** Prometheus job names, which the alert rules select on (`job="socketio"`, `job="redis"`). */
export const PROMETHEUS_JOBS = { app: "socketio", redis: "redis" } as const;

export interface PrometheusOptions {
  binary: string;
  /** An empty directory of its own (config, rule file, targets file, TSDB). */
  dir: string;
  port: number;
  /** The rule file's text (`ruleFileYaml`). */
  rules: string;
  /** Scrape and rule evaluation interval, seconds. */
  intervalSeconds: number;
  /** `host:port` of the redis exporter; without it no `redis` job. */
  redisExporter?: string;
  restart: RestartPolicy;
  logFile?: string;
}

/** A scrape target of the `socketio` job: a node's metrics port, labelled with its name. */
export interface NodeTarget {
  name: string;
  metricsPort: number;
}

export interface PrometheusService {
  port: number;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  configFile: string;
  process: SupervisedProcess;
  /** Rewrites the nodes' targets file; Prometheus picks it up within a few seconds. */
  setNodes(nodes: readonly NodeTarget[]): void;
}

export function prometheusService(options: PrometheusOptions): PrometheusService {
  const targetsFile = join(options.dir, "nodes.json");
  const ruleFile = join(options.dir, "rules.yml");
  const configFile = join(options.dir, "prometheus.yml");
  writeFileSync(ruleFile, options.rules);
  writeFileSync(configFile, prometheusConfig(options, { targetsFile, ruleFile }));
  const setNodes = (nodes: readonly NodeTarget[]) => {
    // Written aside and renamed: Prometheus never reads a half-written file.
    writeFileSync(`${targetsFile}.tmp`, JSON.stringify(fileSdTargets(nodes), null, 2));
    renameSync(`${targetsFile}.tmp`, targetsFile);
  };
  setNodes([]);
  const url = `http://${HOST}:${options.port}`;
  const process = new SupervisedProcess({
    name: "prometheus",
    kind: "monitoring",
    restart: options.restart,
    launch: () => ({
      command: options.binary,
      args: [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(options.dir, "data")}`,
        `--web.listen-address=${HOST}:${options.port}`,
        "--storage.tsdb.retention.time=1d",
        "--log.level=warn",
      ],
      logFile: options.logFile,
    }),
    ready: () => httpOk(`${url}/-/ready`),
  });
  return { port: options.port, url, configFile, process, setNodes };
}

/** `prometheus.yml`: both jobs, the rule file, one interval for scrapes and rule evaluation. */
export function prometheusConfig(
  options: Pick<PrometheusOptions, "intervalSeconds" | "redisExporter">,
  files: { targetsFile: string; ruleFile: string },
): string {
  const interval = `${options.intervalSeconds}s`;
  const scrapeConfigs: object[] = [
    {
      job_name: PROMETHEUS_JOBS.app,
      scrape_interval: interval,
      scrape_timeout: interval,
      file_sd_configs: [{ files: [files.targetsFile], refresh_interval: "5s" }],
    },
  ];
  if (options.redisExporter !== undefined) {
    scrapeConfigs.push({
      job_name: PROMETHEUS_JOBS.redis,
      scrape_interval: interval,
      scrape_timeout: interval,
      static_configs: [{ targets: [options.redisExporter] }],
    });
  }
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval },
    rule_files: [files.ruleFile],
    scrape_configs: scrapeConfigs,
  });
}

/** The `file_sd` document for `nodes` (Prometheus's JSON format: targets + labels). */
export function fileSdTargets(nodes: readonly NodeTarget[]): object[] {
  return nodes.map((node) => ({
    targets: [`${HOST}:${node.metricsPort}`],
    labels: { node: node.name },
  }));
}
