/**
 * A node entry point for room traffic (the scaling benchmark and the Redis Cluster tests run it
 * through the engine's `nodeEntry`): the app exactly as `main.ts` runs it (same environment
 * contract, adapter, drain), built with `createFleetServer` as a team would build its own image,
 * plus a room protocol:
 * - `join` (room, ack) → the socket joins `room`; ack `{ nodeId }`;
 * - `room-message` `{ room, payload }` → `io.to(room).emit("room-message", { nodeId, room, payload })`;
 * - `receipts` (ack) → `{ nodeId, receipts }`: the pub/sub messages Redis delivered to this node
 *   so far (`message`, `pmessage` and `smessage` pushes on any of its Redis connections, counted
 *   where ioredis emits them, whatever the adapter or the Redis mode).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { PACKAGE_ROOT } from "../../app/local/appEntry";
import { orExit, readEntryEnv } from "../../app/src/env";
import { createFleetServer } from "../../app/src/server";
import { exitOnSignals } from "../../app/src/shutdown";

export const ROOM_EVENTS = {
  join: "join",
  message: "room-message",
  receipts: "receipts",
} as const;

export interface RoomMessage {
  nodeId: string;
  room: string;
  payload: unknown;
}

/** ioredis emits each push once as a string event and once as a Buffer event: count the latter. */
const PUSH_EVENTS = new Set(["messageBuffer", "pmessageBuffer", "smessageBuffer"]);
let receipts = 0;

function countReceipts(): void {
  const emit = Redis.prototype.emit;
  Redis.prototype.emit = function (this: Redis, event: string | symbol, ...args: unknown[]) {
    if (typeof event === "string" && PUSH_EVENTS.has(event)) receipts++;
    return emit.call(this, event, ...args);
  } as typeof emit;
}

function main(): void {
  countReceipts();
  const { config, drain } = orExit(() => readEntryEnv(process.env));
  const fleet = createFleetServer(config, { drain });
  fleet.onConnection((socket) => {
    socket.on(ROOM_EVENTS.join, async (room: unknown, ack: unknown) => {
      if (typeof room !== "string") return;
      await socket.join(room);
      if (typeof ack === "function") ack({ nodeId: fleet.nodeId });
    });
    socket.on(ROOM_EVENTS.message, (m: { room?: unknown; payload?: unknown } | null) => {
      if (typeof m?.room !== "string") return;
      const message: RoomMessage = { nodeId: fleet.nodeId, room: m.room, payload: m.payload };
      fleet.io.to(m.room).emit(ROOM_EVENTS.message, message);
    });
    socket.on(ROOM_EVENTS.receipts, (ack: unknown) => {
      if (typeof ack === "function") ack({ nodeId: fleet.nodeId, receipts });
    });
  });
  exitOnSignals(() => fleet.close(), fleet.logger);
  fleet.listen().catch((err: Error) => {
    fleet.logger.fatal({ err: err.message }, "cannot listen");
    process.exit(1);
  });
}

// Run as an entry point only (the tests import the event names).
if (require.main === module) main();

/** The compiled entry (`npm run build` puts it there), for the engine's `nodeEntry`. */
export function roomNodeEntry(): string {
  const entry = join(PACKAGE_ROOT, "dist", "test", "helpers", "roomNode.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}
