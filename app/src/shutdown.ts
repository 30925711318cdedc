/**
 * Graceful shutdown. On SIGTERM a node: reports not-ready (`/readyz` → 503) and refuses new
 * sessions with 503, waits a grace period for load balancers to notice, closes its clients'
 * connections in batches (they reconnect, and the load balancer sends them to another node),
 * stops listening, closes Socket.IO and Redis, and exits, all within `APP_DRAIN_SECONDS` (25 s).
 *
 * Clients are dropped by closing their Engine.IO connection, not with `socket.disconnect()`:
 * clients treat "io server disconnect" as final and do not reconnect, while a closed transport
 * makes them reconnect on their own (and, with `redis-streams`, recover their session).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Server, Socket } from "socket.io";
import { AppEnvError } from "../../components/shared/appEnv";
import { APP_DRAIN_SECONDS } from "../../components/shared/defaults";
import {
  DRAIN_BATCH_INTERVAL_MS,
  DRAIN_GRACE_MS,
  drainBatchSize,
} from "../../components/shared/scaleInRules";
import type { Logger } from "./logger";

/**
 * Default pause between turning not-ready and closing clients. The drain's numbers live in
 * `components/shared/scaleInRules.ts`, which derives the scale-in bound from them.
 */
export const DEFAULT_DRAIN_GRACE_MS = DRAIN_GRACE_MS;

export interface DrainOptions {
  /**
   * How long a draining node keeps its clients after `/readyz` turns 503, so load balancers
   * take it out of rotation before the clients reconnect (skipped when no client is connected).
   * @default 2000 ms (`DRAIN_GRACE_MS` in `main.ts`)
   */
  graceMs?: number;
  /** Clients closed per batch. @default enough for the whole node in about 40 batches, ≥ 50 */
  batchSize?: number;
  /** Pause between batches. @default 250 ms (so 10 s at most for 40 batches) */
  batchIntervalMs?: number;
}

/** An Engine.IO connection (one per client, whatever namespaces it joined). */
export type ClientConnection = Socket["conn"];

/** The live set of `io`'s client connections. */
export function trackConnections(io: Server): ReadonlySet<ClientConnection> {
  const connections = new Set<ClientConnection>();
  io.engine.on("connection", (conn: ClientConnection) => {
    connections.add(conn);
    conn.once("close", () => connections.delete(conn));
  });
  return connections;
}

/** Closes the given client connections, in batches. */
export async function disconnectInBatches(
  connections: Iterable<ClientConnection>,
  logger: Logger,
  { batchSize, batchIntervalMs = DRAIN_BATCH_INTERVAL_MS }: DrainOptions = {},
): Promise<void> {
  const all = [...connections];
  const size = batchSize ?? drainBatchSize(all.length);
  logger.info({ clients: all.length, batchSize: size }, "draining clients");
  for (let i = 0; i < all.length; i += size) {
    if (i > 0) await sleep(batchIntervalMs);
    for (const conn of all.slice(i, i + size)) closeConnection(conn);
  }
}

/**
 * An orderly close sends the client a close packet. A polling transport with no pending poll
 * (e.g. mid-upgrade) cannot take it now, and engine.io then arms a 30 s timer that outlives
 * `io.close()`; such a connection is discarded instead, and the client reconnects as soon as its
 * next request fails.
 */
function closeConnection(conn: ClientConnection): void {
  conn.close(conn.transport.name === "polling" && !conn.transport.writable);
}

/**
 * Drains and exits on SIGTERM and SIGINT: exit code 0 after a clean drain, 1 when draining
 * failed or did not finish within the deadline.
 */
export function exitOnSignals(
  drainAndClose: () => Promise<void>,
  logger: Logger,
  deadlineMs = APP_DRAIN_SECONDS * 1000 - 1000,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error({ deadlineMs }, "drain did not finish in time, exiting");
      process.exit(1);
    }, deadlineMs).unref();
    drainAndClose().then(
      () => {
        logger.info("shut down");
        process.exit(0);
      },
      (err: Error) => {
        logger.error({ err: err.message }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/** Not part of the fleet contract: an operator's knob for the drain grace period. */
export const DRAIN_GRACE_ENV = "DRAIN_GRACE_MS";

/**
 * Drain options from the environment: `DRAIN_GRACE_MS`, 0–10000 (with at most 10 s of batches,
 * draining ends within 25 s). Throws `AppEnvError`.
 */
export function readDrainOptions(env: Record<string, string | undefined>): DrainOptions {
  const raw = env[DRAIN_GRACE_ENV]?.trim() ?? "";
  if (raw === "") return {};
  const graceMs = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(graceMs >= 0 && graceMs <= 10_000)) {
    throw new AppEnvError([`${DRAIN_GRACE_ENV}="${raw}" must be an integer from 0 to 10000`]);
  }
  return { graceMs };
}
