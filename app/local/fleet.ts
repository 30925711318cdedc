/**
 * The local fleet engine: app nodes, a redis-server and a proxy on loopback, each a supervised
 * process; live scaling with a graceful proxy reload; one event stream of what happened.
 * `npm start` (`localFleet.ts`), every end-to-end and fault test and the benchmark start their
 * fleets here.
 *
 * Events: `exit` (an `ExitEvent`: a process exited unexpectedly, with its cause, last log lines
 * and when it restarts), `state` (name, state), `scaled` (node names), `fatal` (reason: the proxy
 * did not come back, or a process failed under `restart: "never"`).
 */
import { EventEmitter } from "node:events";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppNodeService, appNodeService } from "./appNode";
import { FleetMonitoring } from "./monitoring";
import type { AddNodeOptions, FleetEvents, LocalFleetOptions } from "./fleetOptions";
import { HOST, freePort } from "./probes";
import { type ProxyService, proxyService } from "./proxyService";
import { type RedisService, redisService } from "./redis";
import { CLUSTER_NODES, type RedisClusterService, redisClusterService } from "./redisCluster";
import { type ExitEvent, type ProcessSnapshot, SupervisedProcess } from "./supervisor";

export type { AddNodeOptions, FleetEvents, LocalFleetOptions } from "./fleetOptions";

/** Grace for a node's drain: the app's own bound is 25 s (`APP_DRAIN_SECONDS`), plus margin. */
const NODE_DRAIN_GRACE_MS = 30_000;

export class LocalFleet extends EventEmitter<FleetEvents> {
  readonly runDir: string;
  redis?: RedisService;
  /** With `redisMode: "cluster"`: the six cluster nodes (`redis-1`…`redis-6`). */
  redisCluster?: RedisClusterService;
  readonly nodes: AppNodeService[] = [];
  proxy?: ProxyService;
  monitoring?: FleetMonitoring;
  private nextIndex = 1;
  private stopping = false;
  /** Scaling steps run one at a time: two reloads at once would race on the proxy config. */
  private scaling: Promise<unknown> = Promise.resolve();

  private constructor(readonly options: LocalFleetOptions) {
    super();
    this.runDir = options.runDir ?? mkdtempSync(join(tmpdir(), "socketio-fleet-"));
  }

  /** Starts Redis, then every node, then the proxy, each once ready; stops all on a failure. */
  static async start(options: LocalFleetOptions): Promise<LocalFleet> {
    const fleet = new LocalFleet(options);
    try {
      await fleet.startAll();
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    return fleet;
  }

  /** Every supervised process: redis-server, the nodes, the proxy. */
  processes(): SupervisedProcess[] {
    return [
      ...(this.redis ? [this.redis.process] : []),
      ...(this.redisCluster?.nodes.map((n) => n.process) ?? []),
      ...this.nodes.map((n) => n.process),
      ...(this.proxy ? [this.proxy.process] : []),
      ...(this.monitoring?.processes() ?? []),
    ];
  }

  node(name: string): AppNodeService {
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined) {
      throw new Error(`no node ${name} (nodes: ${this.nodes.map((n) => n.name).join(", ")})`);
    }
    return node;
  }

  /** Starts one more node, waits until it is ready, then reloads the proxy with it. */
  addNode(options: AddNodeOptions = {}): Promise<AppNodeService> {
    return this.serially(() => this.addNodeNow(options));
  }

  /**
   * Scale-in: drains `name` (default: the newest node) with SIGTERM, so its clients move to the
   * others and the proxy sees it not ready, then reloads the proxy without it.
   */
  removeNode(name?: string): Promise<void> {
    return this.serially(() => this.removeNodeNow(name));
  }

