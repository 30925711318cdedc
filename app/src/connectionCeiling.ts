/**
 * The node's hard ceiling of connected clients (`MAX_CONNECTIONS`, the spec's
 * `maxConnectionsPerNode`): once `io.engine.clientsCount` reaches it, a new session's handshake
 * (an Engine.IO request without `sid`, polling or websocket) gets 503 with `Retry-After` from the
 * gate (`gate.ts`), so a balancer retries it on another node (HAProxy: `retry-on 503` with
 * `option redispatch`) or the client retries later, instead of this node running out of memory.
 * Requests of existing sessions are never refused.
 *
 * The count is Engine.IO's open sessions: handshakes admitted at the same moment are counted
 * only once opened, so a burst can overshoot the ceiling by the handshakes in flight (a few).
 * The ceiling is the last guard; the capacity (`connectionsPerNode`, below it) is what
 * autoscaling aims at.
 */
import type { Server } from "socket.io";

/** Whether `io` is at its ceiling; always false without one. */
export function connectionCeiling(io: Server, max: number | undefined): () => boolean {
  if (max === undefined) return () => false;
  return () => io.engine.clientsCount >= max;
}
