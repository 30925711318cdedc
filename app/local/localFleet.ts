/**
 * `npm start`: a whole fleet on this machine, on loopback, run by the engine (`fleet.ts`): N app
 * nodes, a redis-server of its own (password, no persistence, temp dir) and a proxy (HAProxy with
 * a sticky cookie by default, nginx with client-IP hashing, or Apache with a route cookie) whose
 * config `components/proxies` renders, plus the dashboard. A node or redis-server that exits is
 * restarted with backoff (`--restart never`: any exit stops everything). Without redis-server or
 * the proxy it falls back to the app's cluster mode on the same port. Ctrl-C/SIGTERM stops every
 * process it started.
 */
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import type { ResolvedFleetSpec } from "../../components/shared/args";
import { FleetSpecError, resolveFleetSpec } from "../../components/shared/resolve";
import { BIN_PATH_ENV, findBinary, isExecutable } from "./binaries";
import { clusterService } from "./clusterNode";
import { type Dashboard, startDashboard } from "./dashboard/server";
import { LocalFleet } from "./fleet";
import { MONITORING_PACKAGES, monitoringLines, monitoringOptions } from "./monitoringCli";
import type { MonitoringOptions } from "./monitoring";
import {
  AUTOSCALE_FLAGS,
  AUTOSCALE_USAGE,
  type AutoscaleFlags,
  readAutoscaleFlags,
  startAutoscaler,
} from "./autoscaleOptions";
import { HOST, freePort } from "./probes";
import { PROXY_BINARIES, PROXY_PACKAGES, type ProxyKind } from "./proxyProcess";
import { liveRuns, stopGroups } from "./processRun";
import { REDIS_MODES, type RedisMode } from "../../components/shared/appEnvKeys";
import { RESTART_POLICIES, type RestartPolicy, type SupervisedProcess } from "./supervisor";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const USAGE = `Usage: npm start -- [options]

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

interface Options {
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

let stopping = false;
let stopFleet: () => Promise<void> = async () => undefined;
let dashboard: Dashboard | undefined;
let runDir = "";

async function main(): Promise<void> {
  const options = readOptions();
  runDir = mkdtempSync(join(tmpdir(), "socketio-fleet-"));
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => void shutdown(0, `received ${signal}`));
  }
  process.on("uncaughtException", (err) => void shutdown(1, `launcher error: ${err.stack}`));

  const redisBinary = options.redisServer ?? findBinary("redis-server");
  const proxyBinary = options.proxyBin ?? findBinary(PROXY_BINARIES[options.proxy]);
  const missing = [
    redisBinary ? undefined : "redis-server",
    proxyBinary ? undefined : PROXY_BINARIES[options.proxy],
  ].filter((m): m is string => m !== undefined);
  try {
    if (missing.length > 0 || !redisBinary || !proxyBinary) {
      await runClusterFallback(options, missing);
    } else {
      await runFleet(options, redisBinary, proxyBinary);
    }
  } catch (err) {
    await shutdown(1, err instanceof Error ? err.message : String(err));
  }
}

function readOptions(): Options {
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

async function runFleet(options: Options, redisBinary: string, proxyBinary: string) {
  const spec = resolveSpec(options);
  const redisCli = options.redisMode === "cluster" ? findBinary("redis-cli") : undefined;
  if (options.redisMode === "cluster" && redisCli === undefined) {
    throw new Error("--redis cluster needs redis-cli (apt-get install redis-tools)");
  }
  const fleet = await LocalFleet.start({
    spec,
    redisBinary,
    redisMode: options.redisMode,
    redisCli,
    proxy: { kind: options.proxy, binary: proxyBinary, port: options.port },
    restart: options.restart,
    runDir,
    logFiles: true,
    monitoring: options.monitoring,
  });
  stopFleet = () => fleet.stop();
  fleet.on("exit", (event) => {
    const restart =
      event.restartInMs === undefined ? "" : `; restarting in ${seconds(event.restartInMs)}`;
    console.log(
      `socketio-fleet: ${event.name} (pid ${event.pid}) exited (${event.cause}) after ` +
        `${seconds(event.ranMs)}${restart}; last lines of its log:\n${indent(event.lastLines)}`,
    );
  });
  fleet.on("state", (name, snapshot) => {
    if (snapshot.state === "running" && snapshot.restarts > 0) {
      console.log(
        `socketio-fleet: ${name} ready again (pid ${snapshot.pid}, restart ${snapshot.restarts})`,
      );
    }
  });
  fleet.on("scaled", (names) => console.log(`socketio-fleet: nodes now ${names.join(", ")}`));
  fleet.on("fatal", (reason) => void shutdown(1, reason));
  dashboard = await startDashboard(fleet, { host: HOST, port: options.dashboardPort });
  const scaling = startAutoscaler(fleet, options.capacity, (line) => console.log(line));
  stopFleet = async () => {
    await scaling.autoscaler?.stop();
    await fleet.stop();
  };

  const url = `http://${HOST}:${options.port}/`;
  const stickiness =
    spec.stickiness.mode === "cookie"
      ? `sticky cookie ${options.proxy === "apache" ? "(route) " : ""}`
      : "client-IP hashing";
  // One write, so a reader that sees the URL sees every process line with it.
  console.log(
    [
      `socketio-fleet: ${options.nodes} nodes behind ${options.proxy} (${stickiness.trim()}), ${options.adapter} adapter${options.redisMode === "cluster" ? ", Redis Cluster (3 masters + 3 replicas)" : ""}`,
      `  URL            ${url}`,
      `  dashboard      ${dashboard.url}`,
      ...(fleet.redis ? [processLine(fleet.redis.process, `${HOST}:${fleet.redis.port}`)] : []),
      ...(fleet.redisCluster?.nodes.map((n) => processLine(n.process, `${HOST}:${n.port}`)) ?? []),
      ...fleet.nodes.map((node) => processLine(node.process, `${node.url}/`)),
      processLine(fleet.proxy!.process, `${url}  (config ${fleet.proxy!.prepared.configFile})`),
      ...(fleet.monitoring ? monitoringLines(fleet.monitoring) : []),
      ...scaling.lines,
      `  logs           ${runDir}`,
      `Restart policy: ${options.restart}${options.restart === "always" ? " (kill a node: it comes back)" : " (any exit stops everything)"}.`,
      `Open ${url} in two browser windows (one private) to land on different nodes. Ctrl-C stops everything.`,
    ].join("\n"),
  );
}

