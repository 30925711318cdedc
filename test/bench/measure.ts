/**
 * One scenario at one client count: connect every client through the proxy, read memory, then a
 * paced broadcast phase (latency, same-node and cross-node) and a burst phase (deliveries per
 * second), each counted exactly. Every wait is bounded.
 */
import type { LoopDelay, PhaseResult } from "./protocol";
import { nowMs } from "./protocol";
import {
  type ClientRef,
  type LoadWorker,
  clientRefs,
  connectClients,
  countDeliveries,
  endPhase,
  request,
  startPhase,
  tell,
} from "./generator";
import { type MemoryFigures, memoryFigures, memorySnapshot } from "./memory";
import { cpuDelta, cpuSnapshot } from "./procStats";
import type { BenchNode, RunningScenario } from "./scenarios";
import { type Summary, countBy, round, sleep, summarize } from "./stats";

export interface RunParams {
  clients: number;
  concurrency: number;
  connectTimeoutMs: number;
  pacedIntervalMs: number;
  pacedSeconds: number;
  /** Burst size is chosen so that about this many deliveries are expected. */
  burstDeliveries: number;
  /** How long deliveries may stall (no progress) before a phase is ended anyway. */
  stallMs: number;
  burstBoundMs: number;
}

export interface ConnectFigures {
  totalMs: number;
  perConnection: Summary;
  connected: number;
  failed: number;
  errors: string[];
  perNode: Record<string, number>;
}

export interface DeliveryFigures {
  messages: number;
  expected: number;
  received: number;
  lost: number;
  duplicates: number;
  stray: number;
  disconnects: number;
  complete: boolean;
  durationMs: number;
  generatorLoopDelay: LoopDelay;
  generatorCpuMs: number;
  /** CPU ms of each node/worker and support process during the phase. */
  cpuMs: Record<string, number | null>;
}

export interface RunFigures {
  connect: ConnectFigures;
  memory: MemoryFigures[];
  paced: DeliveryFigures & { sameNode: Summary; crossNode: Summary; all: Summary };
  burst: DeliveryFigures & { deliveriesPerSec: number | null };
}

let phaseIds = 0;

export async function measure(
  scenario: RunningScenario,
  workers: LoadWorker[],
  p: RunParams,
): Promise<RunFigures> {
  await sleep(1000);
  const before = await memorySnapshot(scenario.nodes);
  const started = nowMs();
  const results = await connectClients(
    workers,
    scenario.url,
    p.clients,
    p.concurrency,
    p.connectTimeoutMs,
  );
  const totalMs = nowMs() - started;
  const refs = clientRefs(workers);
  const connect: ConnectFigures = {
    totalMs: round(totalMs, 0),
    perConnection: summarize(results.flatMap((r) => r.connectMs)),
    connected: refs.length,
    failed: results.reduce((n, r) => n + r.failed, 0),
    errors: [...new Set(results.flatMap((r) => r.errors))],
    perNode: countBy(refs, (r) => r.node),
  };
  await sleep(1000);
  const after = await memorySnapshot(scenario.nodes);
  const memory = scenario.nodes.map((n) =>
    memoryFigures(n, before, after, connect.perNode[n.name] ?? 0),
  );
  const senders = pickSenders(refs, scenario.nodes);
  const paced = await pacedPhase(scenario, workers, refs, senders, p);
  const burst = await burstPhase(scenario, workers, refs, senders, p);
  return { connect, memory, paced, burst };
}

/** One sender per node (the first client that landed there), so every node originates traffic. */
export function pickSenders(refs: ClientRef[], nodes: BenchNode[], exclude?: string): ClientRef[] {
  const senders = nodes
    .filter((n) => n.name !== exclude)
    .map((n) => refs.find((r) => r.node === n.name))
    .filter((r): r is ClientRef => r !== undefined);
  if (senders.length === 0) throw new Error("no client to send from");
  return senders;
}

async function pacedPhase(
  scenario: RunningScenario,
  workers: LoadWorker[],
  refs: ClientRef[],
  senders: ClientRef[],
  p: RunParams,
): Promise<RunFigures["paced"]> {
  const messages = Math.max(1, Math.round((p.pacedSeconds * 1000) / p.pacedIntervalMs));
  const run = await runPhase(scenario, workers, refs.length, messages, true, async (id) => {
    await sendPaced(workers, senders, id, messages, p.pacedIntervalMs);
    return waitForDeliveries(workers, messages * refs.length, p.stallMs, p.stallMs);
  });
  return {
    ...run.figures,
    sameNode: summarize(run.results.flatMap((r) => r.sameNode)),
    crossNode: summarize(run.results.flatMap((r) => r.crossNode)),
    all: summarize(run.results.flatMap((r) => [...r.sameNode, ...r.crossNode])),
  };
}

