/**
 * One load-generator process (forked by `generator.ts`): opens its share of websocket-only
 * Socket.IO clients through the proxy, sends benchmark messages when told to, and counts every
 * delivery each of its clients receives (exact, per sequence number), with latency samples and
 * its own event-loop delay, so a reader can tell whether the generator was the bottleneck.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import {
  type BenchPayload,
  type ClientPhaseStats,
  type ConnectResult,
  type LoopDelay,
  type ParentMessage,
  type PhaseResult,
  type WorkerMessage,
  nowMs,
} from "./protocol";

interface Client {
  socket: Socket;
  node: string | null;
  nodeAfter: string | null;
  seen: Uint8Array;
  unique: number;
  duplicates: number;
  duplicateSeqs: number[];
  /** Last sequence number received from each sender node (order holds per sender only). */
  lastSeq: Map<string, number>;
  inOrder: boolean;
  disconnects: number;
  reconnects: number;
  recovered: boolean | null;
  disconnectedAt: number | null;
  reconnectMs: number | null;
}

/** A client's delivery and reconnection counters, zeroed for a phase of `messages` messages. */
function freshCounters(messages: number): Omit<Client, "socket" | "node" | "nodeAfter"> {
  return {
    seen: new Uint8Array(messages),
    unique: 0,
    duplicates: 0,
    duplicateSeqs: [],
    lastSeq: new Map(),
    inOrder: true,
    disconnects: 0,
    reconnects: 0,
    recovered: null,
    disconnectedAt: null,
    reconnectMs: null,
  };
}

/** Event-loop delay sampling period; reported delays are what exceeds it. */
const LOOP_RESOLUTION_MS = 10;

const clients: Client[] = [];
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
loop.enable();

const phase = {
  id: -1,
  latency: false,
  unique: 0,
  stray: 0,
  disconnects: 0,
  sameNode: [] as number[],
  crossNode: [] as number[],
  firstSendAt: null as number | null,
  lastArrivalAt: null as number | null,
  cpu: process.cpuUsage(),
};

function reply(message: WorkerMessage): void {
  process.send?.(message);
}

process.on("message", (raw: unknown) => {
  const message = raw as ParentMessage;
  handle(message).catch((err: Error) =>
    reply({ type: "error", message: err.stack ?? err.message }),
  );
});
// The parent's end is ours: never outlive it.
process.on("disconnect", () => process.exit(0));

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case "connect":
      return reply(await connectAll(message));
    case "phase":
      return startPhase(message.id, message.messages, message.latency);
    case "send":
      return send(message.client, message.phase, message.from, message.to);
    case "count":
      return reply({ type: "count", unique: phase.unique, lastArrivalAt: phase.lastArrivalAt });
    case "phaseEnd":
      return reply(endPhase(message.perClient));
    case "whoami":
      return reply({ type: "whoami", nodes: await Promise.all(clients.map(refreshNode)) });
    case "close":
      for (const client of clients) client.socket.disconnect();
      reply({ type: "closed" });
      setTimeout(() => process.exit(0), 100);
      return;
  }
}

async function connectAll(m: Extract<ParentMessage, { type: "connect" }>): Promise<ConnectResult> {
  const connectMs: number[] = [];
  const errors = new Set<string>();
  let failed = 0;
  let next = 0;
  const lane = async () => {
    while (next < m.count) {
      next++;
      const started = nowMs();
      const client = openClient(m.url, m.timeoutMs);
      try {
        await connected(client.socket, m.timeoutMs);
        connectMs.push(nowMs() - started);
        client.node = await whoami(client.socket);
        client.nodeAfter = client.node;
      } catch (err) {
        failed++;
        errors.add((err as Error).message);
        client.socket.disconnect();
      }
      clients.push(client);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, m.concurrency) }, lane));
  return {
    type: "connected",
    nodes: clients.map((c) => c.node),
    connectMs,
    failed,
    errors: [...errors].slice(0, 5),
  };
}

