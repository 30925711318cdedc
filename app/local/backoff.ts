/**
 * Restart backoff of the supervisor, after the kubelet's CrashLoopBackOff: the first restart
 * after 0.5 s, doubling per consecutive crash up to 30 s, and back to 0.5 s once a run has been
 * healthy for a minute. (The kubelet starts at 10 s and caps at 5 min; a local fleet wants a
 * killed node back within a second, and a crash loop that still retries twice a minute.)
 */
export const BACKOFF = {
  initialMs: 500,
  maxMs: 30_000,
  /** A run this long resets the count of consecutive crashes. */
  healthyResetMs: 60_000,
} as const;

export type Backoff = { initialMs: number; maxMs: number; healthyResetMs: number };

/** The delay before restart number `consecutiveCrashes` (1 = the first crash in a row). */
export function restartDelayMs(consecutiveCrashes: number, backoff: Backoff = BACKOFF): number {
  const exponent = Math.max(0, consecutiveCrashes - 1);
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(exponent, 30));
}

/** The count of consecutive crashes after a run of `ranMs` ended unexpectedly. */
export function nextCrashCount(
  previous: number,
  ranMs: number,
  backoff: Backoff = BACKOFF,
): number {
  return ranMs >= backoff.healthyResetMs ? 1 : previous + 1;
}
