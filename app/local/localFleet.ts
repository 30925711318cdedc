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
import type { ResolvedFleetSpec } from "../../components/shared/args";
import { FleetSpecError, resolveFleetSpec } from "../../components/shared/resolve";
import { findBinary } from "./binaries";
import { clusterService } from "./clusterNode";
import { type Dashboard, startDashboard } from "./dashboard/server";
import { LocalFleet } from "./fleet";
import { monitoringLines } from "./monitoringCli";
import { startAutoscaler } from "./autoscaleOptions";
import { type Options, readOptions } from "./launcherOptions";
import { HOST, freePort } from "./probes";
import { PROXY_BINARIES, PROXY_PACKAGES } from "./proxyProcess";
import { liveRuns, stopGroups } from "./processRun";
import type { SupervisedProcess } from "./supervisor";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  // One write: a reader that sees the URL line sees the whole banner (as in runFleet).
  const lines = [
    `socketio-fleet: ${missing.join(" and ")} not installed: cluster mode instead`,
    `  ${options.nodes} workers behind @socket.io/sticky, @socket.io/cluster-adapter (no Redis)`,
    `  URL            ${url}`,
    processLine(cluster.process, ""),
    `  logs           ${runDir}`,
    ...(options.monitoring ? ["--monitoring needs the full topology: not started"] : []),
    `For the full topology (nodes + Redis + ${options.proxy}): apt-get install redis-server ${PROXY_PACKAGES[options.proxy]}`,
  ];
  console.log(lines.join("\n"));
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
