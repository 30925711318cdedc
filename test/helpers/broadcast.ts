/**
 * Cross-node broadcast checks for the demo protocol (`message` → `message { nodeId, payload }`),
 * counted exactly with `times()`.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Socket } from "socket.io-client";
import { allExactly, times } from "./deliveries";
import { waitFor } from "./processes";

interface DemoMessage {
  nodeId: string;
  payload: { run?: string; index?: number; warmup?: string } | null;
}

/**
 * Adapters subscribe asynchronously after a node starts or Redis returns: re-sends a tagged
 * warm-up message until every client has received one, so later counts start on a live fleet.
 * Warm-up messages carry their own tag and are ignored by `expectBroadcastEverywhere`.
 */
export async function warmUp(sockets: Socket[], timeoutMs = 15_000): Promise<void> {
  const tag = randomUUID();
  const received = new Set<Socket>();
  const listeners = sockets.map((socket) => {
    const listener = (message: DemoMessage) => {
      if (message.payload?.warmup === tag) received.add(socket);
    };
    socket.on("message", listener);
    return () => socket.off("message", listener);
  });
  try {
    await waitFor(
      `every client (${sockets.length}) to receive a warm-up broadcast`,
      async () => {
        sockets[0].emit("message", { warmup: tag });
        await sleep(200);
        return received.size === sockets.length;
      },
      { timeoutMs, intervalMs: 0 },
    );
  } finally {
    listeners.forEach((remove) => remove());
  }
}

/**
 * Each sender emits one `message`; every receiver must get each of them exactly once, stamped
 * with the sender's node id and the payload intact.
 */
export async function expectBroadcastEverywhere(
  senders: { socket: Socket; nodeId: string }[],
  receivers: Socket[],
): Promise<void> {
  const run = randomUUID();
  const counters = receivers.map((socket, i) => {
    const counter = times<DemoMessage>(senders.length, `client ${i} deliveries`);
    socket.on("message", (message: DemoMessage) => {
      if (message.payload?.run === run) counter(message);
    });
    return counter;
  });
  senders.forEach(({ socket }, index) => socket.emit("message", { run, index }));
  await allExactly(counters);
  const expected = senders.map(({ nodeId }, index) => ({ nodeId, payload: { run, index } }));
  for (const counter of counters) {
    const got = [...counter.calls].sort(
      (a, b) => (a.payload?.index ?? 0) - (b.payload?.index ?? 0),
    );
    assert.deepEqual(got, expected, counter.what);
  }
}
