/**
 * Exact delivery counting: `times(n, what)` gives a recorder that fails on too many calls as
 * well as too few. `await counter.exactly()` waits (bounded) for `n` calls, then keeps listening
 * for a settle period so a duplicate delivered a little later still fails the test.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { waitFor } from "./processes";

export interface Counter<T> {
  /** Record one call (pass it as the listener). */
  (value: T): void;
  readonly what: string;
  readonly expected: number;
  readonly calls: T[];
  /** Resolves when exactly `expected` calls arrived and no more within `settleMs`. */
  exactly(options?: { timeoutMs?: number; settleMs?: number }): Promise<T[]>;
}

export function times<T = unknown>(expected: number, what: string): Counter<T> {
  const calls: T[] = [];
  const record = (value: T) => void calls.push(value);
  const tooMany = () =>
    new Error(`${what}: expected exactly ${expected} call(s), got ${calls.length}`);
  return Object.assign(record, {
    what,
    expected,
    calls,
    async exactly({ timeoutMs = 10_000, settleMs = 300 } = {}) {
      await waitFor(
        `${what} (${calls.length}/${expected} so far)`,
        () => {
          if (calls.length > expected) throw tooMany();
          return calls.length === expected;
        },
        { timeoutMs },
      ).catch((err: Error) => {
        throw calls.length > expected ? tooMany() : err;
      });
      await sleep(settleMs);
      if (calls.length !== expected) throw tooMany();
      return calls;
    },
  });
}

/** Waits for every counter to be exact (one shared settle period). */
export async function allExactly<T>(
  counters: Counter<T>[],
  options: { timeoutMs?: number; settleMs?: number } = {},
): Promise<void> {
  await Promise.all(counters.map((c) => c.exactly({ ...options, settleMs: 0 })));
  await sleep(options.settleMs ?? 300);
  for (const c of counters) {
    if (c.calls.length !== c.expected) {
      throw new Error(`${c.what}: expected exactly ${c.expected} call(s), got ${c.calls.length}`);
    }
  }
}
