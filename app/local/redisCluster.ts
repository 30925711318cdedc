/**
 * A real Redis Cluster from Debian's redis-server: 3 masters + 3 replicas on loopback ports of
 * their own (client port and cluster-bus port both chosen free, `cluster-port`), one password for
 * clients and replication (`requirepass` + `masterauth`, in config files of mode 600), no data
 * persistence. Each node is a supervised process in a directory of its own, where its
 * `nodes.conf` persists: a killed node restarts on the same port with the same node id and
 * rejoins (a killed master whose replica was promoted comes back as that replica's replica;
 * `restartAfterMs` gives the failover time to happen first).
 * The cluster is formed once with `redis-cli --cluster create … --cluster-replicas 1
 * --cluster-yes`; the password goes to redis-cli in `REDISCLI_AUTH`, never in its arguments.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { HOST, canConnect } from "./probes";
import { BACKOFF } from "./backoff";
import { type RestartPolicy, SupervisedProcess } from "./supervisor";

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** redis-server binary. */
  binary: string;
  /** redis-cli binary (cluster creation and resharding). */
  cli: string;
  /** A directory of its own; each node gets `<dir>/<name>/`. */
  dir: string;
  /** Client ports of the nodes (6: three masters, three replicas). */
  ports: number[];
  /** Cluster-bus ports, one per node. */
  busPorts: number[];
  /**
   * How long a master may be unreachable before its replica takes over (`cluster-node-timeout`).
   * @default 2000 (Redis' own default is 15000; a laptop fleet wants failover in seconds)
   */
  nodeTimeoutMs?: number;
  restart: RestartPolicy;
  /** Each node appends its output to `logFile(name)`. */
  logFile?: (name: string) => string | undefined;
}

/** One node as the cluster sees it (`CLUSTER NODES`). */
export interface ClusterNodeInfo {
  /** The engine's name of the process (`redis-1`…), or the address when unknown. */
  name: string;
  port: number;
  id: string;
  role: "master" | "replica";
  /** For a replica: the name of its master. */
  replicaOf?: string;
  /** Slot ranges a master serves, e.g. `["0-5460"]`. */
  slots: string[];
  /** `fail`, `fail?` (suspected), `handshake`, … besides the role. */
  flags: string[];
  connected: boolean;
}

export interface RedisClusterService {
  password: string;
  /** A seed URL with the password (a secret: never log it); ioredis `Cluster` finds the rest. */
  url: string;
  ports: number[];
  nodes: { name: string; port: number; process: SupervisedProcess }[];
  /** Forms the cluster once every node is up; resolves when `cluster_state:ok` everywhere. */
  create(timeoutMs: number): Promise<void>;
  /** The topology as one live node sees it (the first that answers). */
  topology(): Promise<ClusterNodeInfo[]>;
  /** Resolves when every node is up, the state is ok and every master has its replica. */
  whenHealthy(timeoutMs: number): Promise<ClusterNodeInfo[]>;
  /** `redis-cli --cluster reshard`: moves `slots` slots from one master to another. */
  reshard(from: string, to: string, slots: number): Promise<string>;
  /** A short-lived connection to one node (the caller quits it). */
  connect(port: number): Redis;
}

/** The engine's cluster shape: three masters, each with one replica (`--cluster-replicas 1`). */
export const CLUSTER_NODES = 6;
export const CLUSTER_REPLICAS = 1;
const DEFAULT_NODE_TIMEOUT_MS = 2000;

