/**
 * Inter-node adapter messages, counted where they meet Redis (`socketio_adapter_messages_*`),
 * the same way for every adapter the app runs:
 *
 * - published: each PUBLISH (`redis`; `redis-streams` acknowledged broadcasts, fetchSockets,
 *   serverSideEmit and responses), SPUBLISH (`redis-sharded`, standalone or cluster) or XADD
 *   (`redis-streams` broadcasts) the publisher connection sends and Redis answers. A command
 *   refused while Redis is unreachable is not published: `socketio_redis_commands_dropped_total`
 *   counts it.
 * - received: each message a subscriber connection gets (ioredis `messageBuffer`,
 *   `pmessageBuffer`, `smessageBuffer`; a `Cluster` forwards its sharded subscribers' messages as
 *   its own `smessageBuffer`), and each stream entry the `redis-streams` reader's XREAD returns.
 *   Redis hands a node its own messages back (its subscriber listens on the channels it publishes
 *   to; its reader reads the whole stream), and they are counted: across the fleet, received is
 *   about published × nodes for broadcasts.
 *
 * Cost per message: one extra `then` on a publish, one listener call or one addition per read.
 * Only the `*Buffer` events are listened to: ioredis converts a message to a string only when the
 * string event has listeners (`DataHandler.js`, ioredis 5.11.1).
 */
import type { Cluster, Redis } from "ioredis";
import type { RedisRole } from "./adapter";

/** Where the counts go. */
export interface AdapterTraffic {
  /** One message written to Redis. */
  published(): void;
  /** `count` messages read from Redis. */
  received(count: number): void;
}

/** The commands the adapters publish with (names of ioredis methods). */
const PUBLISH_COMMANDS = ["publish", "spublish", "xadd"] as const;

/** The events of a subscribed ioredis connection (or `Cluster`) that carry one message each. */
const MESSAGE_EVENTS = ["messageBuffer", "pmessageBuffer", "smessageBuffer"] as const;

type Command = (...args: unknown[]) => Promise<unknown>;

/** Counts what `client` publishes or receives, by what its `role` does. */
export function countAdapterTraffic(
  client: Redis | Cluster,
  role: RedisRole,
  traffic: AdapterTraffic,
): void {
  if (role === "publisher") {
    for (const name of PUBLISH_COMMANDS) onReply(client, name, () => traffic.published());
  } else if (role === "stream-reader") {
    onReply(client, "xread", (reply) => {
      const entries = streamEntries(reply);
      if (entries > 0) traffic.received(entries);
    });
  } else {
    for (const event of MESSAGE_EVENTS) client.on(event, () => traffic.received(1));
  }
}

/** Wraps the instance's command method `name`: `then` runs on each successful reply. */
function onReply(client: Redis | Cluster, name: string, then: (reply: unknown) => void): void {
  const commands = client as unknown as Record<string, Command>;
  const original = commands[name];
  commands[name] = function (this: unknown, ...args: unknown[]) {
    const reply = original.apply(this, args);
    reply.then(then, () => undefined); // the caller handles failures
    return reply;
  };
}

/** Entries in an ioredis XREAD reply: `[[stream, [[id, fields], …]], …]`, or null on timeout. */
export function streamEntries(reply: unknown): number {
  if (!Array.isArray(reply)) return 0;
  let count = 0;
  for (const stream of reply as unknown[]) {
    const entries = Array.isArray(stream) ? (stream as unknown[])[1] : undefined;
    if (Array.isArray(entries)) count += entries.length;
  }
  return count;
}
