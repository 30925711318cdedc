/**
 * A cap on what ioredis keeps in memory while Redis is unreachable.
 *
 * With `maxRetriesPerRequest: null` (so that no adapter command ever fails with an unhandled
 * rejection), ioredis queues every command issued while disconnected in its offline queue and
 * sends them when the connection is back. Unbounded, that queue grows by one entry per broadcast
 * for as long as the outage lasts. `boundOfflineQueue` refuses a command once `max` commands are
 * queued: the command fails at once (its promise rejects with `OfflineQueueFullError`, already
 * marked handled, so an adapter that ignores the result cannot crash the process) and `onDrop`
 * counts it.
 *
 * - `@socket.io/redis-streams-adapter` awaits its XADD before delivering a broadcast locally: a
 *   queued XADD is sent when Redis returns (remote clients then read it from the stream, local
 *   ones get it when it completes); a refused one is delivered to local clients only.
 * - `@socket.io/redis-adapter` (pub/sub) is given `max: 0`: Redis pub/sub delivers a message only
 *   to the subscribers connected at that moment, so PUBLISHes replayed after an outage would reach
 *   whichever nodes happened to have resubscribed first. Refusing them while down keeps the
 *   semantics simple: local clients get the broadcast, remote ones do not.
 *
 * Memory while down is at most `max` queued commands plus the commands of the connection
 * handshake. Each queued broadcast costs about 2.4 KB of heap beyond its message for a
 * 150-byte chat message (measured by `test/unit/app/offlineQueue.test.ts`): the 10,000 that
 * `redis-streams` queues are about 25 MB, however long the outage lasts.
 */
import type { Redis } from "ioredis";

export class OfflineQueueFullError extends Error {
  constructor(max: number) {
    super(`Redis is unreachable and ${max} commands are already queued: command dropped`);
    this.name = "OfflineQueueFullError";
  }
}

/** What ioredis passes to `sendCommand` (the parts used here). */
interface QueuedCommand {
  reject(err: Error): void;
  promise: Promise<unknown>;
}

interface RedisInternals {
  status: string;
  offlineQueue: { length: number };
  sendCommand(command: QueuedCommand, stream?: unknown): unknown;
}

/**
 * Caps `client`'s offline queue at `max` commands; `onDrop` is called for each refused one.
 * Commands issued while the connection is `ready` or completing its handshake (`connect`) pass
 * through untouched.
 */
export function boundOfflineQueue(client: Redis, max: number, onDrop: () => void): void {
  const internals = client as unknown as RedisInternals;
  const send = internals.sendCommand.bind(client);
  internals.sendCommand = (command: QueuedCommand, stream?: unknown) => {
    if (internals.status !== "ready" && internals.status !== "connect") {
      // Queued or refused: either way it may fail later (or now), and the adapters do not
      // always handle that. Marking the promise handled leaves the caller's handlers intact.
      command.promise.catch(() => undefined);
      if (internals.status !== "end" && internals.offlineQueue.length >= max) {
        command.reject(new OfflineQueueFullError(max));
        onDrop();
        return command.promise;
      }
    }
    return send(command, stream);
  };
}