  private async addNodeNow({ waitReady = true, extraEnv = {} }: AddNodeOptions) {
    const node = await this.createNode(extraEnv);
    node.process.start();
    if (waitReady) await node.process.whenReady(this.readyTimeoutMs);
    await this.proxy?.reload(this.nodes);
    const proxy = this.proxy;
    if (waitReady && proxy !== undefined) {
      await waitUntil(
        `${proxy.kind} to have ${node.name} UP`,
        () => proxy.backendUp(node.name),
        this.readyTimeoutMs,
      );
    }
    this.emit(
      "scaled",
      this.nodes.map((n) => n.name),
    );
    return node;
  }

  private async removeNodeNow(name?: string): Promise<void> {
    const node = name === undefined ? this.nodes.at(-1) : this.node(name);
    if (node === undefined) throw new Error("no node to remove");
    if (this.nodes.length === 1)
      throw new Error(`${node.name} is the last node: stop the fleet instead`);
    // New sessions elsewhere first; its own sessions keep working until their batch closes.
    await this.proxy?.stopNewSessions(node.name);
    await node.process.stop("SIGTERM", NODE_DRAIN_GRACE_MS);
    this.nodes.splice(this.nodes.indexOf(node), 1);
    await this.proxy?.reload(this.nodes);
    this.emit(
      "scaled",
      this.nodes.map((n) => n.name),
    );
  }

  /** Sends `signal` to a node without stopping its supervision (SIGKILL: a crash; SIGTERM: a drain). */
  signalNode(name: string, signal: NodeJS.Signals): void {
    this.node(name).process.kill(signal);
  }

  /** A planned restart of redis-server on its port (the nodes reconnect). */
  async restartRedis(): Promise<void> {
    if (this.redisCluster !== undefined) {
      throw new Error("this fleet runs a Redis Cluster: kill one of its nodes (redis-1…6) instead");
    }
    if (this.redis === undefined) throw new Error("this fleet runs without Redis");
    await this.redis.process.restartNow();
    await this.redis.process.whenReady(this.readyTimeoutMs);
  }

