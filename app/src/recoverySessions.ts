/**
 * Zero-loss recovery across a node crash, for the `redis-streams` adapter.
 *
 * Socket.IO saves a client's recovery session (`sio:session:<pid>`: its id, rooms and data) only
 * when the node sees the client go (`persistSession` at a recoverable disconnect). A node that is
 * SIGKILLed, OOM-killed or loses its host saves nothing, so its clients reconnect elsewhere with
 * nothing to recover. `keepRecoverySessions` keeps every connected client's session in Redis
 * all along, written through the adapter's own `persistSession` (same key, encoding and TTL):
 *
 * - at connect (also after a recovery, which consumed the key), and when the socket joins or
 *   leaves a room, batched per event-loop turn;
 * - refreshed every `refreshIntervalMs` for every connected socket (its rooms and `socket.data`
 *   as they are then), in one pipeline per namespace per interval, and rewritten entirely
 *   whenever the Redis connection becomes ready again (a Redis restart without persistence
 *   loses the keys);
 * - deleted when the client disconnects on purpose (`socket.disconnect()` on either side: such a
 *   client starts a new session, as Socket.IO intends); a recoverable disconnect leaves it to
 *   Socket.IO, which writes it once more with a fresh TTL.
 *
 * The bound. A client whose node dies recovers every broadcast it missed, in order and without
 * duplicates (`socket.recovered === true`; the replay itself is `recoveryReplay.ts`), when all
 * of these hold:
 * 1. it reconnects within `maxDisconnectionDuration − refreshIntervalMs` of the crash (120 s −
 *    15 s = 105 s by default): the key was last written at most one interval before the crash
 *    and expires `maxDisconnectionDuration` after that write;
 * 2. the stream still holds the offset of the last broadcast it received: the stream keeps at
 *    least `STREAM_MAX_LEN` (10,000) entries of the namespace's stream, i.e. 10000 / r seconds
 *    at r broadcasts per second fleet-wide (100/s → 100 s, 1,000/s → 10 s);
 * 3. it had received at least one broadcast on this connection (the client sends the offset of
 *    the last one; without it Socket.IO does not try to recover);
 * 4. Redis kept its data (a restart without persistence empties the stream and the keys).
 * What is recovered is what Socket.IO stores: broadcasts (`io.emit`, `io.to(room).emit`) without
 * acknowledgement and not volatile; a direct `socket.emit` to the lost connection is not.
 */
import type { ChainableCommander, Redis } from "ioredis";
import type { Namespace, Server, Socket } from "socket.io";
import type { Logger } from "./logger";

/** Socket.IO's session record, as `persistSession` takes it. */
type Session = Parameters<Namespace["adapter"]["persistSession"]>[0];

/** @default 15 s: well inside the 2-minute `maxDisconnectionDuration`. */
export const DEFAULT_SESSION_REFRESH_MS = 15_000;

/** The adapter's key prefix (passed to it explicitly, so the two cannot differ). */
export const SESSION_KEY_PREFIX = "sio:session:";

/** Why a socket left, when the client will not try to recover (Socket.IO's reasons). */
const DELIBERATE_DISCONNECTS = new Set([
  "client namespace disconnect",
  "server namespace disconnect",
]);

export interface RecoverySessionsOptions {
  /** How often every connected socket's session is written again. @default 15000 */
  refreshIntervalMs?: number;
}

export interface RecoverySessions {
  /** Connected sockets whose sessions are kept. */
  readonly size: number;
  /** Writes every connected socket's session now. */
  refresh(): Promise<void>;
  /** Stops refreshing (keys already written expire on their own). */
  close(): void;
}