async function runClusterFallback(options: Options, missing: string[]) {
  const spec = resolveSpec(options);
  const cluster = clusterService({
    port: options.port,
    metricsPort: await freePort(),
    workers: options.nodes,
    spec,
    restart: options.restart,
    logFile: join(runDir, "cluster.log"),
  });
  stopFleet = async () => void (await cluster.process.stop("SIGTERM", 10_000));
  cluster.process.on("exit", (event) => {
    if (event.restartInMs === undefined) void shutdown(1, `cluster exited (${event.cause})`);
    else
      console.log(
        `socketio-fleet: cluster exited (${event.cause}); restarting in ${seconds(event.restartInMs)}`,
      );
  });
  cluster.process.start();
  await cluster.process.whenReady(30_000);
  const url = `http://${HOST}:${options.port}/`;
  console.log(`socketio-fleet: ${missing.join(" and ")} not installed: cluster mode instead`);
  console.log(
    `  ${options.nodes} workers behind @socket.io/sticky, @socket.io/cluster-adapter (no Redis)`,
  );
  console.log(`  URL            ${url}\n${processLine(cluster.process, "")}`);
  console.log(`  logs           ${runDir}`);
  if (options.monitoring) console.log("--monitoring needs the full topology: not started");
  console.log(
    `For the full topology (nodes + Redis + ${options.proxy}): apt-get install redis-server ${PROXY_PACKAGES[options.proxy]}`,
  );
}

function resolveSpec(options: Options): ResolvedFleetSpec {
  try {
    return resolveFleetSpec({
      image: "local",
      replicas: options.nodes,
      adapter: options.adapter,
      stickiness: { mode: options.proxy === "nginx" ? "client-ip" : "cookie" },
      cors: { origins: options.origins, credentials: true },
      connectionsPerNode: options.capacity.connectionsPerNode,
      maxConnectionsPerNode: options.capacity.maxConnections,
    });
  } catch (err) {
    if (err instanceof FleetSpecError) fail(err.message);
    throw err;
  }
}

async function shutdown(code: number, reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const count = liveRuns.size;
  console.log(`socketio-fleet: ${reason}; stopping ${count} processes`);
  await dashboard?.close();
  await stopFleet().catch(() => undefined);
  // Whatever is still alive (a process in the middle of a restart): its whole group.
  await stopGroups(
    [...liveRuns].map((r) => r.pid),
    5000,
  );
  if (code === 0) rmSync(runDir, { recursive: true, force: true });
  else console.log(`socketio-fleet: logs kept in ${runDir}`);
  process.exit(code);
}

function processLine(supervised: SupervisedProcess, where: string): string {
  return `  ${supervised.name.padEnd(14)} pid ${supervised.run?.pid}  ${where}`.trimEnd();
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

void main();
