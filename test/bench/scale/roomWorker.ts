/**
 * One load-generator process of the scaling benchmark (forked by `scaleRun.ts`): opens its share
 * of websocket clients, each straight to the node it was placed on, joins each to its room, then
 * sends its part of the room messages at the planned times and counts every delivery exactly
 * (per client, per sequence number).
 */
import { io, type Socket } from "socket.io-client";
import { ROOM_EVENTS, type RoomMessage } from "../../helpers/roomNode";
import { nowMs } from "../protocol";

export interface Placement {
  url: string;
  room: string;
}

export type ScaleParentMessage =
  | { type: "connect"; clients: Placement[]; timeoutMs: number }
  | { type: "receipts"; timeoutMs: number }
  /** `sends[i]` = [local client, seq, at ms after the start]. */
  /** Zeroes the counters for a phase; every worker is prepared before any sends. */
  | { type: "prepare"; phase: number; messages: number; rooms: number }
  | { type: "run"; sends: [number, number, number][] }
  | { type: "result" };

export interface ScaleResult {
  type: "result";
  unique: number;
  duplicates: number;
  /** Deliveries of another room's message or another phase. */
  stray: number;
  /** Per client: how many of its room's messages it got (unique). */
  perClient: number[];
  /** Clients that disconnected since they connected (none should). */
  disconnects: number;
  /** The first missed deliveries, as `room@node-url#seq`. */
  missed: string[];
  lastArrivalAt: number | null;
}

export type ScaleWorkerMessage =
  | { type: "connected"; failed: number; errors: string[] }
  | { type: "receipts"; byNode: Record<string, number> }
  | { type: "prepared" }
  | { type: "sent"; lateMs: number }
  | ScaleResult
  | { type: "error"; message: string };

interface Client {
  socket: Socket;
  room: string;
  url: string;
  seen: Uint8Array;
  unique: number;
  duplicates: number;
}

const clients: Client[] = [];
let disconnects = 0;
/** Rooms of the run (message seq goes to room seq % rooms, see `scaleRun.ts`). */
let roomCount = 1;
const phase = { id: -1, stray: 0, lastArrivalAt: null as number | null };

const reply = (m: ScaleWorkerMessage): void => void process.send?.(m);

process.on("message", (raw: unknown) => {
  handle(raw as ScaleParentMessage).catch((err: Error) =>
    reply({ type: "error", message: err.stack ?? err.message }),
  );
});
process.on("disconnect", () => process.exit(0));

async function handle(m: ScaleParentMessage): Promise<void> {
  if (m.type === "connect") return reply(await connectAll(m.clients, m.timeoutMs));
  if (m.type === "receipts")
    return reply({ type: "receipts", byNode: await receipts(m.timeoutMs) });
  if (m.type === "prepare") {
    prepare(m.phase, m.messages, m.rooms);
    return reply({ type: "prepared" });
  }
  if (m.type === "run") return reply(await run(m.sends));
  return reply(result());
}

async function connectAll(placements: Placement[], timeoutMs: number) {
  const errors = new Set<string>();
  let failed = 0;
  // 20 at a time: enough to be quick, few enough for a loaded 2-core machine.
  for (let i = 0; i < placements.length; i += 20) {
    await Promise.all(
      placements.slice(i, i + 20).map(async ({ url, room }) => {
        const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
        const client: Client = {
          socket,
          room,
          url,
          seen: new Uint8Array(0),
          unique: 0,
          duplicates: 0,
        };
        clients.push(client);
        socket.on(ROOM_EVENTS.message, (msg: RoomMessage) => receive(client, msg));
        socket.on("disconnect", () => void disconnects++);
        try {
          await socket.timeout(timeoutMs).emitWithAck(ROOM_EVENTS.join, room);
        } catch (err) {
          failed++;
          errors.add((err as Error).message);
        }
      }),
    );
  }
  return { type: "connected" as const, failed, errors: [...errors].slice(0, 5) };
}

function receive(client: Client, msg: RoomMessage): void {
  const p = msg.payload as { p: number; s: number };
  if (msg.room !== client.room || p.p !== phase.id || p.s >= client.seen.length) {
    phase.stray++;
    return;
  }
  if (client.seen[p.s] === 1) {
    client.duplicates++;
    return;
  }
  client.seen[p.s] = 1;
  client.unique++;
  phase.lastArrivalAt = nowMs();
}

/** Each node's receipt count, asked through the first client placed on it. */
async function receipts(timeoutMs: number): Promise<Record<string, number>> {
  const byUrl = new Map<string, Client>();
  for (const c of clients) if (!byUrl.has(c.url)) byUrl.set(c.url, c);
  const out: Record<string, number> = {};
  await Promise.all(
    [...byUrl.values()].map(async (c) => {
      const ack = (await c.socket.timeout(timeoutMs).emitWithAck(ROOM_EVENTS.receipts)) as {
        nodeId: string;
        receipts: number;
      };
      out[ack.nodeId] = ack.receipts;
    }),
  );
  return out;
}

function prepare(id: number, messages: number, rooms: number): void {
  phase.id = id;
  phase.stray = 0;
  phase.lastArrivalAt = null;
  roomCount = rooms;
  for (const c of clients)
    Object.assign(c, { seen: new Uint8Array(messages), unique: 0, duplicates: 0 });
}

async function run(sends: [number, number, number][]) {
  const id = phase.id;
  const start = nowMs();
  let lateMs = 0;
  for (let i = 0; i < sends.length;) {
    const due = start + sends[i][2];
    const wait = due - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lateMs = Math.max(lateMs, nowMs() - due);
    // Everything due by now goes out in this turn.
    const now = nowMs() - start;
    for (; i < sends.length && sends[i][2] <= now; i++) {
      const [local, seq] = sends[i];
      const c = clients[local];
      c.socket.emit(ROOM_EVENTS.message, { room: c.room, payload: { p: id, s: seq } });
    }
  }
  return { type: "sent" as const, lateMs: Math.round(lateMs) };
}

/** Sequence numbers of each client's room (seq % rooms) that it never received. */
function missedDeliveries(limit: number): string[] {
  const out: string[] = [];
  for (const c of clients) {
    const room = Number(c.room.slice("room-".length));
    for (let s = 0; s < c.seen.length && out.length < limit; s++) {
      if (s % roomCount === room && c.seen[s] !== 1) out.push(`${c.room}@${c.url}#${s}`);
    }
  }
  return out;
}

function result(): ScaleResult {
  return {
    type: "result",
    unique: clients.reduce((n, c) => n + c.unique, 0),
    duplicates: clients.reduce((n, c) => n + c.duplicates, 0),
    stray: phase.stray,
    perClient: clients.map((c) => c.unique),
    disconnects,
    missed: missedDeliveries(10),
    lastArrivalAt: phase.lastArrivalAt,
  };
}
