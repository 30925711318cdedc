/**
 * `npm start`'s command line: the usage text and the options, every problem listed at once
 * (exit 2) before anything starts.
 */
import { parseArgs } from "node:util";
import { REDIS_MODES, type RedisMode } from "../../components/shared/appEnvKeys";
import { BIN_PATH_ENV, isExecutable } from "./binaries";
import { MONITORING_PACKAGES, monitoringOptions } from "./monitoringCli";
import type { MonitoringOptions } from "./monitoring";
import {
  AUTOSCALE_FLAGS,
  AUTOSCALE_USAGE,
  type AutoscaleFlags,
  readAutoscaleFlags,
} from "./autoscaleOptions";
import type { ProxyKind } from "./proxyProcess";
import { RESTART_POLICIES, type RestartPolicy } from "./supervisor";

export const USAGE = `Usage: npm start -- [options]

  --nodes N              app nodes (default 3; add and remove more on the dashboard)
  --port P               port of the proxy on 127.0.0.1 (default 8080)
  --proxy KIND           haproxy (cookie, default) | nginx (client IP) | apache (cookie)
  --adapter KIND         redis (default) | redis-streams | redis-sharded
  --redis MODE           standalone (default: one redis-server) | cluster (3 masters +
                         3 replicas, REDIS_MODE=cluster; needs --adapter redis-sharded)
  --origin URL           a page origin allowed to connect with credentials (repeatable)
  --restart POLICY       always (default: restart what exits, with backoff) | never (stop all)
  --dashboard-port P     port of the dashboard on 127.0.0.1 (default: a free one)
  --redis-server PATH    the redis-server binary (default: found on PATH or in /usr/sbin)
  --proxy-bin PATH       the proxy binary (default: found on PATH or in /usr/sbin)
  --monitoring           run Prometheus (+ redis exporter) with the fleet's alerts, shown
                         on the dashboard (needs apt-get install ${MONITORING_PACKAGES.join(" ")})
  --alert-time-scale X   multiply every alert duration by X (default 1; 0.1: a 5-minute
                         alert fires after 30 s, for a demo)
${AUTOSCALE_USAGE}
  -h, --help

Binaries are searched in $${BIN_PATH_ENV} instead of PATH when it is set.`;

export interface Options {
  nodes: number;
  port: number;
  proxy: ProxyKind;
  adapter: "redis" | "redis-streams" | "redis-sharded";
  redisMode: RedisMode;
  origins: string[];
  restart: RestartPolicy;
  dashboardPort: number;
  redisServer?: string;
  proxyBin?: string;
  monitoring?: MonitoringOptions;
  capacity: AutoscaleFlags;
}

export function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      nodes: { type: "string", default: "3" },
      port: { type: "string", default: "8080" },
      proxy: { type: "string", default: "haproxy" },
      adapter: { type: "string", default: "redis" },
      redis: { type: "string", default: "standalone" },
      origin: { type: "string", multiple: true, default: [] },
      restart: { type: "string", default: "always" },
      "dashboard-port": { type: "string", default: "0" },
      "redis-server": { type: "string" },
      "proxy-bin": { type: "string" },
      monitoring: { type: "boolean", default: false },
      "alert-time-scale": { type: "string", default: "1" },
      ...AUTOSCALE_FLAGS,
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const problems: string[] = [];
  const nodes = Number(values.nodes);
  if (!/^\d+$/.test(values.nodes) || nodes < 1 || nodes > 32) {
    problems.push(`--nodes ${values.nodes}: must be an integer from 1 to 32`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port < 1 || port > 65535) {
    problems.push(`--port ${values.port}: must be an integer from 1 to 65535`);
  }
  const dashboardPort = Number(values["dashboard-port"]);
  if (!/^\d+$/.test(values["dashboard-port"]) || dashboardPort > 65535) {
    problems.push(
      `--dashboard-port ${values["dashboard-port"]}: must be an integer from 0 to 65535`,
    );
  }
  if (!["haproxy", "nginx", "apache"].includes(values.proxy)) {
    problems.push(`--proxy ${values.proxy}: must be haproxy, nginx or apache`);
  }
  if (!["redis", "redis-streams", "redis-sharded"].includes(values.adapter)) {
    problems.push(`--adapter ${values.adapter}: must be redis, redis-streams or redis-sharded`);
  }
  if (!(REDIS_MODES as readonly string[]).includes(values.redis)) {
    problems.push(`--redis ${values.redis}: must be standalone or cluster`);
  } else if (values.redis === "cluster" && values.adapter !== "redis-sharded") {
    // Sharded pub/sub is what a cluster is for: classic PUBLISH reaches every shard over the
    // cluster bus, and the streams adapter keeps one stream on one shard.
    problems.push(
      `--redis cluster with --adapter ${values.adapter}: use --adapter redis-sharded (SSUBSCRIBE/SPUBLISH, spread over the shards)`,
    );
  }
  if (!(RESTART_POLICIES as readonly string[]).includes(values.restart)) {
    problems.push(`--restart ${values.restart}: must be always or never`);
  }
  for (const flag of ["redis-server", "proxy-bin"] as const) {
    const path = values[flag];
    if (path !== undefined && !isExecutable(path)) {
      problems.push(`--${flag} ${path}: not an executable file`);
    }
  }
  const monitoring = values.monitoring
    ? monitoringOptions(values["alert-time-scale"], problems)
    : undefined;
  const capacity = readAutoscaleFlags(values, nodes, values.proxy, problems);
  if (problems.length > 0) fail(`${problems.join("\n")}\n\n${USAGE}`);
  return {
    nodes,
    port,
    proxy: values.proxy as ProxyKind,
    adapter: values.adapter as Options["adapter"],
    redisMode: values.redis as RedisMode,
    origins: values.origin,
    restart: values.restart as RestartPolicy,
    dashboardPort,
    redisServer: values["redis-server"],
    proxyBin: values["proxy-bin"],
    monitoring,
    capacity,
  };
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
