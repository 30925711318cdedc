/**
 * The soak test's clients, in a process of their own (forked by `soak.test.ts` with an IPC
 * channel) so that the test process's event loop is not the bottleneck. Connects
 * `SOAK_CLIENTS` clients to `SOAK_URL` (half websocket-only, half polling then websocket), each
 * checking that the broadcasts of run `SOAK_RUN` arrive as seq 0, 1, 2, … exactly once, and
 * answers `report` messages with what they saw and this process's event-loop delay.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";

export interface SoakReport {
  type: "report";
  clients: number;
  connected: number;
  disconnects: number;
  disconnectReasons: string[];
  connectErrors: number;
  minReceived: number;
  maxReceived: number;
  /** Clients that saw a seq other than the next one expected (a gap, duplicate or reordering). */
  outOfSequence: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

interface Tracked {
  socket: Socket;
  next: number;
  bad: boolean;
}

const url = process.env.SOAK_URL ?? "";
const count = Number(process.env.SOAK_CLIENTS ?? "0");
const run = process.env.SOAK_RUN ?? "";
const tracked: Tracked[] = [];
const disconnectReasons: string[] = [];
let connectErrors = 0;
const delay = monitorEventLoopDelay({ resolution: 10 });

function connect(transports: ("polling" | "websocket")[]): Promise<void> {
  const socket = io(url, {
    transports,
    withCredentials: true,
    forceNew: true,
    reconnection: true,
    timeout: 20_000,
  });
  const t: Tracked = { socket, next: 0, bad: false };
  tracked.push(t);
  socket.on("message", (m: { payload?: { run?: string; seq?: number } | null }) => {
    if (m.payload?.run !== run) return;
    if (m.payload.seq !== t.next) t.bad = true;
    t.next = (m.payload.seq ?? t.next) + 1;
  });
  return new Promise((resolve) => {
    socket.once("connect", () => {
      socket.on("disconnect", (reason) => disconnectReasons.push(reason));
      resolve();
    });
    socket.on("connect_error", () => (connectErrors += 1));
  });
}

async function connectAll(): Promise<void> {
  const sets: ("polling" | "websocket")[][] = [["websocket"], ["polling", "websocket"]];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) =>
      connect(sets[(i + j) % 2]),
    );
    await Promise.all(batch);
  }
}

function report(): SoakReport {
  const received = tracked.map((t) => t.next);
  return {
    type: "report",
    clients: tracked.length,
    connected: tracked.filter((t) => t.socket.connected).length,
    disconnects: disconnectReasons.length,
    disconnectReasons: [...new Set(disconnectReasons)],
    connectErrors,
    minReceived: Math.min(...received),
    maxReceived: Math.max(...received),
    outOfSequence: tracked.filter((t) => t.bad).length,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    eventLoopDelayMaxMs: delay.max / 1e6,
  };
}

process.on("message", (message: { type: string }) => {
  if (message.type === "report") process.send!(report());
  if (message.type === "reset-delay") delay.reset();
  if (message.type === "close") {
    for (const t of tracked) t.socket.disconnect();
    process.disconnect();
  }
});
// Without the parent there is nothing to report to.
process.on("disconnect", () => process.exit(0));

delay.enable();
const startedAt = Date.now();
connectAll().then(
  () => process.send!({ type: "connected", ms: Date.now() - startedAt }),
  (err: Error) => process.send!({ type: "failed", message: err.message }),
);
