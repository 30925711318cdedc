/**
 * Recovery after a node crash (scenario B, `redis-streams`; A, pub/sub, as the baseline):
 * clients connected through HAProxy, a broadcast every `intervalMs` from clients on the
 * surviving nodes, node-1 SIGKILLed a third of the way in. For every client that was on
 * node-1: did it reconnect, was its session recovered (`socket.recovered`), and how many (and
 * which) broadcasts did it miss or get twice. Whatever the app does is reported; nothing is
 * asserted.
 */
import type { ClientPhaseStats } from "./protocol";
import { clientRefs, connectClients, endPhase, type LoadWorker, startPhase } from "./generator";
import { pickSenders, sendPaced, waitForDeliveries } from "./measure";
import type { RunningScenario, ScenarioId } from "./scenarios";
import { type Summary, round, sleep, summarize } from "./stats";

export interface RecoveryParams {
  clients: number;
  concurrency: number;
  connectTimeoutMs: number;
  intervalMs: number;
  seconds: number;
  /** How long to wait after the last broadcast for late (replayed) deliveries. */
  boundMs: number;
}

export interface RecoveryFigures {
  scenario: ScenarioId;
  clients: number;
  killedNode: string;
  messages: number;
  /** Clients on the killed node. */
  affected: number;
  reconnected: number;
  recovered: number;
  /** Affected clients that missed nothing. */
  zeroMissed: number;
  missedTotal: number;
  missedPerClient: Summary;
  reconnectMs: Summary;
  /** Clients that got a message twice, or one sender's messages out of order. */
  duplicates: number;
  outOfOrder: number;
  /** Deliveries missed by clients on the surviving nodes. */
  unaffectedMissed: number;
  /** Sequence number of the broadcast sent right after the SIGKILL. */
  killedBeforeSeq: number;
  /** How many affected clients missed each sequence number (seq → clients). */
  missedSeqs: Record<string, number>;
  /** How many clients got each sequence number twice or more (seq → clients). */
  duplicateSeqs: Record<string, number>;
  /** Affected clients that both missed and duplicated a message. */
  missedAndDuplicated: number;
  /** Node each reconnected client landed on. */
  landedOn: Record<string, number>;
}

export async function measureRecovery(
  scenario: RunningScenario,
  workers: LoadWorker[],
  p: RecoveryParams,
): Promise<RecoveryFigures> {
  const victim = scenario.nodes[0];
  if (victim.process === undefined) throw new Error("recovery needs separate node processes");
  await connectClients(workers, scenario.url, p.clients, p.concurrency, p.connectTimeoutMs);
  const refs = clientRefs(workers);
  const senders = pickSenders(refs, scenario.nodes, victim.name);
  const messages = Math.max(3, Math.round((p.seconds * 1000) / p.intervalMs));
  const killAt = Math.floor(messages / 3);
  startPhase(workers, 1_000_000, messages, false);
  await sleep(200);
  await sendPaced(workers, senders, 1_000_000, messages, p.intervalMs, (seq) => {
    if (seq !== killAt) return;
    victim.process?.child.kill("SIGKILL");
  });
  await waitForDeliveries(workers, messages * refs.length, p.boundMs, p.boundMs);
  const results = await endPhase(workers, true);
  const clients = results.flatMap((r) => r.perClient ?? []).filter((c) => c.node !== null);
  return {
    scenario: scenario.def.id,
    ...summarizeRecovery(clients, victim.name, messages, killAt),
  };
}

function summarizeRecovery(
  clients: ClientPhaseStats[],
  killed: string,
  messages: number,
  killAt: number,
): Omit<RecoveryFigures, "scenario"> {
  const missedSeqs: Record<string, number> = {};
  const duplicateSeqs: Record<string, number> = {};
  for (const c of clients) {
    if (c.node === killed)
      for (const seq of c.missedSeqs) missedSeqs[seq] = (missedSeqs[seq] ?? 0) + 1;
    for (const seq of new Set(c.duplicateSeqs)) duplicateSeqs[seq] = (duplicateSeqs[seq] ?? 0) + 1;
  }
  const affected = clients.filter((c) => c.node === killed);
  const unaffected = clients.filter((c) => c.node !== killed);
  const missed = affected.map((c) => messages - c.unique);
  const landedOn: Record<string, number> = {};
  for (const c of affected) {
    if (c.reconnects > 0) landedOn[c.nodeAfter ?? "?"] = (landedOn[c.nodeAfter ?? "?"] ?? 0) + 1;
  }
  return {
    clients: clients.length,
    killedNode: killed,
    messages,
    affected: affected.length,
    reconnected: affected.filter((c) => c.reconnects > 0).length,
    recovered: affected.filter((c) => c.recovered === true).length,
    zeroMissed: missed.filter((m) => m === 0).length,
    missedTotal: missed.reduce((a, b) => a + b, 0),
    missedPerClient: summarize(missed),
    reconnectMs: summarize(
      affected
        .map((c) => c.reconnectMs)
        .filter((m): m is number => m !== null)
        .map((m) => round(m, 0)),
    ),
    duplicates: clients.filter((c) => c.duplicates > 0).length,
    outOfOrder: clients.filter((c) => !c.inOrder).length,
    unaffectedMissed: unaffected.reduce((n, c) => n + (messages - c.unique), 0),
    landedOn,
    killedBeforeSeq: killAt,
    missedSeqs,
    duplicateSeqs,
    missedAndDuplicated: clients.filter(
      (c) => c.node === killed && c.missedSeqs.length > 0 && c.duplicateSeqs.length > 0,
    ).length,
  };
}
