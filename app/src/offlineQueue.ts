/**
 * A cap on what ioredis keeps in memory while Redis is unreachable or frozen.
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
 * The same holds for commands already written and awaiting their reply (ioredis's
 * `commandQueue`): a frozen or partitioned Redis keeps the connection "ready" until it is detected
 * (up to 15 s, `redisOptions.ts`), and every broadcast meanwhile adds one. Past `maxInFlight`
 * (`REDIS_IN_FLIGHT_MAX`) a command is refused the same way. While the connection completes its
 * handshake (`connect`, which a frozen Redis can hold for the socket timeout), only the handshake
 * commands pass unbounded.
 *
 * Commands of a pipeline are never refused: refusing one would leave the rest of its batch
 * unwritten for ever (ioredis writes a pipeline once every command has reached `sendCommand`).
 * The one pipeline user, `recoverySessions.ts`, writes only while the connection is ready, once
 * per refresh interval.
 *
 * Memory while down is at most `max` queued plus `maxInFlight` pending commands. Each queued broadcast costs about 2.4 KB of heap beyond its message for a
 * 150-byte chat message (measured by `test/unit/app/offlineQueue.test.ts`): the 10,000 that
 * `redis-streams` queues are about 25 MB, however long the outage lasts.
 */
import { type Cluster, Command, type Redis } from "ioredis";

/** Commands awaiting their reply on a ready connection, at most (as many as the stream keeps). */
export const REDIS_IN_FLIGHT_MAX = 10_000;

export class OfflineQueueFullError extends Error {
  constructor(max: number) {
    super(`Redis is unreachable and ${max} commands are already queued: command dropped`);
    this.name = "OfflineQueueFullError";
  }
}

export class InFlightQueueFullError extends Error {
  constructor(max: number) {
    super(`Redis has not answered ${max} commands: command dropped`);
    this.name = "InFlightQueueFullError";
  }
}

/** What ioredis passes to `sendCommand` (the parts used here). */
interface QueuedCommand {
  name: string;
  reject(err: Error): void;
  promise: Promise<unknown>;
}

interface RedisInternals {
  status: string;
  offlineQueue: { length: number };
  commandQueue: { length: number };
  sendCommand(command: QueuedCommand, stream?: unknown): unknown;
}

/**
 * Caps `client`'s offline queue at `max` commands and its commands awaiting a reply at
 * `maxInFlight`; `onDrop` is called for each refused one. Handshake commands (AUTH, INFO, …)
 * issued while the connection is completing its handshake pass through untouched.
 */
export function boundOfflineQueue(
  client: Redis,
  max: number,
  onDrop: () => void,
  maxInFlight = REDIS_IN_FLIGHT_MAX,
): void {
  const internals = client as unknown as RedisInternals;
  const send = internals.sendCommand.bind(client);
  const refuse = (command: QueuedCommand, err: Error) => {
    command.reject(err);
    onDrop();
    return command.promise;
  };
  internals.sendCommand = (command: QueuedCommand, stream?: unknown) => {
    // Queued, timed out (`commandTimeout`) or refused: it may fail later or now, and the adapters
    // do not always handle that. Marking the promise handled leaves the caller's handlers intact.
    command.promise.catch(() => undefined);
    const { status } = internals;
    if (stream !== undefined) {
      // Part of a pipeline (see above): bounded by its caller.
    } else if (status === "ready") {
      if (internals.commandQueue.length >= maxInFlight) {
        return refuse(command, new InFlightQueueFullError(maxInFlight));
      }
    } else if (status === "connect" && Command.checkFlag("HANDSHAKE_COMMANDS", command.name)) {
      // The connection's own handshake: never refused.
    } else if (status !== "end" && internals.offlineQueue.length >= max) {
      return refuse(command, new OfflineQueueFullError(max));
    }
    return send(command, stream);
  };
}

interface ClusterInternals {
  status: string;
  offlineQueue: { length: number };
  sendCommand(command: QueuedCommand, stream?: unknown, node?: unknown): unknown;
}

/**
 * `boundOfflineQueue` for an ioredis `Cluster`: the cluster's own offline queue (commands issued
 * while it is not ready: connecting, or reconnecting after losing every node) is capped at `max`,
 * and each node connection it opens is bounded like a standalone one (its offline queue, which
 * only fills while that connection completes its first connect, at `maxInFlight`; its commands
 * awaiting a reply at `maxInFlight`). The cluster's own `CLUSTER` commands (ready check, slots)
 * and pipelines pass.
 */
export function boundClusterQueues(
  cluster: Cluster,
  max: number,
  onDrop: () => void,
  maxInFlight = REDIS_IN_FLIGHT_MAX,
): void {
  const internals = cluster as unknown as ClusterInternals;
  const send = internals.sendCommand.bind(cluster);
  internals.sendCommand = (command: QueuedCommand, stream?: unknown, node?: unknown) => {
    command.promise.catch(() => undefined);
    if (
      stream === undefined &&
      command.name !== "cluster" &&
      internals.status !== "ready" &&
      internals.status !== "end" &&
      internals.offlineQueue.length >= max
    ) {
      command.reject(new OfflineQueueFullError(max));
      onDrop();
      return command.promise;
    }
    return send(command, stream, node);
  };
  cluster.on("+node", (redis: Redis) => boundOfflineQueue(redis, maxInFlight, onDrop, maxInFlight));
}
