/**
 * What the Redis Cluster tests share: a fleet from the engine on a real 3 + 3 Redis Cluster
 * (`redis-sharded`, `REDIS_MODE=cluster`, the room entry `test/helpers/roomNode.ts`), rooms chosen
 * by the slot of their sharded channel, one client per room on every node (so every node
 * SSUBSCRIBEs every room's channel), and exact per-client, per-sequence delivery counts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Socket } from "socket.io-client";
import { resolveFleetSpec } from "../../../components/shared";
import { LocalFleet } from "../../../app/local/fleet";
import type { ClusterNodeInfo } from "../../../app/local/redisCluster";
import type { RestartPolicy } from "../../../app/local/supervisor";
import { requireBinary } from "../../helpers/binaries";
import { TEST_NODE_ENV } from "../../helpers/fleet";
import { ROOM_EVENTS, type RoomMessage, roomNodeEntry } from "../../helpers/roomNode";
import { connectClient } from "../../helpers/socketClients";

/** The sharded adapter's channel of a room in namespace `/` (`<prefix>#<nsp>#<room>#`, 8.3.0). */
export function roomChannel(room: string): string {
  return `socket.io#/#${room}#`;
}

export async function startClusterFleet(
  ctx: Mocha.Context,
  nodes: number,
  restart: RestartPolicy = "always",
): Promise<LocalFleet> {
  return LocalFleet.start({
    spec: resolveFleetSpec({ image: "local", replicas: nodes, adapter: "redis-sharded" }),
    redisBinary: requireBinary(ctx, "redis-server"),
    redisCli: requireBinary(ctx, "redis-cli", "redis-tools"),
    redisMode: "cluster",
    restart,
    nodeEntry: roomNodeEntry(),
    nodeEnv: TEST_NODE_ENV,
  });
}

/** The slot of each room's channel (`CLUSTER KEYSLOT`, asked of a live node). */
export async function slotsOf(fleet: LocalFleet, rooms: string[]): Promise<Map<string, number>> {
  const cluster = fleet.redisCluster!;
  const live = cluster.nodes.find((n) => n.process.state === "running")!;
  const client = cluster.connect(live.port);
  await client.connect();
  try {
    const slots = await Promise.all(
      rooms.map((r) => client.call("CLUSTER", "KEYSLOT", roomChannel(r)) as Promise<number>),
    );
    return new Map(rooms.map((r, i) => [r, Number(slots[i])]));
  } finally {
    client.disconnect();
  }
}

/** Whether `slot` is in one of the master's ranges (`"0-5460"`, `"7"`). */
export function serves(master: ClusterNodeInfo, slot: number): boolean {
  return master.slots.some((range) => {
    const [from, to = from] = range.split("-").map(Number);
    return slot >= from && slot <= to;
  });
}

/** `count` room names whose channel slot `accept`s, found by trying `prefix-0`, `prefix-1`, …. */
export async function roomsWhere(
  fleet: LocalFleet,
  prefix: string,
  count: number,
  accept: (slot: number) => boolean,
): Promise<string[]> {
  const found: string[] = [];
  for (let batch = 0; found.length < count && batch < 100; batch++) {
    const names = Array.from({ length: 200 }, (_, i) => `${prefix}-${batch * 200 + i}`);
    for (const [room, slot] of await slotsOf(fleet, names)) {
      if (accept(slot) && found.length < count) found.push(room);
    }
  }
  if (found.length < count) throw new Error(`only ${found.length} rooms found for ${prefix}`);
  return found;
}

/** A client in one room, counting every room message by its sequence number. */
export interface RoomClient {
  socket: Socket;
  room: string;
  node: string;
  /** Deliveries per sequence number (run → seq → count). */
  seen: Map<string, Map<number, number>>;
}

export interface RoomPayload {
  run: string;
  seq: number;
}

/**
 * One websocket client per room on each node, every one joined to its room, once a message to
 * each room reaches all its members.
 */
