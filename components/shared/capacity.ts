/**
 * A node's capacity in connections: what the "clients per node above capacity" alert, autoscaling
 * and the local proxies' `maxconn` read. Idle websockets cost memory and file descriptors, not CPU,
 * so the capacity follows the node's memory.
 *
 * The derivation, with the numbers it rests on:
 * - an idle Socket.IO websocket connection costs ≈ 12.6 KiB of V8 heap and ≈ 15.6 KiB of RSS
 *   on Node (`npm run bench -- --capacity`: one node filled from 0 to 9,800 clients, slope of
 *   memory over connections; BENCHMARKS.md); `CONNECTION_RSS_KIB` keeps 20 KiB, the earlier
 *   before/after figures of the main benchmark (20.5–32 KiB at 300–1,500 clients) and room for
 *   polling clients, which cost more;
 * - a node at rest (Node, socket.io, ioredis, prom-client) holds ≈ 75–100 MiB RSS (75 MiB in
 *   the capacity run), so `NODE_BASELINE_MIB` keeps 128 MiB aside;
 * - half of the rest is headroom: send buffers of a broadcast to slow clients, polling clients
 *   (heavier than websockets), the reconnect burst a lost node sends to the survivors, and GC.
 *
 * connectionsPerNode = floor((memoryMiB − 128) × 0.5 × 1024 KiB ÷ 20 KiB), rounded down to a
 * hundred: 512 MiB → 9,800; 1 GiB → 22,900; 2 GiB → 49,100.
 */

/** RSS of one idle connection, KiB (measured 15.6, kept at 20; see above). */
export const CONNECTION_RSS_KIB = 20;
/** Memory kept for the node itself, MiB. */
export const NODE_BASELINE_MIB = 128;
/** Share of the remaining memory that connections may use; the rest is headroom. */
export const CONNECTION_MEMORY_SHARE = 0.5;
/** The least memory a node can run with any connections at all. */
export const MIN_NODE_MEMORY_MIB = 256;

/** The default connections per node for a node with `memoryMiB` of memory (see the derivation). */
export function defaultConnectionsPerNode(memoryMiB: number): number {
  const usable = Math.max(0, memoryMiB - NODE_BASELINE_MIB) * CONNECTION_MEMORY_SHARE;
  const connections = Math.floor((usable * 1024) / CONNECTION_RSS_KIB);
  return Math.max(100, Math.floor(connections / 100) * 100);
}

/**
 * The most connections `memoryMiB` holds at all (every MiB above the baseline spent on
 * connections, no headroom): a configured capacity above it runs the node out of memory first.
 */
export function maxConnectionsForMemory(memoryMiB: number): number {
  return Math.floor((Math.max(0, memoryMiB - NODE_BASELINE_MIB) * 1024) / CONNECTION_RSS_KIB);
}

/** `connectionsPerNode` when the spec gives one, else the default for the node's memory. */
export function resolveConnectionsPerNode(
  configured: number | undefined,
  memoryMiB: number,
): number {
  return configured ?? defaultConnectionsPerNode(memoryMiB);
}

/**
 * Connections a proxy may hold open to one node per session: a polling session holds its
 * long-poll GET and sends a POST beside it, a websocket upgrades beside its last poll.
 */
export const PROXY_CONNECTIONS_PER_SESSION = 2;

/**
 * The proxy's connection limit per node (HAProxy `server … maxconn`) for nodes with a hard
 * ceiling of `maxConnectionsPerNode` sessions: enough for every session the node accepts
 * (`PROXY_CONNECTIONS_PER_SESSION` each), so the proxy never queues one of them; above it
 * requests wait in the proxy's queue (a new session goes to any node with room) instead of
 * reaching a node that would refuse them. Undefined without a ceiling: no limit per node.
 */
export function proxyServerMaxconn(maxConnectionsPerNode: number | undefined): number | undefined {
  return maxConnectionsPerNode === undefined
    ? undefined
    : maxConnectionsPerNode * PROXY_CONNECTIONS_PER_SESSION;
}