function openClient(url: string, timeoutMs: number): Client {
  const socket = io(url, {
    transports: ["websocket"],
    forceNew: true,
    timeout: timeoutMs,
    reconnectionDelay: 500,
    reconnectionDelayMax: 2000,
  });
  const client: Client = {
    socket,
    node: null,
    nodeAfter: null,
    ...freshCounters(0),
  };
  socket.on("message", (m: { nodeId: string; payload: BenchPayload }) => receive(client, m));
  socket.on("disconnect", () => {
    if (client.node === null) return;
    client.disconnects++;
    phase.disconnects++;
    client.disconnectedAt ??= nowMs();
  });
  socket.on("connect", () => {
    if (client.disconnectedAt === null) return;
    client.reconnects++;
    client.recovered = socket.recovered;
    client.reconnectMs ??= nowMs() - client.disconnectedAt;
    void refreshNode(client);
  });
  return client;
}

function receive(client: Client, m: { nodeId: string; payload: BenchPayload }): void {
  const at = nowMs();
  const p = m.payload;
  if (p === null || typeof p !== "object" || typeof p.s !== "number") return;
  if (p.p !== phase.id || p.s >= client.seen.length) {
    phase.stray++;
    return;
  }
  if (client.seen[p.s] === 1) {
    client.duplicates++;
    if (client.duplicateSeqs.length < 10) client.duplicateSeqs.push(p.s);
    return;
  }
  client.seen[p.s] = 1;
  client.unique++;
  phase.unique++;
  if (p.s < (client.lastSeq.get(m.nodeId) ?? -1)) client.inOrder = false;
  client.lastSeq.set(m.nodeId, p.s);
  phase.lastArrivalAt = at;
  if (phase.latency) {
    (m.nodeId === client.nodeAfter ? phase.sameNode : phase.crossNode).push(at - p.t);
  }
}

function startPhase(id: number, messages: number, latency: boolean): void {
  Object.assign(phase, {
    id,
    latency,
    unique: 0,
    stray: 0,
    disconnects: 0,
    sameNode: [],
    crossNode: [],
    firstSendAt: null,
    lastArrivalAt: null,
    cpu: process.cpuUsage(),
  });
  for (const c of clients) {
    Object.assign(c, freshCounters(messages));
  }
  loop.reset();
}

function send(index: number, phaseId: number, from: number, to: number): void {
  const socket = clients[index]?.socket;
  if (socket === undefined) throw new Error(`no client ${index}`);
  const first = nowMs();
  for (let s = from; s < to; s++) {
    const payload: BenchPayload = { p: phaseId, s, t: nowMs() };
    socket.emit("message", payload);
  }
  phase.firstSendAt ??= first;
  reply({ type: "sent", firstSendAt: first, lastSendAt: nowMs() });
}

function endPhase(perClient: boolean): PhaseResult {
  const cpu = process.cpuUsage(phase.cpu);
  const result: PhaseResult = {
    type: "phaseResult",
    unique: phase.unique,
    duplicates: clients.reduce((n, c) => n + c.duplicates, 0),
    stray: phase.stray,
    disconnects: phase.disconnects,
    sameNode: phase.sameNode,
    crossNode: phase.crossNode,
    firstSendAt: phase.firstSendAt,
    lastArrivalAt: phase.lastArrivalAt,
    loopDelay: loopDelay(),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  if (perClient) result.perClient = clients.map(clientStats);
  return result;
}

function clientStats(c: Client): ClientPhaseStats {
  return {
    node: c.node,
    nodeAfter: c.nodeAfter,
    unique: c.unique,
    duplicates: c.duplicates,
    disconnects: c.disconnects,
    reconnects: c.reconnects,
    recovered: c.recovered,
    reconnectMs: c.reconnectMs,
    inOrder: c.inOrder,
    missedSeqs: missing(c.seen, 10),
    duplicateSeqs: c.duplicateSeqs,
  };
}

function missing(seen: Uint8Array, limit: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < seen.length && out.length < limit; s++) if (seen[s] !== 1) out.push(s);
  return out;
}

function loopDelay(): LoopDelay {
  const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  return { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
}

function connected(socket: Socket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not connected within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function whoami(socket: Socket): Promise<string> {
  const reply = (await socket.timeout(10_000).emitWithAck("whoami")) as { nodeId: string };
  return reply.nodeId;
}

async function refreshNode(client: Client): Promise<string | null> {
  if (!client.socket.connected) return client.nodeAfter;
  try {
    client.nodeAfter = await whoami(client.socket);
  } catch {
    // keep the last known node
  }
  return client.nodeAfter;
}
