/**
 * In-order, exactly-once replay for recovered sessions (`redis-streams`).
 *
 * `@socket.io/redis-streams-adapter` restores a session by reading the stream from the client's
 * offset (XRANGE), then Socket.IO creates the socket and, a tick later, makes it reachable by
 * broadcasts. The node's stream reader (XREAD, another connection) delivers live broadcasts
 * meanwhile, unsynchronised with that read: a broadcast added just before the XRANGE can also
 * arrive live once the socket is reachable (a duplicate), and one added just after it can be
 * delivered live before the socket is reachable (lost). With many clients recovering at once
 * under a steady stream of broadcasts, both happen.
 *
 * `replayRecoveredInOrder` keeps upstream's restore (session lookup, rooms, data, `recovered`)
 * but does the replay itself, once the socket is reachable: it holds everything written to the
 * socket's connection, reads the stream from the client's offset, writes the entries the socket
 * should get (its namespace, rooms and exceptions, as upstream filters them), then releases what
 * it held minus the broadcasts whose offset it already replayed (and, for 5 s more, drops those
 * the reader delivers late). Every broadcast from the client's offset on arrives once, in stream
 * order. (An event whose last argument merely looks like a stream offset, `<ms>-<seq>`, sent
 * to the socket directly within those 5 s, would be taken for a replayed broadcast.)
 */
import type { Redis } from "ioredis";
import type { Namespace, Server, Socket } from "socket.io";
import type { Logger } from "./logger";

/** The adapter's stream (`streamName` with `streamCount` 1, its defaults). */
export const STREAM_NAME = "socket.io";

interface StreamsAdapter {
  restoreSession(pid: string, offset: string): Promise<RestoredSession | undefined | null>;
  constructor: { decode(raw: Record<string, string>): DecodedMessage };
}

interface RestoredSession {
  sid: string;
  missedPackets: unknown[][];
}

interface DecodedMessage {
  nsp: string;
  type: number;
  data: {
    packet: { data: unknown[] };
    opts: { rooms: string[]; except: string[] };
  };
}

type WriteToEngine = (packets: unknown, opts: unknown) => void;

/** How long after a replay broadcasts it already wrote are still dropped. */
const READER_LAG_WINDOW_MS = 5000;

export function replayRecoveredInOrder(io: Server, client: Redis, logger: Logger): void {
  const attach = (nsp: Namespace) => {
    const adapter = nsp.adapter as unknown as StreamsAdapter;
    const restore = adapter.restoreSession.bind(adapter);
    const offsets = new Map<string, string>();
    adapter.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      if (session) {
        session.missedPackets = []; // replayed on connection instead, in step with live ones
        offsets.set(session.sid, offset);
        setTimeout(() => offsets.delete(session.sid), 30_000).unref();
      }
      return session;
    };
    nsp.on("connection", (socket: Socket) => {
      const offset = offsets.get(socket.id);
      offsets.delete(socket.id);
      if (offset === undefined || !socket.recovered) return;
      replay(socket, offset, adapter, client).catch((err: Error) =>
        logger.warn({ err: err.message, sid: socket.id }, "replay after recovery failed"),
      );
    });
  };
  attach(io.of("/"));
  io.on("new_namespace", attach);
}

async function replay(
  socket: Socket,
  offset: string,
  adapter: StreamsAdapter,
  redis: Redis,
): Promise<void> {
  const engineClient = socket.client as unknown as { writeToEngine: WriteToEngine };
  // Another namespace of the same connection is replaying: write through its hold, unordered.
  const nested = Object.prototype.hasOwnProperty.call(engineClient, "writeToEngine");
  const write = engineClient.writeToEngine.bind(engineClient);
  const held: [unknown, unknown][] = [];
  let passThrough = nested;
  if (!nested) {
    engineClient.writeToEngine = (packets, opts) => {
      if (passThrough) write(packets, opts);
      else held.push([packets, opts]);
    };
  }
  let last = offset;
  try {
    const entries = await redis.xrange(STREAM_NAME, `(${offset}`, "+");
    passThrough = true;
    for (const [id, fields] of entries) {
      const raw: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) raw[fields[i]] = fields[i + 1];
      if (raw.nsp !== socket.nsp.name || raw.type !== "3") continue; // 3: BROADCAST
      const { packet, opts } = adapter.constructor.decode(raw).data;
      if (!reaches(socket, opts)) continue;
      (socket as unknown as { packet(p: { type: number; data: unknown[] }): void }).packet({
        type: 2, // EVENT
        data: [...packet.data, id],
      });
      last = id;
    }
  } finally {
    // The node's stream reader may still be behind the XRANGE above: for a while, drop what
    // it delivers at or before the last replayed offset.
    if (!nested) {
      engineClient.writeToEngine = (packets, opts) => {
        if (!alreadyReplayed(packets, last)) write(packets, opts);
      };
      setTimeout(() => {
        delete (engineClient as Partial<typeof engineClient>).writeToEngine; // the prototype's
      }, READER_LAG_WINDOW_MS).unref();
    }
    for (const [packets, opts] of held) {
      if (!alreadyReplayed(packets, last)) write(packets, opts);
    }
  }
}

/** Upstream's rule (`shouldIncludePacket`) for a socket's rooms. */
function reaches(socket: Socket, opts: { rooms: string[]; except: string[] }): boolean {
  const rooms = [...socket.rooms];
  const included = opts.rooms.length === 0 || rooms.some((room) => opts.rooms.includes(room));
  return included && rooms.every((room) => !opts.except.includes(room));
}

/** An encoded EVENT broadcast whose stream offset (its last argument) is at most `last`. */
function alreadyReplayed(packets: unknown, last: string): boolean {
  const first = Array.isArray(packets) ? packets[0] : packets;
  if (typeof first !== "string" || !first.startsWith("2")) return false;
  const match = /,"(\d+-\d+)"\]$/.exec(first);
  return match !== null && compareOffsets(match[1], last) <= 0;
}

function compareOffsets(a: string, b: string): number {
  const [aMs, aSeq] = a.split("-").map(Number);
  const [bMs, bSeq] = b.split("-").map(Number);
  return aMs - bMs || aSeq - bSeq;
}
