/**
 * Fault-test fleets: 3 real app nodes on a real redis-server behind HAProxy (cookie
 * stickiness, the config `components/proxies` renders), nodes that can be killed and started
 * again on the same port, and reconnecting clients that record everything a fault could show:
 * every HTTP status they receive (through an `http.Agent` hook, polling and websocket alike),
 * every disconnect reason and connection error, and each broadcast of a numbered run.
 */
import { Agent, type ClientRequest, type IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { io, type ManagerOptions, type Socket } from "socket.io-client";
import { resolveFleetSpec } from "../../components/shared";
import type { ResolvedFleetSpec } from "../../components/shared/args";
import { LocalFleet } from "../../app/local/fleet";
import { requireBinary } from "./binaries";
import { type FleetNode, TEST_NODE_ENV, fleetNodeOf } from "./fleet";
import { waitFor } from "./processes";
import { type RunningProxy, requireProxy, runningProxyOf } from "./proxies";
import { type RedisServer, redisServerOf } from "./redisServer";

export type Adapter = "redis" | "redis-streams";
export type Transports = ("polling" | "websocket")[];
/** The two transport sets every fault test covers. */
export const TRANSPORT_SETS: Transports[] = [["polling", "websocket"], ["websocket"]];

export interface FaultFleet {
  spec: ResolvedFleetSpec;
  /** The engine's fleet underneath. */
  engine: LocalFleet;
  redis: RedisServer;
  nodes: FleetNode[];
  proxy: RunningProxy;
  /** Node `name` by its direct URL. */
  nodeUrl(name: string): string;
  /** Starts `name` again on its port (after a kill) and waits until HAProxy has it UP. */
  restartNode(name: string): Promise<void>;
  /** HAProxy reports every node UP. */
  allUp(): Promise<boolean>;
}

/** Binaries a fault suite needs: under CI=true a missing one fails the suite. */
export function requireFaultBinaries(ctx: Mocha.Context): { redis: string; haproxy: string } {
  return { redis: requireBinary(ctx, "redis-server"), haproxy: requireProxy(ctx, "haproxy") };
}

/**
 * 3 nodes, redis-server and HAProxy from the local fleet engine under `restart: "never"`: a
 * fault test kills a node and decides itself when it comes back (`restartNode`).
 */
export async function startFaultFleet(
  binaries: { redis: string; haproxy: string },
  adapter: Adapter,
  extraEnv: Record<string, string> = {},
): Promise<FaultFleet> {
  const spec = resolveFleetSpec({ image: "local", replicas: 3, adapter });
  const engine = await LocalFleet.start({
    spec,
    redisBinary: binaries.redis,
    proxy: { kind: "haproxy", binary: binaries.haproxy },
    restart: "never",
    nodeEnv: { ...TEST_NODE_ENV, ...extraEnv },
  });
  const nodes = engine.nodes.map(fleetNodeOf);
  const proxy = runningProxyOf(engine.proxy!);
  const fleet: FaultFleet = {
    spec,
    engine,
    redis: redisServerOf(engine.redis!),
    nodes,
    proxy,
    nodeUrl: (name) => engine.node(name).url,
    allUp: () => proxy.service.allUp(),
    async restartNode(name) {
      const node = engine.node(name);
      node.process.start();
      await node.process.whenReady();
      await waitFor(`HAProxy to have ${name} UP again`, () => fleet.allUp(), { timeoutMs: 10_000 });
    },
  };
  return fleet;
}

/** An `http.Agent` that records the status of every response (and websocket upgrade). */
export class StatusRecorder extends Agent {
  readonly statuses: number[] = [];

  constructor() {
    super({ keepAlive: true });
    // `addRequest` is how every request reaches an agent (Node's own API, untyped).
    const self = this as unknown as {
      addRequest(req: ClientRequest, options: unknown): void;
    };
    const add = self.addRequest.bind(this);
    self.addRequest = (req, options) => {
      const record = (res: IncomingMessage) => this.statuses.push(res.statusCode ?? 0);
      req.once("response", record);
      req.once("upgrade", record);
      add(req, options);
    };
  }
}

export interface RunMessage {
  nodeId: string;
  payload: { run?: string; seq?: number } | null;
}

/** A reconnecting client and what it saw. */
export interface FaultClient {
  socket: Socket;
  transports: Transports;
  agent: StatusRecorder;
  disconnects: { reason: string; at: number }[];
  /** `connect_error` and manager `error`/`reconnect_error` messages. */
  errors: string[];
  connects: number[];
  /** Sequence numbers of `run`'s broadcasts, in arrival order, with arrival times. */
  received: { seq: number; at: number; offset?: string }[];
  /** The run whose broadcasts `received` records. */
  run?: string;
}

export function connectFaultClient(
  url: string,
  transports: Transports,
  options: Partial<ManagerOptions> = {},
): Promise<FaultClient> {
  const agent = new StatusRecorder();
  const socket = io(url, {
    ...options,
    transports,
    withCredentials: true, // keeps the sticky cookie (the Node client's cookie jar)
    forceNew: true,
    reconnection: true,
    timeout: 10_000,
    // engine.io-client passes any http.Agent to its polling and websocket transports.
    agent: agent as unknown as string,
  });
  const client: FaultClient = {
    socket,
    transports,
    agent,
    disconnects: [],
    errors: [],
    connects: [],
    received: [],
  };
  socket.on("connect", () => client.connects.push(Date.now()));
  socket.on("disconnect", (reason) => client.disconnects.push({ reason, at: Date.now() }));
  socket.on("connect_error", (err) => client.errors.push(`connect_error: ${err.message}`));
  socket.io.on("error", (err) => client.errors.push(`manager error: ${err.message}`));
  socket.io.on("reconnect_error", (err) => client.errors.push(`reconnect_error: ${err.message}`));
  socket.on("message", (m: RunMessage, offset?: unknown) => {
    if (client.run !== undefined && m.payload?.run === client.run && m.payload.seq !== undefined) {
      const entry = { seq: m.payload.seq, at: Date.now(), offset: String(offset) };
      client.received.push(entry);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connection to ${url}`)), 10_000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(client);
    });
  });
}

/** `count` clients of each transport set through `url`, connected a few at a time. */
export async function connectFaultClients(
  url: string,
  count: number,
  options: Partial<ManagerOptions> = {},
): Promise<FaultClient[]> {
  const clients: FaultClient[] = [];
  for (const transports of TRANSPORT_SETS) {
    for (let i = 0; i < count; i += 6) {
      const batch = Math.min(6, count - i);
      clients.push(
        ...(await Promise.all(
          Array.from({ length: batch }, () => connectFaultClient(url, transports, options)),
        )),
      );
    }
  }
  return clients;
}

export function closeFaultClients(clients: FaultClient[]): void {
  stopTickers();
  for (const c of clients) {
    c.socket.disconnect();
    c.agent.destroy();
  }
}

/** `whoami` with an ack (the demo protocol). */
export async function nodeOf(client: FaultClient): Promise<string> {
  const reply = (await client.socket.timeout(5000).emitWithAck("whoami")) as { nodeId: string };
  return reply.nodeId;
}

/**
 * A sender emitting `message { run, seq }` every `intervalMs` from its own client; `stop()`
 * resolves with the number sent. `sentAt[seq]` is when each was emitted.
 */
export interface Ticker {
  run: string;
  sentAt: number[];
  stop(): Promise<number>;
}

const tickers = new Set<NodeJS.Timeout>();

export function startTicker(sender: Socket, run: string, intervalMs: number): Ticker {
  const sentAt: number[] = [];
  const timer = setInterval(() => {
    sentAt.push(Date.now());
    sender.emit("message", { run, seq: sentAt.length - 1 });
  }, intervalMs);
  timer.unref(); // a failed test must not leave mocha running
  tickers.add(timer);
  return {
    run,
    sentAt,
    async stop() {
      clearInterval(timer);
      tickers.delete(timer);
      return sentAt.length;
    },
  };
}

/** Stops every ticker still running (call it in an `after` hook). */
export function stopTickers(): void {
  for (const timer of tickers) clearInterval(timer);
  tickers.clear();
}

/**
 * Problems with `client`'s deliveries of seq `from`…`to - 1`: anything missing, duplicated or out
 * of order (empty when exact).
 */
export function sequenceProblems(client: FaultClient, from: number, to: number): string[] {
  const seqs = client.received.map((r) => r.seq).filter((s) => s >= from && s < to);
  const problems: string[] = [];
  const seen = new Set<number>();
  const dups = seqs.filter((s) => (seen.has(s) ? true : (seen.add(s), false)));
  if (dups.length > 0) {
    const around = client.received.filter((r) => Math.abs(r.seq - dups[0]) <= 1);
    problems.push(`duplicates ${dups.slice(0, 5).join(",")} (${JSON.stringify(around)})`);
  }
  const missing: number[] = [];
  for (let s = from; s < to; s++) if (!seen.has(s)) missing.push(s);
  if (missing.length > 0) {
    problems.push(`missing ${missing.length} (${missing.slice(0, 5).join(",")}…)`);
  }
  if (seqs.some((s, i) => i > 0 && s < seqs[i - 1])) problems.push("out of order");
  return problems;
}

/** Waits until every client has received every seq below `to` (bounded), then settles. */
export async function waitForDeliveries(
  clients: FaultClient[],
  from: number,
  to: number,
  timeoutMs = 10_000,
): Promise<void> {
  await waitFor(
    `every client to receive seq ${from}…${to - 1}`,
    () =>
      clients.every(
        (c) => new Set(c.received.map((r) => r.seq).filter((s) => s >= from)).size >= to - from,
      ),
    { timeoutMs, intervalMs: 100 },
  ).catch((err: Error) => {
    const behind = clients
      .map((c, i) => ({ i, problems: sequenceProblems(c, from, to) }))
      .filter((c) => c.problems.length > 0);
    throw new Error(
      `${err.message}; ${behind.length} client(s) behind, e.g. ` +
        behind
          .slice(0, 3)
          .map((c) => `#${c.i}: ${c.problems.join("; ")}`)
          .join(" | "),
    );
  });
  await sleep(300);
}

/** Resident set size of a process in bytes (Linux `/proc/<pid>/status` VmRSS). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb[1]) * 1024;
}