  /** Sends `signal` to one Redis Cluster node (`redis-1`…`redis-6`), still supervised. */
  signalRedisNode(name: string, signal: NodeJS.Signals): void {
    const node = this.redisCluster?.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no Redis Cluster node ${name}`);
    node.process.kill(signal);
  }

  snapshot(): ProcessSnapshot[] {
    return this.processes().map((p) => p.snapshot());
  }

  /** Stops the monitoring, the proxy, the nodes (SIGTERM: they drain), then Redis. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await this.monitoring?.stop(graceMs);
    if (this.proxy) await this.proxy.process.stop("SIGTERM", graceMs);
    await Promise.all(this.nodes.map((n) => n.process.stop("SIGTERM", graceMs)));
    if (this.redis) await this.redis.process.stop("SIGTERM", graceMs);
    await Promise.all(
      (this.redisCluster?.nodes ?? []).map((n) => n.process.stop("SIGTERM", graceMs)),
    );
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const result = this.scaling.then(step);
    this.scaling = result.catch(() => undefined);
    return result;
  }

  private get readyTimeoutMs(): number {
    return this.options.readyTimeoutMs ?? 30_000;
  }

  private async startAll(): Promise<void> {
    const { options } = this;
    if (options.redisBinary !== undefined && options.redisMode === "cluster") {
      await this.startCluster(options.redisBinary);
    } else if (options.redisBinary !== undefined) {
      const dir = join(this.runDir, "redis");
      mkdirSync(dir, { recursive: true });
      this.redis = redisService({
        binary: options.redisBinary,
        dir,
        port: await freePort(),
        tls: options.redisTls,
        restart: options.restart,
        logFile: this.logFile("redis-server"),
      });
      this.watch(this.redis.process);
      this.redis.process.start();
      await this.redis.process.whenReady(this.readyTimeoutMs);
    }
    for (let i = 0; i < options.spec.replicas; i++) await this.createNode({});
    for (const node of this.nodes) node.process.start();
    for (const node of this.nodes) await node.process.whenReady(this.readyTimeoutMs);
    if (options.proxy !== undefined) {
      const { kind, binary, balance } = options.proxy;
      this.proxy = proxyService({
        kind,
        binary,
        balance,
        spec: options.spec,
        nodes: this.nodes,
        listen: { host: HOST, port: options.proxy.port ?? (await freePort()) },
        dir: join(this.runDir, kind),
        restart: options.restart,
        logFile: this.logFile(kind),
      });
      this.watch(this.proxy.process);
      this.proxy.process.start();
      await this.proxy.process.whenReady(this.readyTimeoutMs);
      await waitUntil(
        `${kind} to report every node UP`,
        () => this.proxy!.allUp(),
        this.readyTimeoutMs,
      );
    }
    if (options.monitoring !== undefined) {
      this.monitoring = await FleetMonitoring.create(this, options.monitoring, {
        dir: join(this.runDir, "monitoring"),
        restart: options.restart,
        logFile: (name) => this.logFile(name),
      });
      for (const process of this.monitoring.processes()) this.watch(process);
      await this.monitoring.start(this.readyTimeoutMs);
    }
  }

  /** Starts the six cluster nodes, forms the cluster, waits until it is healthy. */
  private async startCluster(binary: string): Promise<void> {
    const { options } = this;
    if (options.redisCli === undefined) throw new Error("redisMode cluster needs redisCli");
    if (options.redisTls === true) throw new Error("redisMode cluster runs without TLS here");
    const ports: number[] = [];
    while (ports.length < 2 * CLUSTER_NODES) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    this.redisCluster = redisClusterService({
      binary,
      cli: options.redisCli,
      dir: join(this.runDir, "redis-cluster"),
      ports: ports.slice(0, CLUSTER_NODES),
      busPorts: ports.slice(CLUSTER_NODES),
      nodeTimeoutMs: options.clusterNodeTimeoutMs,
      restart: options.restart,
      logFile: (name) => this.logFile(name),
    });
    for (const node of this.redisCluster.nodes) {
      this.watch(node.process);
      node.process.start();
    }
    for (const node of this.redisCluster.nodes) await node.process.whenReady(this.readyTimeoutMs);
    await this.redisCluster.create(this.readyTimeoutMs);
  }

  private async createNode(extraEnv: Record<string, string>): Promise<AppNodeService> {
    const name = `node-${this.nextIndex++}`;
    const node = appNodeService({
      name,
      port: await freePort(),
      metricsPort: await freePort(),
      spec: this.options.spec,
      redisUrl: this.redis?.url ?? this.redisCluster?.url,
      redisMode: this.redisCluster === undefined ? undefined : "cluster",
      entry: this.options.nodeEntry,
      extraEnv: { ...this.options.nodeEnv, ...extraEnv },
      restart: this.options.restart,
      logFile: this.logFile(name),
    });
    this.watch(node.process);
    this.nodes.push(node);
    return node;
  }

  private watch(supervised: SupervisedProcess): void {
    supervised.on("exit", (event: ExitEvent) => {
      if (this.stopping) return;
      // `state` is still the one the run had: a restarted proxy that exits before it is ready
      // again is not coming back, and a fleet without its proxy serves nobody.
      const proxyGaveUp =
        supervised.kind === "proxy" && supervised.restarts > 0 && supervised.state === "starting";
      this.emit("exit", event);
      if (this.options.restart === "never") {
        this.emit("fatal", `${event.name} exited (${event.cause})`);
      } else if (proxyGaveUp) {
        this.emit("fatal", `${event.name} did not come back after a restart (${event.cause})`);
      }
    });
    supervised.on("state", (_state: string, snapshot: ProcessSnapshot) => {
      if (!this.stopping) this.emit("state", supervised.name, snapshot);
    });
  }

  private logFile(name: string): string | undefined {
    return this.options.logFiles === true ? join(this.runDir, `${name}.log`) : undefined;
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
}