export function keepRecoverySessions(
  io: Server,
  client: Redis,
  logger: Logger,
  { refreshIntervalMs = DEFAULT_SESSION_REFRESH_MS }: RecoverySessionsOptions = {},
): RecoverySessions {
  const live = new Set<Socket>();
  const dirty = new Set<Socket>();
  let pending: NodeJS.Immediate | undefined;
  let warned = false;

  const write = async (sockets: Iterable<Socket>): Promise<void> => {
    const byNamespace = new Map<Namespace, Socket[]>();
    for (const socket of sockets) {
      if (!socket.connected || !live.has(socket)) continue;
      byNamespace.set(socket.nsp, [...(byNamespace.get(socket.nsp) ?? []), socket]);
    }
    // While Redis is down nothing is queued: the "ready" handler rewrites everything.
    if (byNamespace.size === 0 || client.status !== "ready") return;
    await Promise.all(
      [...byNamespace].map(async ([nsp, group]) => {
        const pipeline = client.pipeline();
        const diverted = divertSets(client, pipeline, () => {
          for (const socket of group) persist(nsp, socket);
        });
        if (diverted !== group.length && !warned) {
          warned = true; // the sessions were still written, one command each
          logger.warn({ diverted, sockets: group.length }, "session writes were not batched");
        }
        if (pipeline.length === 0) return;
        const results = (await pipeline.exec()) ?? [];
        const failed = results.filter(([err]) => err !== null).length;
        if (failed > 0) logger.warn({ failed }, "recovery session writes failed");
      }),
    ).catch((err: Error) => logger.warn({ err: err.message }, "recovery session writes failed"));
  };

  const persist = (nsp: Namespace, socket: Socket) => {
    const session = sessionOf(socket);
    if (session === undefined) return;
    try {
      nsp.adapter.persistSession(session);
    } catch (err) {
      logger.warn({ err: (err as Error).message, sid: socket.id }, "cannot store session");
    }
  };

  const schedule = (socket: Socket) => {
    dirty.add(socket);
    pending ??= setImmediate(() => {
      pending = undefined;
      const batch = [...dirty];
      dirty.clear();
      void write(batch);
    });
  };

  const attach = (nsp: Namespace) => {
    nsp.on("connection", (socket: Socket) => {
      live.add(socket);
      schedule(socket);
      socket.once("disconnect", (reason: string) => {
        live.delete(socket);
        dirty.delete(socket);
        const pid = sessionOf(socket)?.pid;
        if (pid !== undefined && DELIBERATE_DISCONNECTS.has(reason)) {
          client.del(SESSION_KEY_PREFIX + pid).catch(() => undefined);
        }
      });
    });
    const onRoomChange = (_room: unknown, id: string) => {
      const socket = nsp.sockets.get(id);
      if (socket && live.has(socket)) schedule(socket);
    };
    nsp.adapter.on("join-room", onRoomChange);
    nsp.adapter.on("leave-room", onRoomChange);
  };

  attach(io.of("/"));
  io.on("new_namespace", attach);
  const refresh = () => write(live);
  const onReady = () => void refresh();
  client.on("ready", onReady);
  const timer = setInterval(onReady, refreshIntervalMs);
  timer.unref();

  return {
    get size() {
      return live.size;
    },
    refresh,
    close() {
      clearInterval(timer);
      if (pending) clearImmediate(pending);
      client.off("ready", onReady);
      live.clear();
      dirty.clear();
    },
  };
}

/** `socket.pid` is private in Socket.IO's types; it exists when recovery is enabled. */
function sessionOf(socket: Socket): Session | undefined {
  const pid = (socket as unknown as { pid?: unknown }).pid;
  if (typeof pid !== "string") return undefined;
  return { sid: socket.id, pid, rooms: [...socket.rooms], data: socket.data as unknown };
}

/**
 * Runs `run` with `client.set` diverted into `pipeline`, so the adapter's `persistSession`
 * (which issues one SET, encoded its own way) lands in one pipeline for many sockets. Returns
 * how many SETs were diverted.
 */
function divertSets(client: Redis, pipeline: ChainableCommander, run: () => void): number {
  let diverted = 0;
  const target = client as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(target, "set");
  const set = pipeline.set.bind(pipeline) as (...args: unknown[]) => unknown;
  Object.defineProperty(target, "set", {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      diverted += 1;
      set(...args);
      return Promise.resolve("OK");
    },
  });
  try {
    run();
  } finally {
    if (own) Object.defineProperty(target, "set", own);
    else delete target.set;
  }
  return diverted;
}
