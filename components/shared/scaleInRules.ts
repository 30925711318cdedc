/**
 * How fast a fleet may scale in without a reconnect storm, from a node's capacity and the way
 * the app drains (`app/src/shutdown.ts`); the local engine's autoscaler (`app/local/autoscaler.ts`)
 * and the cloud targets' scale-in controls read the same numbers.
 *
 * A node chosen for removal drains: `/readyz` turns 503 and new sessions get 503 at once, after
 * `DRAIN_GRACE_MS` (2 s) its clients' connections are closed in at most `DRAIN_BATCHES` (40)
 * batches of at least `MIN_DRAIN_BATCH` (50), one batch every `DRAIN_BATCH_INTERVAL_MS` (250 ms);
 * every closed client reconnects to a survivor. For a node holding C clients:
 *
 * - batch = max(50, ⌈C ÷ 40⌉), batches = ⌈C ÷ batch⌉,
 *   drain = grace + (batches − 1) × 0.25 s (≤ 2 + 9.75 s), peak = batch × 4 reconnects/s;
 * - the next removal waits until the survivors hold the moved clients and the autoscaler has
 *   seen them: `SCALE_IN_SETTLE_SECONDS` (two 15 s scrapes);
 * - the survivors accept `SURVIVOR_HANDSHAKES_PER_SECOND` new sessions per second each (the
 *   slowest rate `npm run bench -- --capacity` measured), so moving C clients to S survivors takes at
 *   least C ÷ (S × rate) s.
 *
 * removal period = ⌈max(drain + settle, C ÷ (S × rate))⌉ s, one node per period: clients moved
 * per minute = C × 60 ÷ period ≤ what the survivors accept per minute (S × rate × 60). For the
 * default 512 MiB node (C = 9,800) with one survivor: drain 11.75 s, period 49 s, 1.2 nodes and
 * 12,000 clients per minute, against 12,000 accepted; 1 GiB (C = 22,900): period 115 s.
 */

/** Pause between turning not-ready and closing the first batch (`DRAIN_GRACE_MS`), ms. */
export const DRAIN_GRACE_MS = 2000;
/** A full node drains in about this many batches. */
export const DRAIN_BATCHES = 40;
/** The smallest batch. */
export const MIN_DRAIN_BATCH = 50;
/** Pause between two batches, ms. */
export const DRAIN_BATCH_INTERVAL_MS = 250;
/** Time for the survivors to absorb one drain and the autoscaler to see it: two 15 s scrapes. */
export const SCALE_IN_SETTLE_SECONDS = 30;
/**
 * New sessions (websocket handshake and first event) a survivor node accepts per second while it
 * holds its own clients: the slowest step of `npm run bench -- --capacity` (208/s filling one
 * node from 0 to 9,800 clients; 208–353/s over the steps, load generator on the same 2 shared
 * cores, so a lower bound; BENCHMARKS.md, "Capacity of one node").
 */
export const SURVIVOR_HANDSHAKES_PER_SECOND = 200;

/** The batch size the app's drain uses for `clients` clients. */
export function drainBatchSize(clients: number): number {
  return Math.max(MIN_DRAIN_BATCH, Math.ceil(clients / DRAIN_BATCHES));
}

export interface ScaleInBoundOptions {
  /** Nodes left after the removal (the fewest: the autoscaling minimum). Default 1. */
  survivors?: number;
  /** The nodes' drain grace, ms. Default `DRAIN_GRACE_MS`. */
  drainGraceMs?: number;
  /** Default `SCALE_IN_SETTLE_SECONDS`. */
  settleSeconds?: number;
  /** Default `SURVIVOR_HANDSHAKES_PER_SECOND`. */
  handshakesPerSecond?: number;
}

export interface ScaleInBound {
  /** Clients of the removed node (its capacity: the worst case). */
  clients: number;
  batchSize: number;
  batches: number;
  /** From SIGTERM to the last batch closed, s. */
  drainSeconds: number;
  /** Reconnects per second while the batches close. */
  peakReconnectsPerSecond: number;
  /** The least time between two removals, s (whole seconds). */
  removalPeriodSeconds: number;
  nodesPerMinute: number;
  clientsMovedPerMinute: number;
  /** What the survivors accept per minute; `clientsMovedPerMinute` stays at or below it. */
  survivorsAcceptPerMinute: number;
}

/** The scale-in bound for nodes of `connectionsPerNode` (see the derivation above). */
export function scaleInBound(
  connectionsPerNode: number,
  options: ScaleInBoundOptions = {},
): ScaleInBound {
  const survivors = Math.max(1, options.survivors ?? 1);
  const rate = options.handshakesPerSecond ?? SURVIVOR_HANDSHAKES_PER_SECOND;
  const clients = connectionsPerNode;
  const batchSize = drainBatchSize(clients);
  const batches = Math.max(1, Math.ceil(clients / batchSize));
  const drainSeconds =
    (options.drainGraceMs ?? DRAIN_GRACE_MS) / 1000 +
    ((batches - 1) * DRAIN_BATCH_INTERVAL_MS) / 1000;
  const settle = options.settleSeconds ?? SCALE_IN_SETTLE_SECONDS;
  const removalPeriodSeconds = Math.ceil(
    Math.max(drainSeconds + settle, clients / (survivors * rate)),
  );
  const nodesPerMinute = 60 / removalPeriodSeconds;
  return {
    clients,
    batchSize,
    batches,
    drainSeconds,
    peakReconnectsPerSecond: (Math.min(batchSize, clients) * 1000) / DRAIN_BATCH_INTERVAL_MS,
    removalPeriodSeconds,
    nodesPerMinute,
    clientsMovedPerMinute: Math.ceil(clients * nodesPerMinute),
    survivorsAcceptPerMinute: survivors * rate * 60,
  };
}
