/**
 * The rule every target follows for the app's HTTP keep-alive (`HTTP_KEEPALIVE_TIMEOUT_MS`): the
 * node keeps an idle connection open longer than its balancer may keep it for reuse (the
 * balancer's backend reuse window), so it is always the balancer that closes an idle connection.
 * The other way round the node closes a connection just as the balancer reuses it, and that
 * request fails with a 502. AWS: "configure the idle timeout of your application to be larger
 * than the idle timeout configured for the load balancer" (ELB user guide, Application Load
 * Balancers, "Connection idle timeout"); Google Cloud: "configure your backend software so that
 * its HTTP keepalive (TCP idle) timeout value is greater than 600 seconds" (Cloud Load Balancing,
 * "Backend keepalive timeout").
 */

/**
 * Margin of the keep-alive over a balancer's reuse window: timers on both sides fire late by a few
 * milliseconds under load, and a margin of whole seconds keeps the order. (Google's own advice for
 * its fixed 600 s is 620 s, a 20 s margin; GKE and GCP use that number as given.)
 */
export const KEEPALIVE_MARGIN_SECONDS = 5;

/** The app keep-alive, in milliseconds, for a balancer reusing idle connections up to `seconds`. */
export function keepAliveAboveMs(
  reuseWindowSeconds: number,
  marginSeconds = KEEPALIVE_MARGIN_SECONDS,
): number {
  return (reuseWindowSeconds + marginSeconds) * 1000;
}

/**
 * Google front ends (global external Application Load Balancer, GKE Ingress, Cloud Run behind a
 * serverless NEG): "The backend keepalive timeout is fixed at 10 minutes (600 seconds) and cannot
 * be changed" (Cloud Load Balancing docs, "Timeouts and retries").
 */
export const GOOGLE_FRONT_END_REUSE_SECONDS = 600;

/** 620 s: the keep-alive Google recommends above its 600 s backend keepalive timeout. */
export const GOOGLE_FRONT_END_KEEPALIVE_MS = 620_000;