export function redisClusterService(options: RedisClusterOptions): RedisClusterService {
  if (options.ports.length !== CLUSTER_NODES || options.busPorts.length !== CLUSTER_NODES) {
    throw new Error(`a cluster needs ${CLUSTER_NODES} ports and bus ports`);
  }
  const password = randomBytes(16).toString("hex");
  const nodeTimeoutMs = options.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS;
  const nodes = options.ports.map((port, i) => {
    const name = `redis-${i + 1}`;
    const dir = join(options.dir, name);
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, "redis.conf");
    const lines = [
      `bind ${HOST}`,
      `port ${port}`,
      `cluster-port ${options.busPorts[i]}`,
      `dir ${dir}`,
      "cluster-enabled yes",
      // In `dir`: survives a restart, so the node keeps its id and rejoins.
      "cluster-config-file nodes.conf",
      `cluster-node-timeout ${nodeTimeoutMs}`,
      'save ""',
      "appendonly no",
      `requirepass ${password}`,
      `masterauth ${password}`,
      "daemonize no",
      "protected-mode yes",
      "maxclients 10000",
    ];
    writeFileSync(configFile, lines.join("\n") + "\n", { mode: 0o600 });
    const process = new SupervisedProcess({
      name,
      kind: "redis",
      restart: options.restart,
      backoff: { ...BACKOFF, initialMs: restartAfterMs(nodeTimeoutMs) },
      launch: () => ({
        command: options.binary,
        args: [configFile],
        logFile: options.logFile?.(name),
      }),
      ready: () => canConnect(port),
    });
    return { name, port, process };
  });
  const nameOf = (port: number) => nodes.find((n) => n.port === port)?.name;
  const connect = (port: number) =>
    new Redis({
      host: HOST,
      port,
      password,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
      enableOfflineQueue: false,
    });
  const ask = async (port: number, ...command: string[]): Promise<string> => {
    const client = connect(port);
    client.on("error", () => undefined);
    try {
      await client.connect();
      return String(await client.call(command[0], ...command.slice(1)));
    } finally {
      client.disconnect();
    }
  };
  const cli = (args: string[], timeoutMs: number) =>
    run(options.cli, args, {
      env: { ...globalThis.process.env, REDISCLI_AUTH: password },
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    }).then(({ stdout }) => stdout);

  const topology = async (): Promise<ClusterNodeInfo[]> => {
    let lastError: unknown = new Error("no node answered");
    for (const node of nodes) {
      if (node.process.state !== "running") continue;
      try {
        return parseClusterNodes(await ask(node.port, "CLUSTER", "NODES"), nameOf);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  };

  const whenHealthy = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    let why = "not checked yet";
    while (Date.now() < deadline) {
      why = await healthProblem().catch((err: Error) => err.message);
      if (why === "") return topology();
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the Redis cluster is not healthy after ${timeoutMs} ms: ${why}`);
  };

  async function healthProblem(): Promise<string> {
    for (const node of nodes) {
      if (node.process.state !== "running") return `${node.name} is ${node.process.state}`;
      const info = await ask(node.port, "CLUSTER", "INFO");
      if (!/^cluster_state:ok\r?$/m.test(info)) return `${node.name}: cluster_state is not ok`;
      // A replica that never finished its first sync cannot take over (its data age is unknown).
      const replication = await ask(node.port, "INFO", "replication");
      if (
        /^role:slave\r?$/m.test(replication) &&
        !/^master_link_status:up\r?$/m.test(replication)
      ) {
        return `${node.name}: replication link to its master is not up`;
      }
    }
    const view = await topology();
    const masters = view.filter((n) => n.role === "master" && n.slots.length > 0);
    const problems = [
      masters.length === 3 ? "" : `${masters.length} masters with slots`,
      view.every((n) => n.connected && n.flags.length === 0) ? "" : "a node is failing",
      masters.every((m) => view.some((r) => r.replicaOf === m.name))
        ? ""
        : "a master lacks a replica",
    ].filter((p) => p !== "");
    return problems.join("; ");
  }

  return {
    password,
    url: `redis://:${password}@${HOST}:${nodes[0].port}`,
    ports: options.ports,
    nodes,
    async create(timeoutMs) {
      const addresses = nodes.map((n) => `${HOST}:${n.port}`);
      // Already formed (a restarted engine process never re-creates): nothing to do.
      const known = await ask(nodes[0].port, "CLUSTER", "INFO");
      if (!/^cluster_known_nodes:1\r?$/m.test(known)) return void (await whenHealthy(timeoutMs));
      await cli(
        [
          "--cluster",
          "create",
          ...addresses,
          "--cluster-replicas",
          String(CLUSTER_REPLICAS),
          "--cluster-yes",
        ],
        timeoutMs,
      );
      await whenHealthy(timeoutMs);
    },
    topology,
    whenHealthy,
    async reshard(from, to, slots) {
      const view = await topology();
      const id = (name: string) => {
        const node = view.find((n) => n.name === name);
        if (node?.role !== "master") throw new Error(`${name} is not a master now`);
        return node.id;
      };
      const seed = view.find((n) => n.role === "master" && n.connected)!;
      return cli(
        [
          "--cluster",
          "reshard",
          `${HOST}:${seed.port}`,
          "--cluster-from",
          id(from),
          "--cluster-to",
          id(to),
          "--cluster-slots",
          String(slots),
          "--cluster-yes",
        ],
        120_000,
      );
    },
    connect,
  };
}

/**
 * A dead cluster node is restarted only after its failure could be detected and its replica
 * promoted (node timeout, failure reports, the election's 500 ms + rank delay): like a managed
 * cluster, which fails over first and then replaces the node. Back at once, a killed master
 * would rejoin as master, empty, before anyone noticed it was gone.
 */
export function restartAfterMs(nodeTimeoutMs: number): number {
  return 3 * nodeTimeoutMs;
}

/** `CLUSTER NODES` text → one entry per node, named by the engine where the port is known. */
export function parseClusterNodes(
  text: string,
  nameOf: (port: number) => string | undefined,
): ClusterNodeInfo[] {
  const rows = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((line) => {
      const [id, address, flagText, master, , , , link, ...slots] = line.split(" ");
      const port = Number(/:(\d+)@/.exec(address)?.[1] ?? NaN);
      const flags = flagText.split(",");
      return { id, port, flags, master, link, slots };
    });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const name = (port: number) => nameOf(port) ?? `${HOST}:${port}`;
  return rows
    .map((r) => {
      const role: "master" | "replica" = r.flags.includes("master") ? "master" : "replica";
      const masterRow = r.master === "-" ? undefined : byId.get(r.master);
      return {
        name: name(r.port),
        port: r.port,
        id: r.id,
        role,
        replicaOf: role === "replica" && masterRow ? name(masterRow.port) : undefined,
        // Importing/migrating markers (`[5461->-…]`) are not ranges served.
        slots: r.slots.filter((s) => !s.startsWith("[")),
        flags: r.flags.filter((f) => !["myself", "master", "slave", "noflags"].includes(f)),
        connected: r.link === "connected",
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}
