/**
 * A PING on a Redis connection every `intervalMs` while it is ready, so that a connection with
 * nothing else to wait for (a pub/sub subscriber, an idle publisher) still expects a reply:
 * ioredis's `socketTimeout` then destroys and reconnects a connection whose PONG does not
 * arrive in time (see `redisOptions.ts`). PING is valid in subscribe mode (ioredis
 * `VALID_IN_SUBSCRIBER_MODE`). At most one PING is outstanding per connection; none is sent
 * while the connection is not ready, so pings never sit in the offline queue.
 *
 * Each PONG's round trip (from the call to the reply, so it includes ioredis's own queueing on
 * that connection) is passed to `onRoundTrip` in seconds (`socketio_redis_roundtrip_seconds`);
 * a PING that fails or never returns has no round trip and is not reported.
 */
import type { Redis } from "ioredis";

/** Receives the round trip of one PING, in seconds. */
export type RoundTripObserver = (seconds: number) => void;

/** One PING on `client`, its round trip reported on success. */
function timedPing(client: Redis, onRoundTrip: RoundTripObserver | undefined): Promise<unknown> {
  const start = process.hrtime.bigint();
  return client.ping().then(() => {
    onRoundTrip?.(Number(process.hrtime.bigint() - start) / 1e9);
  });
}

/** Starts pinging `client`; returns a function that stops. */
export function pingEvery(
  client: Redis,
  intervalMs: number,
  onRoundTrip?: RoundTripObserver,
): () => void {
  let outstanding = false;
  const timer = setInterval(() => {
    if (outstanding || client.status !== "ready") return;
    outstanding = true;
    timedPing(client, onRoundTrip)
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
export function pingAllEvery(
  connections: () => Redis[],
  intervalMs: number,
  onRoundTrip?: RoundTripObserver,
): () => void {
  const outstanding = new WeakSet<Redis>();
  const timer = setInterval(() => {
    for (const client of connections()) {
      if (outstanding.has(client) || client.status !== "ready") continue;
      outstanding.add(client);
      timedPing(client, onRoundTrip)
        .catch(() => undefined) // the cluster's own error/close handlers report it
        .finally(() => outstanding.delete(client));
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A primary demoted under a connected client (a managed Redis failing over: the replica is
 * promoted, the old primary becomes its replica, and the endpoint's DNS name moves to the new
 * one) keeps the client's connection open and still takes PUBLISH/SPUBLISH (not write commands),
 * but delivers them only to its own subscribers: a publisher left there silently stops reaching
 * nodes that reconnected to the new primary. Every `intervalMs` and at each `ready`, `ROLE` on
 * `client`; when the server answers that it is a replica, `onReplica` is called (the caller
 * reconnects, through the endpoint, to the new primary). A refused `ROLE` (an ACL without it)
 * turns the check off; a failed one is the connection's own error handlers' business.
 * Write commands that reach a replica fail with READONLY, and `reconnectOnError`
 * (`redisOptions.ts`) reconnects then too.
 */
export function watchPrimary(client: Redis, intervalMs: number, onReplica: () => void): () => void {
  let outstanding = false;
  let refused = false;
  const check = () => {
    if (outstanding || refused || client.status !== "ready") return;
    outstanding = true;
    client
      .role()
      .then((role) => {
        if (Array.isArray(role) && role[0] === "slave") onReplica();
      })
      .catch((err: Error) => {
        if (/NOPERM|unknown command/i.test(err.message)) refused = true;
      })
      .finally(() => (outstanding = false));
  };
  client.on("ready", check);
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    client.off("ready", check);
  };
}
