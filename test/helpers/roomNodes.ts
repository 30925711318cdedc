/**
 * In-process fleet nodes (`createFleetServer`) with a small room protocol on top of any adapter,
 * and exact room-delivery checks:
 * - `join` (room, ack) joins the sender to `room`;
 * - `to-room` ({ room, run, index }) → `io.to(room).emit("room", { room, run, index, from })`;
 * - `ask-room` (room, ack) → `io.to(room).timeout(5000).emit("ask")`, acked with the replies
 *   (an acknowledged broadcast: request and responses cross the adapter).
 * Room subscriptions (`dynamic` modes) start asynchronously after a join: `warmRooms` re-sends a
 * tagged message until every member has one, so later counts start on a live fleet.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Socket } from "socket.io-client";
import type { FleetServer } from "../../app/src/index";
import { inProcessNode } from "./inProcessNode";
import { allExactly, type Counter, times } from "./deliveries";
import { waitFor, waitForHttp } from "./processes";
import { connectClient } from "./socketClients";

export interface RoomMessage {
  room: string;
  run: string;
  index: number;
  from: string;
}

export interface RoomNode {
  fleet: FleetServer;
  url: string;
}

/** Starts one in-process node per id with `env` (adapter, Redis) and the room protocol. */
export async function startRoomNodes(
  ids: string[],
  env: Record<string, string>,
): Promise<RoomNode[]> {
  const nodes = await Promise.all(
    ids.map(async (nodeId) => {
      const fleet = inProcessNode(nodeId, env, { demo: false });
      fleet.onConnection((socket) => {
        socket.on("join", (room: string, ack: () => void) => {
          void Promise.resolve(socket.join(room)).then(() => ack());
        });
        socket.on("ask-room", (room: string, ack: (replies: unknown[]) => void) => {
          fleet.io
            .to(room)
            .timeout(5000)
            .emit("ask", (_err: Error | null, replies: unknown[]) => ack(replies ?? []));
        });
        socket.on("to-room", (message: Omit<RoomMessage, "from">) => {
          fleet.io.to(message.room).emit("room", { ...message, from: nodeId });
        });
      });
      return { fleet, url: `http://127.0.0.1:${await fleet.listen()}` };
    }),
  );
  await Promise.all(nodes.map((n) => waitForHttp(`${n.url}/readyz`)));
  return nodes;
}

/** A client on `node` that has joined `rooms`. */
export async function roomClient(node: RoomNode, rooms: string[]): Promise<Socket> {
  const socket = await connectClient(node.url, { transports: ["websocket"] });
  for (const room of rooms) await socket.timeout(5000).emitWithAck("join", room);
  return socket;
}

/** Re-sends a tagged message to `room` from `sender` until every member has received one. */
export async function warmRoom(sender: Socket, room: string, members: Socket[]): Promise<void> {
  const run = `warm-${randomUUID()}`;
  const received = new Set<Socket>();
  const listeners = members.map((socket) => {
    const listener = (message: RoomMessage) => {
      if (message.run === run) received.add(socket);
    };
    socket.on("room", listener);
    return () => socket.off("room", listener);
  });
  try {
    await waitFor(
      `every member of ${room} (${members.length}) to receive a warm-up message`,
      async () => {
        sender.emit("to-room", { room, run, index: -1 });
        await sleep(200);
        return received.size === members.length;
      },
      { timeoutMs: 15_000, intervalMs: 0 },
    );
  } finally {
    listeners.forEach((remove) => remove());
  }
}

/** Counts, per client, the `room` messages of `run`: exactly `expected[i]` each. */
export function countRoomMessages(
  clients: Socket[],
  run: string,
  expected: number[],
): Counter<RoomMessage>[] {
  return clients.map((socket, i) => {
    const counter = times<RoomMessage>(expected[i], `client ${i} room messages`);
    socket.on("room", (message: RoomMessage) => {
      if (message.run === run) counter(message);
    });
    return counter;
  });
}

/**
 * `sends` room messages (each `[sender, room]`), then every client gets exactly the messages of
 * the rooms it is in (`membership[i]`), each once.
 */
export async function expectRoomDeliveries(
  clients: Socket[],
  membership: string[][],
  sends: [Socket, string][],
): Promise<Counter<RoomMessage>[]> {
  const run = randomUUID();
  const expected = membership.map(
    (rooms) => sends.filter(([, room]) => rooms.includes(room)).length,
  );
  const counters = countRoomMessages(clients, run, expected);
  sends.forEach(([sender, room], index) => sender.emit("to-room", { room, run, index }));
  await allExactly(counters, { settleMs: 500 });
  return counters;
}
