/**
 * A PING on a Redis connection every `intervalMs` while it is ready, so that a connection with
 * nothing else to wait for (a pub/sub subscriber, an idle publisher) still expects a reply:
 * ioredis's `socketTimeout` then destroys and reconnects a connection whose PONG does not
 * arrive in time (see `redisOptions.ts`). PING is valid in subscribe mode (ioredis
 * `VALID_IN_SUBSCRIBER_MODE`). At most one PING is outstanding per connection; none is sent
 * while the connection is not ready, so pings never sit in the offline queue.
 */
import type { Redis } from "ioredis";

/** Starts pinging `client`; returns a function that stops. */
export function pingEvery(client: Redis, intervalMs: number): () => void {
  let outstanding = false;
  const timer = setInterval(() => {
    if (outstanding || client.status !== "ready") return;
    outstanding = true;
    client
      .ping()
      .catch(() => undefined) // the connection's own error/close handlers report it
      .finally(() => (outstanding = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The same for a changing set of connections (an ioredis `Cluster`'s node connections and
 * sharded subscribers, which come and go with the topology): every `intervalMs`, a PING on each
 * connection `connections()` returns that is ready and has none outstanding.
 */
export function pingAllEvery(connections: () => Redis[], intervalMs: number): () => void {
  const outstanding = new WeakSet<Redis>();
  const timer = setInterval(() => {
    for (const client of connections()) {
      if (outstanding.has(client) || client.status !== "ready") continue;
      outstanding.add(client);
      client
        .ping()
        .catch(() => undefined) // the cluster's own error/close handlers report it
        .finally(() => outstanding.delete(client));
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