/** Sends message `seq` at `start + seq × interval` from `senders[seq % senders.length]`. */
export async function sendPaced(
  workers: LoadWorker[],
  senders: ClientRef[],
  phase: number,
  messages: number,
  intervalMs: number,
  onTick?: (seq: number) => void,
): Promise<void> {
  const start = nowMs();
  for (let seq = 0; seq < messages; seq++) {
    await sleep(start + seq * intervalMs - nowMs());
    onTick?.(seq);
    const s = senders[seq % senders.length];
    tell(workers[s.worker], { type: "send", client: s.local, phase, from: seq, to: seq + 1 });
  }
}

async function burstPhase(
  scenario: RunningScenario,
  workers: LoadWorker[],
  refs: ClientRef[],
  senders: ClientRef[],
  p: RunParams,
): Promise<RunFigures["burst"]> {
  const messages = Math.max(senders.length, Math.round(p.burstDeliveries / refs.length));
  const run = await runPhase(scenario, workers, refs.length, messages, false, async (id) => {
    const share = Math.ceil(messages / senders.length);
    const sent = await Promise.all(
      senders.map((s, i) => {
        const from = i * share;
        const to = Math.min(messages, from + share);
        const message = { type: "send", client: s.local, phase: id, from, to } as const;
        return request(workers[s.worker], message, "sent", 30_000);
      }),
    );
    const firstSend = Math.min(...sent.map((s) => s.firstSendAt));
    const done = await waitForDeliveries(
      workers,
      messages * refs.length,
      p.stallMs,
      p.burstBoundMs,
    );
    return { ...done, firstSend };
  });
  const seconds = run.span === null ? null : run.span / 1000;
  return {
    ...run.figures,
    deliveriesPerSec:
      seconds === null || seconds <= 0 ? null : Math.round(run.figures.received / seconds),
  };
}

interface PhaseRun {
  figures: DeliveryFigures;
  results: PhaseResult[];
  /** First send to last arrival, ms. */
  span: number | null;
}

async function runPhase(
  scenario: RunningScenario,
  workers: LoadWorker[],
  receivers: number,
  messages: number,
  latency: boolean,
  body: (id: number) => Promise<{ complete: boolean; firstSend?: number }>,
): Promise<PhaseRun> {
  const id = ++phaseIds;
  startPhase(workers, id, messages, latency);
  await sleep(200);
  const procs = [...scenario.nodes, ...scenario.support];
  const cpuBefore = cpuSnapshot(procs);
  const wallStart = nowMs();
  const { complete, firstSend } = await body(id);
  const durationMs = round(nowMs() - wallStart, 0);
  const cpu = cpuDelta(cpuBefore, procs);
  const results = await endPhase(workers);
  const received = results.reduce((n, r) => n + r.unique, 0);
  const lastArrival = Math.max(...results.map((r) => r.lastArrivalAt ?? -Infinity));
  const firstSends = results.map((r) => r.firstSendAt).filter((t): t is number => t !== null);
  const first = firstSend ?? (firstSends.length > 0 ? Math.min(...firstSends) : null);
  const expected = messages * receivers;
  return {
    results,
    span: first === null || !Number.isFinite(lastArrival) ? null : lastArrival - first,
    figures: {
      messages,
      expected,
      received,
      lost: expected - received,
      duplicates: results.reduce((n, r) => n + r.duplicates, 0),
      stray: results.reduce((n, r) => n + r.stray, 0),
      disconnects: results.reduce((n, r) => n + r.disconnects, 0),
      complete,
      durationMs,
      generatorLoopDelay: {
        p50: round(Math.max(...results.map((r) => r.loopDelay.p50))),
        p99: round(Math.max(...results.map((r) => r.loopDelay.p99))),
        max: round(Math.max(...results.map((r) => r.loopDelay.max))),
      },
      generatorCpuMs: Math.round(results.reduce((n, r) => n + r.cpuMs, 0)),
      cpuMs: cpu,
    },
  };
}

/**
 * Polls until `expected` unique deliveries arrived; gives up when nothing new arrived for
 * `stallMs` or after `boundMs` in all.
 */
export async function waitForDeliveries(
  workers: LoadWorker[],
  expected: number,
  stallMs: number,
  boundMs: number,
): Promise<{ complete: boolean }> {
  const deadline = nowMs() + boundMs;
  let last = -1;
  let lastChange = nowMs();
  for (;;) {
    const { unique } = await countDeliveries(workers);
    if (unique >= expected) return { complete: true };
    if (unique !== last) {
      last = unique;
      lastChange = nowMs();
    }
    if (nowMs() - lastChange > stallMs || nowMs() > deadline) return { complete: false };
    await sleep(100);
  }
}
