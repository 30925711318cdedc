/**
 * `npm start`: a whole fleet on this machine, on loopback. N app nodes, a redis-server of its own
 * (password, no persistence, temp dir) and a proxy (HAProxy with a sticky cookie by default, nginx
 * with client-IP hashing, or Apache with a route cookie) whose config `components/proxies`
 * renders. Without redis-server or the proxy it falls back to the app's cluster mode on the same
 * port. Ctrl-C/SIGTERM (or the crash of any child) stops every process it started.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { renderAppEnv } from "../../components/spec/appEnv";
import { FleetSpecError, resolveFleetSpec } from "../../components/spec/resolve";
import { BIN_PATH_ENV, findBinary, isExecutable } from "./binaries";
import { type Child, spawnChild, stopChildren } from "./children";
import {
  PROXY_BINARIES,
  PROXY_PACKAGES,
  type ProxyKind,
  haproxyAllUp,
  prepareProxy,
} from "./proxyProcess";
import { HOST, canConnect, freePort, httpOk, tail } from "./probes";
import { prepareRedis } from "./redis";

const USAGE = `Usage: npm start -- [options]

  --nodes N              app nodes (default 3)
  --port P               port of the proxy on 127.0.0.1 (default 8080)
  --proxy KIND           haproxy (cookie, default) | nginx (client IP) | apache (cookie)
  --adapter KIND         redis (default) | redis-streams
  --origin URL           a page origin allowed to connect with credentials (repeatable)
  --redis-server PATH    the redis-server binary (default: found on PATH or in /usr/sbin)
  --proxy-bin PATH       the proxy binary (default: found on PATH or in /usr/sbin)
  -h, --help

Binaries are searched in $${BIN_PATH_ENV} instead of PATH when it is set.`;

interface Options {
  nodes: number;
  port: number;
  proxy: ProxyKind;
  adapter: "redis" | "redis-streams";
  origins: string[];
  redisServer?: string;
  proxyBin?: string;
}

const children: Child[] = [];
let stopping = false;
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
  if (missing.length > 0 || !redisBinary || !proxyBinary) {
    await runClusterFallback(options, missing);
    return;
  }
  await runFleet(options, redisBinary, proxyBinary);
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      nodes: { type: "string", default: "3" },
      port: { type: "string", default: "8080" },
      proxy: { type: "string", default: "haproxy" },
      adapter: { type: "string", default: "redis" },
      origin: { type: "string", multiple: true, default: [] },
      "redis-server": { type: "string" },
      "proxy-bin": { type: "string" },
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
  if (!["haproxy", "nginx", "apache"].includes(values.proxy)) {
    problems.push(`--proxy ${values.proxy}: must be haproxy, nginx or apache`);
  }
  if (!["redis", "redis-streams"].includes(values.adapter)) {
    problems.push(`--adapter ${values.adapter}: must be redis or redis-streams`);
  }
  for (const flag of ["redis-server", "proxy-bin"] as const) {
    const path = values[flag];
    if (path !== undefined && !isExecutable(path)) {
      problems.push(`--${flag} ${path}: not an executable file`);
    }
  }
  if (problems.length > 0) fail(`${problems.join("\n")}\n\n${USAGE}`);
  return {
    nodes,
    port,
    proxy: values.proxy as ProxyKind,
    adapter: values.adapter as Options["adapter"],
    origins: values.origin,
    redisServer: values["redis-server"],
    proxyBin: values["proxy-bin"],
  };
}

async function runFleet(options: Options, redisBinary: string, proxyBinary: string) {
  const spec = resolveSpec(options);
  const redisPort = await freePort();
  const redis = prepareRedis(runDir, redisPort);
  const redisChild = launch("redis-server", redisBinary, [redis.configFile]);
  await waitUntil("redis-server to accept connections", () => canConnect(redisPort), redisChild);

  const nodes: { name: string; host: string; port: number; child: Child }[] = [];
  for (let i = 1; i <= options.nodes; i++) {
    const name = `node-${i}`;
    const port = await freePort();
    const env = {
      ...process.env,
      ...renderAppEnv(spec, { redisUrl: redis.url, nodeId: name, metricsPort: await freePort() }),
      PORT: String(port),
    };
    nodes.push({
      name,
      host: HOST,
      port,
      child: launch(name, process.execPath, [appEntry("main.js")], env),
    });
  }
  for (const node of nodes) {
    await waitUntil(
      `${node.name} to be ready`,
      () => httpOk(`http://${HOST}:${node.port}/readyz`),
      node.child,
    );
  }

  const listen = { host: HOST, port: options.port };
  const proxy = prepareProxy(options.proxy, spec, {
    nodes,
    listen,
    dir: join(runDir, options.proxy),
  });
  const proxyChild = launch(options.proxy, proxyBinary, proxy.args);
  if (proxy.statsSocket) {
    const socket = proxy.statsSocket;
    await waitUntil(
      "HAProxy to report every node UP",
      () => haproxyAllUp(socket, nodes),
      proxyChild,
    );
  }
  const url = `http://${HOST}:${options.port}/`;
  await waitUntil(`${url} to answer`, () => httpOk(url), proxyChild);

  const stickiness =
    spec.stickiness.mode === "cookie"
      ? `sticky cookie ${proxy.kind === "apache" ? "(route) " : ""}`
      : "client-IP hashing";
  console.log(
    `socketio-fleet: ${options.nodes} nodes behind ${options.proxy} (${stickiness.trim()}), ${options.adapter} adapter`,
  );
  console.log(`  URL            ${url}`);
  console.log(`  ${pad("redis-server")} pid ${redisChild.pid}  ${HOST}:${redisPort}`);
  for (const node of nodes) {
    console.log(`  ${pad(node.name)} pid ${node.child.pid}  http://${HOST}:${node.port}/`);
  }
  console.log(
    `  ${pad(options.proxy)} pid ${proxyChild.pid}  ${url}  (config ${proxy.configFile})`,
  );
  console.log(`  logs           ${runDir}`);
  console.log(
    `Open ${url} in two browser windows (one private) to land on different nodes. Ctrl-C stops everything.`,
  );
}

async function runClusterFallback(options: Options, missing: string[]) {
  const spec = resolveSpec(options);
  const env = {
    ...process.env,
    ...renderAppEnv(spec, {}),
    SOCKETIO_ADAPTER: "memory",
    PORT: String(options.port),
    HOST,
    CLUSTER_WORKERS: String(options.nodes),
  };
  const child = launch("cluster", process.execPath, [appEntry("cluster.js")], env);
  const url = `http://${HOST}:${options.port}/`;
  await waitUntil(`${url} to answer`, () => httpOk(`${url}healthz`), child);
  console.log(`socketio-fleet: ${missing.join(" and ")} not installed: cluster mode instead`);
  console.log(
    `  ${options.nodes} workers behind @socket.io/sticky, @socket.io/cluster-adapter (no Redis)`,
  );
  console.log(`  URL            ${url}`);
  console.log(`  ${pad("cluster")} pid ${child.pid}`);
  console.log(`  logs           ${runDir}`);
  console.log(
    `For the full topology (nodes + Redis + ${options.proxy}): apt-get install redis-server ${PROXY_PACKAGES[options.proxy]}`,
  );
}

function resolveSpec(options: Options) {
  try {
    return resolveFleetSpec({
      image: "local",
      replicas: options.nodes,
      adapter: options.adapter,
      stickiness: { mode: options.proxy === "nginx" ? "client-ip" : "cookie" },
      cors: { origins: options.origins, credentials: true },
    });
  } catch (err) {
    if (err instanceof FleetSpecError) fail(err.message);
    throw err;
  }
}

/** Starts a child; its unexpected exit stops the whole fleet. */
function launch(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): Child {
  const child = spawnChild(name, command, args, { env, logFile: join(runDir, `${name}.log`) });
  children.push(child);
  void child.exited.then((code) => {
    if (!stopping)
      void shutdown(1, `${name} exited (${code}); last lines of its log:\n${tail(child.logFile)}`);
  });
  return child;
}

async function shutdown(code: number, reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`socketio-fleet: ${reason}; stopping ${children.length} processes`);
  await stopChildren(children, 10_000);
  if (code === 0) rmSync(runDir, { recursive: true, force: true });
  else console.log(`socketio-fleet: logs kept in ${runDir}`);
  process.exit(code);
}

/** Polls `check` until true; fails when `child` exits first or after `timeoutMs`. */
async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  child: Child,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) await new Promise(() => undefined); // shutting down: never resolve
    if (child.hasExited()) break;
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  await shutdown(
    1,
    `gave up waiting for ${what}; last lines of ${child.name}'s log:\n${tail(child.logFile)}`,
  );
}

function appEntry(file: string): string {
  return join(__dirname, "..", "src", file);
}

function pad(name: string): string {
  return name.padEnd(14);
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

void main();
