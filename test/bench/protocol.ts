/**
 * The messages between the benchmark (parent) and its load workers (`loadWorker.ts`, forked), and
 * the payload every benchmark broadcast carries. Times are milliseconds on the machine's monotonic
 * clock (`process.hrtime`), which every process on one Linux host shares, so a receiver can
 * subtract the sender's timestamp.
 */

/** The monotonic clock shared by all processes of the machine, in milliseconds. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** What a benchmark client sends as its `message` payload (short keys: it is sent a lot). */
export interface BenchPayload {
  /** phase id */
  p: number;
  /** sequence number within the phase, from 0 */
  s: number;
  /** send time (`nowMs()`) */
  t: number;
}

export type ParentMessage =
  | { type: "connect"; url: string; count: number; concurrency: number; timeoutMs: number }
  | { type: "phase"; id: number; messages: number; latency: boolean }
  | { type: "send"; client: number; phase: number; from: number; to: number }
  | { type: "count" }
  | { type: "phaseEnd"; perClient: boolean }
  | { type: "whoami" }
  | { type: "close" };

export interface ConnectResult {
  type: "connected";
  /** Per local client: its node id, or null when it failed to connect. */
  nodes: (string | null)[];
  /** Connect time of each connected client (io() to `connect`), ms. */
  connectMs: number[];
  failed: number;
  errors: string[];
}

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export interface ClientPhaseStats {
  node: string | null;
  /** Node at the end of the phase (after a reconnection it may differ). */
  nodeAfter: string | null;
  unique: number;
  duplicates: number;
  disconnects: number;
  reconnects: number;
  /** `socket.recovered` after the last reconnection (null when it never reconnected). */
  recovered: boolean | null;
  /** ms from the first disconnect to the next `connect`. */
  reconnectMs: number | null;
  /**
   * Messages from each sender node arrived in the order sent. Across senders (different nodes)
   * Socket.IO promises no order, so that is not checked.
   */
  inOrder: boolean;
  /** The first sequence numbers of the phase this client never received (at most 10). */
  missedSeqs: number[];
  /** Sequence numbers this client received more than once (at most 10). */
  duplicateSeqs: number[];
}

export interface PhaseResult {
  type: "phaseResult";
  unique: number;
  duplicates: number;
  /** Deliveries of another phase's messages arriving late. */
  stray: number;
  disconnects: number;
  /** Latency samples (ms) of deliveries where the receiver is on the sender's node, and not. */
  sameNode: number[];
  crossNode: number[];
  firstSendAt: number | null;
  lastArrivalAt: number | null;
  loopDelay: LoopDelay;
  /** CPU time this worker used during the phase, ms. */
  cpuMs: number;
  perClient?: ClientPhaseStats[];
}

export type WorkerMessage =
  | ConnectResult
  | PhaseResult
  | { type: "count"; unique: number; lastArrivalAt: number | null }
  | { type: "sent"; firstSendAt: number; lastSendAt: number }
  | { type: "whoami"; nodes: (string | null)[] }
  | { type: "closed" }
  | { type: "error"; message: string };
