/**
 * Reading the app signals of #20 from a scrape: one sample by its labels, and the cardinality
 * check (every label of every `socketio_*` sample is `node_id`, a histogram's `le`, or a value
 * from the bounded sets of `components/shared/metricNames.ts`).
 */
import assert from "node:assert/strict";
import {
  CLIENT_TRANSPORTS,
  DISCONNECT_REASONS,
  HANDSHAKE_FAILURE_REASONS,
  METRIC_NAMES,
  REDIS_ROLES,
} from "../../components/shared/metricNames";

/** The labels each `socketio_*` metric may carry besides `node_id`, and their allowed values. */
const BOUNDED: Record<string, Record<string, readonly string[]>> = {
  [METRIC_NAMES.handshakeFailures]: { reason: HANDSHAKE_FAILURE_REASONS },
  [METRIC_NAMES.disconnects]: { reason: DISCONNECT_REASONS },
  [METRIC_NAMES.connectedClientsByTransport]: { transport: CLIENT_TRANSPORTS },
  [METRIC_NAMES.redisConnected]: { role: REDIS_ROLES },
  [`${METRIC_NAMES.redisRoundTripSeconds}_bucket`]: { role: REDIS_ROLES, le: [] },
  [`${METRIC_NAMES.redisRoundTripSeconds}_sum`]: { role: REDIS_ROLES },
  [`${METRIC_NAMES.redisRoundTripSeconds}_count`]: { role: REDIS_ROLES },
};

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Every `socketio_*` sample of a scrape. */
export function socketioSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const match of text.matchAll(/^(socketio_\w+)(?:\{([^}]*)\})? (\S+)$/gm)) {
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample of `name` with exactly `labels` (besides `node_id`), or undefined. */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels);
  const found = socketioSamples(text).find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).filter((l) => l !== "node_id").length === wanted.length &&
      wanted.every(([label, value]) => s.labels[label] === value),
  );
  return found?.value;
}

/**
 * Fails unless every label of every `socketio_*` sample is bounded (see the module comment);
 * returns the label values seen, by `metric.label`, so a test can show it saw some.
 */
export function assertBoundedLabels(text: string): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  for (const { name, labels } of socketioSamples(text)) {
    for (const [label, value] of Object.entries(labels)) {
      if (label === "node_id") continue;
      const allowed = BOUNDED[name]?.[label];
      assert.ok(allowed !== undefined, `${name} has an unexpected label ${label}="${value}"`);
      if (label !== "le") {
        assert.ok(allowed.includes(value), `${name}{${label}="${value}"} is not a bounded value`);
      }
      const key = `${name}.${label}`;
      seen.set(key, (seen.get(key) ?? new Set()).add(value));
    }
  }
  return seen;
}
