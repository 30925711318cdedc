/**
 * The HTTP server's connection timers, from the app environment contract:
 * - `keepAliveTimeout` = `HTTP_KEEPALIVE_TIMEOUT_MS`: how long an idle keep-alive connection stays
 *   open. Each target renders a value above its balancer's backend reuse window, so the node never
 *   closes a connection the balancer is about to reuse (a 502; with long-polling every poll is such
 *   a request). Node.js's own default is 5 s.
 * - `headersTimeout` = keep-alive + `HEADERS_TIMEOUT_MARGIN_MS` (`httpHeadersTimeoutMs`): a request
 *   arriving on a reused socket just before the keep-alive expires must not hit the headers timer
 *   first (nodejs/node#27363).
 * - `requestTimeout`: Node.js requires it at or above `headersTimeout` (ERR_OUT_OF_RANGE
 *   otherwise, `lib/_http_server.js`), and it stays above the longest poll (a long-poll is held up
 *   to `pingInterval`, answered within `pingInterval + pingTimeout`) plus margin, so no healthy
 *   exchange is ever answered 408. Node.js's default is 300 s.
 */
import type { Server } from "node:http";
import { type AppConfig, httpHeadersTimeoutMs } from "../../components/shared/appEnv";

/** Margin of `requestTimeout` over the longest poll. */
export const REQUEST_TIMEOUT_MARGIN_MS = 10_000;

export interface HttpTimeouts {
  keepAliveTimeout: number;
  headersTimeout: number;
  requestTimeout: number;
}

type TimeoutConfig = Pick<AppConfig, "httpKeepAliveTimeoutMs" | "pingIntervalMs" | "pingTimeoutMs">;

/** The timers for a config, in milliseconds. */
export function httpTimeoutsFor(config: TimeoutConfig): HttpTimeouts {
  const headersTimeout = httpHeadersTimeoutMs(config);
  const longestPoll = config.pingIntervalMs + config.pingTimeoutMs;
  return {
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, longestPoll + REQUEST_TIMEOUT_MARGIN_MS),
  };
}

/** Sets the timers on `server` (before it listens) and returns them. */
export function applyHttpTimeouts(server: Server, config: TimeoutConfig): HttpTimeouts {
  const timeouts = httpTimeoutsFor(config);
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  server.headersTimeout = timeouts.headersTimeout;
  server.requestTimeout = timeouts.requestTimeout;
  return timeouts;
}