export async function roomClients(fleet: LocalFleet, rooms: string[]): Promise<RoomClient[]> {
  const clients: RoomClient[] = [];
  for (const room of rooms) {
    for (const node of fleet.nodes) {
      const socket = await connectClient(node.url, { transports: ["websocket"] });
      const client: RoomClient = { socket, room, node: node.name, seen: new Map() };
      socket.on(ROOM_EVENTS.message, (m: RoomMessage) => {
        const p = m.payload as RoomPayload;
        if (m.room !== room) throw new Error(`${room} client got a message of ${m.room}`);
        const runSeen = client.seen.get(p.run) ?? new Map<number, number>();
        runSeen.set(p.seq, (runSeen.get(p.seq) ?? 0) + 1);
        client.seen.set(p.run, runSeen);
      });
      const ack = (await socket.timeout(5000).emitWithAck(ROOM_EVENTS.join, room)) as {
        nodeId: string;
      };
      if (ack.nodeId !== node.name) throw new Error(`joined on ${ack.nodeId}, not ${node.name}`);
      clients.push(client);
    }
  }
  // A room's SSUBSCRIBE starts asynchronously after the join: count from a live fleet on.
  await resumeAfter(clients, rooms, "warm-up", 10_000);
  return clients;
}

/** Sends `room-message` `{ run, seq }` to `room` from `sender`. */
export function sendRoom(sender: RoomClient, run: string, seq: number): void {
  sender.socket.emit(ROOM_EVENTS.message, { room: sender.room, payload: { run, seq } });
}

/** Deliveries of `run` problems: every client of its room must have each seq exactly once. */
export function exactProblems(
  clients: RoomClient[],
  run: string,
  sent: Map<string, number[]>,
): string[] {
  const problems: string[] = [];
  for (const c of clients) {
    const seen = c.seen.get(run) ?? new Map<number, number>();
    const expected = sent.get(c.room) ?? [];
    const missing = expected.filter((s) => (seen.get(s) ?? 0) === 0);
    const duplicated = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
    const stray = [...seen.keys()].filter((s) => !expected.includes(s));
    if (missing.length + duplicated.length + stray.length > 0) {
      problems.push(
        `${c.room} on ${c.node}: missing ${missing.length} [${missing.slice(0, 5)}], ` +
          `duplicated [${duplicated.slice(0, 5)}], unexpected [${stray.slice(0, 5)}]`,
      );
    }
  }
  return problems;
}

/** Every duplicate delivery of any run (there must never be one). */
export function duplicates(clients: RoomClient[]): string[] {
  return clients.flatMap((c) =>
    [...c.seen].flatMap(([run, seen]) =>
      [...seen]
        .filter(([, n]) => n > 1)
        .map(([seq, n]) => `${c.room}@${c.node} ${run}#${seq}×${n}`),
    ),
  );
}

/**
 * Sends `perRoom` messages of `run` to every room (one sender per room, on rotating nodes),
 * `intervalMs` apart, then waits (bounded) until every client has them all and a settle period
 * has passed, so a late duplicate still shows. Returns the problems (empty: exactly once).
 */
export async function exactRound(
  clients: RoomClient[],
  run: string,
  perRoom: number,
  intervalMs = 5,
  timeoutMs = 10_000,
): Promise<string[]> {
  const rooms = [...new Set(clients.map((c) => c.room))];
  const sent = new Map<string, number[]>(rooms.map((r) => [r, []]));
  for (let seq = 0; seq < perRoom; seq++) {
    for (const room of rooms) {
      const members = clients.filter((c) => c.room === room);
      sendRoom(members[seq % members.length], run, seq);
      sent.get(room)!.push(seq);
    }
    await sleep(intervalMs);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && exactProblems(clients, run, sent).length > 0) await sleep(100);
  await sleep(500);
  return exactProblems(clients, run, sent);
}

/**
 * Probes `rooms` (a fresh sequence number every `intervalMs`) until one probe reached every
 * member of every room: how long broadcasts on those rooms took to resume. Rejects after
 * `timeoutMs`.
 */
export async function resumeAfter(
  clients: RoomClient[],
  rooms: string[],
  run: string,
  timeoutMs: number,
  intervalMs = 200,
): Promise<number> {
  const started = Date.now();
  for (let seq = 0; Date.now() - started < timeoutMs; seq++) {
    for (const room of rooms)
      sendRoom(
        clients.find((c) => c.room === room)!,
        run,
        seq,
      );
    await sleep(intervalMs);
    // Any earlier probe that reached every member counts (deliveries may arrive late).
    const members = clients.filter((c) => rooms.includes(c.room));
    for (let s = 0; s <= seq; s++) {
      if (members.every((c) => (c.seen.get(run)?.get(s) ?? 0) > 0)) return Date.now() - started;
    }
  }
  throw new Error(`broadcasts on ${rooms.join(", ")} did not resume within ${timeoutMs} ms`);
}
