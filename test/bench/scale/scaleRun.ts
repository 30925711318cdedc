/**
 * One run of the scaling benchmark: the engine starts N nodes (the room entry,
 * `test/helpers/roomNode.ts`) on one redis-server or on the 3 + 3 Redis Cluster; clients in
 * rooms of `roomSize`, each client on a node drawn at random (seeded, so every configuration
 * sees the same placement); after an idle baseline, paced room messages (`io.to(room).emit`).
 * Measured: Redis egress (`INFO stats` `total_net_output_bytes`, summed over the masters), the
 * pub/sub pushes Redis delivered to the nodes (exact, counted in each node), CPU of the nodes and
 * of every redis-server from /proc, each minus its idle rate, and every delivery exactly.
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { Redis } from "ioredis";
import { resolveFleetSpec } from "../../../components/shared/resolve";
import type { AdapterKind } from "../../../components/shared/args";
import { LocalFleet } from "../../../app/local/fleet";
import { io, type Socket } from "socket.io-client";
import { ROOM_EVENTS, roomNodeEntry } from "../../helpers/roomNode";
import { requireTool } from "../scenarios";
import { cpuMs } from "../procStats";
import { nowMs } from "../protocol";
import { sleep } from "../stats";
import type { Placement, ScaleParentMessage, ScaleResult, ScaleWorkerMessage } from "./roomWorker";

export interface ScaleConfig {
  nodes: number;
  adapter: Extract<AdapterKind, "redis" | "redis-sharded">;
  redisMode: "standalone" | "cluster";
  /**
   * Extra nodes no client connects to: all they spend is what a node pays for room traffic of
   * rooms it does not hold (their receipts), measured on its own. Not in the node figures.
   */
  observers?: number;
}

export interface ScaleParams {
  rooms: number;
  roomSize: number;
  messages: number;
  /** Room messages per second, fleet-wide. */
  rate: number;
  idleMs: number;
  workers: number;
  seed: number;
}

export interface ScaleFigures {
  config: ScaleConfig;
  clients: number;
  connectFailed: number;
  messages: number;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  stray: number;
  durationMs: number;
  /** Client disconnects during the run (each may lose deliveries). */
  disconnects: number;
  /** With losses: the nodes' warnings (Redis connection lost, …), for the reader. */
  nodeWarnings?: string[];
  /** The first missed deliveries (`room@node-url#seq`). */
  missed: string[];
  /** Worst lateness of a planned send (a generator that falls behind lowers the rate). */
  senderLateMs: number;
  redisEgressBytes: number;
  redisEgressIdleBytes: number;
  receipts: number;
  nodeCpuMs: number;
  nodeIdleCpuMs: number;
  redisCpuMs: number;
  redisIdleCpuMs: number;
  /** Deliveries to clients on the sender's node need no Redis at all. */
  roomsSpanningNodes: number;
  /** The observers' pub/sub receipts and CPU (all observers together), when there are any. */
  observerReceipts: number;
  observerCpuMs: number;
  observerIdleCpuMs: number;
}

const forked = new Set<ChildProcess>();

export function killScaleWorkers(): void {
  for (const child of forked) child.kill("SIGKILL");
  forked.clear();
}

export async function scaleRun(config: ScaleConfig, p: ScaleParams): Promise<ScaleFigures> {
  const fleet = await LocalFleet.start({
    spec: resolveFleetSpec({
      image: "bench",
      replicas: config.nodes + (config.observers ?? 0),
      adapter: config.adapter,
    }),
    redisBinary: requireTool("redis-server"),
    redisCli: config.redisMode === "cluster" ? requireTool("redis-cli", "redis-tools") : undefined,
    redisMode: config.redisMode,
    restart: "never",
    nodeEntry: roomNodeEntry(),
    nodeEnv: { LOG_LEVEL: "warn", DRAIN_GRACE_MS: "0" },
  });
  const workers = Array.from({ length: p.workers }, () => {
    const child = fork(join(__dirname, "roomWorker.js"), [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    forked.add(child);
    child.once("exit", () => forked.delete(child));
    return child;
  });
  try {
    return await measureRun(fleet, workers, config, p);
  } finally {
    for (const w of workers) w.kill("SIGKILL");
    await fleet.stop(2000);
  }
}

async function measureRun(
  fleet: LocalFleet,
  workers: ChildProcess[],
  config: ScaleConfig,
  p: ScaleParams,
): Promise<ScaleFigures> {
  // Placement: client c is member c % roomSize of room ⌊c / roomSize⌋, on a random node.
  const random = mulberry32(p.seed);
  const clients = p.rooms * p.roomSize;
  const placed = Array.from({ length: clients }, (_, c) => ({
    room: `room-${Math.floor(c / p.roomSize)}`,
    node: Math.floor(random() * config.nodes),
  }));
  const share = (w: number) => placed.map((_, c) => c).filter((c) => c % workers.length === w);
  const connected = await Promise.all(
    workers.map((w, i) =>
      ask(
        w,
        {
          type: "connect",
          clients: share(i).map((c): Placement => ({
            url: fleet.nodes[placed[c].node].url,
            room: placed[c].room,
          })),
          timeoutMs: 20_000,
        },
        "connected",
        120_000,
      ),
    ),
  );
  const connectFailed = connected.reduce((n, r) => n + r.failed, 0);
  const roomsSpanningNodes = new Set(
    Array.from({ length: p.rooms }, (_, r) =>
      new Set(placed.slice(r * p.roomSize, (r + 1) * p.roomSize).map((x) => x.node)).size > 1
        ? r
        : -1,
    ).filter((r) => r >= 0),
  ).size;

  // The plan: message seq goes to room seq % rooms, sent by its member ⌊seq / rooms⌋ % roomSize.
  const sends: [number, number, number][][] = workers.map(() => []);
  for (let seq = 0; seq < p.messages; seq++) {
    const room = seq % p.rooms;
    const client = room * p.roomSize + (Math.floor(seq / p.rooms) % p.roomSize);
    const w = client % workers.length;
    sends[w].push([Math.floor(client / workers.length), seq, (seq * 1000) / p.rate]);
  }

  const redisPids = processPids(fleet, "redis");
  const nodePids = fleet.nodes.slice(0, config.nodes).map((n) => n.process.run?.pid ?? -1);
  const observerPids = fleet.nodes.slice(config.nodes).map((n) => n.process.run?.pid ?? -1);
  const observers = await Promise.all(
    fleet.nodes.slice(config.nodes).map((n) => observerClient(n.url)),
  );
  const masters = await masterPorts(fleet);
  await sleep(1000);
  // Idle baseline: the same processes doing nothing (PINGs, cluster bus, timers).
  const read = () => reading(fleet, masters, nodePids, redisPids, observerPids);
  const idle0 = await read();
  await sleep(p.idleMs);
  const idle1 = await read();
  const idleMs = idle1.at - idle0.at;

  const phase = Date.now() % 1_000_000;
  const before = await read();
  const receiptsBefore = await receipts(workers);
  const observerReceiptsBefore = await observerReceipts(observers);
  // Every worker counts for this phase before any client sends (else a fast sender's first
  // messages reach a worker still in the previous phase, and count as stray).
  await Promise.all(
    workers.map((w) =>
      ask(w, { type: "prepare", phase, messages: p.messages, rooms: p.rooms }, "prepared", 30_000),
    ),
  );
  const sent = await Promise.all(
    workers.map((w, i) => ask(w, { type: "run", sends: sends[i] }, "sent", 300_000)),
  );
  const expected = (p.messages * p.roomSize * (clients - connectFailed)) / clients;
  const results = await waitForResults(workers, expected);
  const after = await read();
  const receiptsAfter = await receipts(workers);
  const observerReceiptsAfter = await observerReceipts(observers);
  for (const o of observers) o.disconnect();
  const durationMs = after.at - before.at;
  const scale = durationMs / idleMs;
  const received = results.reduce((n, r) => n + r.unique, 0);
  const nodeWarnings =
    received < expected
      ? fleet.nodes.flatMap((n) =>
          (n.process.run?.output() ?? "")
            .split("\n")
            .filter((l) => l.includes('"level":40') || l.includes('"level":50'))
            .map((l) => `${n.name}: ${l.slice(0, 300)}`),
        )
      : undefined;
  return {
    disconnects: results.reduce((n, r) => n + r.disconnects, 0),
    nodeWarnings,
    missed: results.flatMap((r) => r.missed).slice(0, 10),
    config,
    clients,
    connectFailed,
    messages: p.messages,
    expected,
    received,
    lost: expected - received,
    duplicates: results.reduce((n, r) => n + r.duplicates, 0),
    stray: results.reduce((n, r) => n + r.stray, 0),
    durationMs: Math.round(durationMs),
    senderLateMs: Math.max(...sent.map((s) => s.lateMs)),
    redisEgressBytes: after.egress - before.egress,
    redisEgressIdleBytes: Math.round((idle1.egress - idle0.egress) * scale),
    receipts: receiptsAfter - receiptsBefore,
    nodeCpuMs: after.nodeCpu - before.nodeCpu,
    nodeIdleCpuMs: Math.round((idle1.nodeCpu - idle0.nodeCpu) * scale),
    redisCpuMs: after.redisCpu - before.redisCpu,
    redisIdleCpuMs: Math.round((idle1.redisCpu - idle0.redisCpu) * scale),
    roomsSpanningNodes,
    observerReceipts: observerReceiptsAfter - observerReceiptsBefore,
    observerCpuMs: after.observerCpu - before.observerCpu,
    observerIdleCpuMs: Math.round((idle1.observerCpu - idle0.observerCpu) * scale),
  };
}

/** A control connection to an observer node (joins no room): asks its receipt count. */
async function observerClient(url: string): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

async function observerReceipts(observers: Socket[]): Promise<number> {
  const acks = await Promise.all(
    observers.map(
      (s) => s.timeout(10_000).emitWithAck(ROOM_EVENTS.receipts) as Promise<{ receipts: number }>,
    ),
  );
  return acks.reduce((n, a) => n + a.receipts, 0);
}

/** Polls the workers until every expected delivery arrived, or nothing new for 5 s. */
async function waitForResults(workers: ChildProcess[], expected: number): Promise<ScaleResult[]> {
  let last = -1;
  let changed = nowMs();
  for (;;) {
    const results = await Promise.all(
      workers.map((w) => ask(w, { type: "result" }, "result", 30_000)),
    );
    const unique = results.reduce((n, r) => n + r.unique, 0);
    if (unique >= expected) {
      await sleep(300); // a late duplicate still counts
      return Promise.all(workers.map((w) => ask(w, { type: "result" }, "result", 30_000)));
    }
    if (unique !== last) [last, changed] = [unique, nowMs()];
    if (nowMs() - changed > 5000) return results;
    await sleep(100);
  }
}

interface Reading {
  at: number;
  egress: number;
  nodeCpu: number;
  redisCpu: number;
  observerCpu: number;
}

async function reading(
  fleet: LocalFleet,
  masters: number[],
  nodePids: number[],
  redisPids: number[],
  observerPids: number[],
): Promise<Reading> {
  const egress = await Promise.all(masters.map((port) => egressBytes(fleet, port)));
  const cpu = (pids: number[]) => pids.reduce((n, pid) => n + (cpuMs(pid) ?? 0), 0);
  return {
    at: nowMs(),
    egress: egress.reduce((a, b) => a + b, 0),
    nodeCpu: cpu(nodePids),
    redisCpu: cpu(redisPids),
    observerCpu: cpu(observerPids),
  };
}

/** `total_net_output_bytes` of one redis-server (client traffic; replication is counted apart). */
async function egressBytes(fleet: LocalFleet, port: number): Promise<number> {
  const client = fleet.redisCluster?.connect(port) ?? standaloneClient(fleet);
  client.on("error", () => undefined);
  try {
    if (client.status === "wait") await client.connect();
    const info = await client.info("stats");
    return Number(/^total_net_output_bytes:(\d+)/m.exec(info)?.[1] ?? NaN);
  } finally {
    client.disconnect();
  }
}

function standaloneClient(fleet: LocalFleet): Redis {
  return new Redis(fleet.redis!.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
}

async function masterPorts(fleet: LocalFleet): Promise<number[]> {
  if (fleet.redisCluster === undefined) return [fleet.redis!.port];
  const view = await fleet.redisCluster.whenHealthy(20_000);
  return view.filter((n) => n.role === "master").map((n) => n.port);
}

function processPids(fleet: LocalFleet, kind: "redis" | "node"): number[] {
  return fleet
    .processes()
    .filter((p) => p.kind === kind)
    .map((p) => p.run?.pid ?? -1);
}

async function receipts(workers: ChildProcess[]): Promise<number> {
  const replies = await Promise.all(
    workers.map((w) => ask(w, { type: "receipts", timeoutMs: 10_000 }, "receipts", 15_000)),
  );
  const byNode: Record<string, number> = {};
  for (const r of replies) Object.assign(byNode, r.byNode);
  return Object.values(byNode).reduce((a, b) => a + b, 0);
}

function ask<T extends ScaleWorkerMessage["type"]>(
  child: ChildProcess,
  message: ScaleParentMessage,
  expect: T,
  timeoutMs: number,
): Promise<Extract<ScaleWorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
    };
    const onMessage = (raw: unknown) => {
      const reply = raw as ScaleWorkerMessage;
      if (reply.type === "error") {
        cleanup();
        reject(new Error(`room worker: ${reply.message}`));
      } else if (reply.type === expect) {
        cleanup();
        resolve(reply as Extract<ScaleWorkerMessage, { type: T }>);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`room worker: no ${expect} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.send(message);
  });
}

/** A small seeded PRNG (public-domain mulberry32): the same placement for every configuration. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
