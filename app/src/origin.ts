/**
 * Who may connect from a browser. CORS (socket.io's `cors` option) lets listed origins read
 * responses, but browsers do not apply CORS to WebSocket, so the Origin header is also checked on
 * every handshake (engine.io's `allowRequest`) and on every websocket upgrade (`gate.ts`: engine.io
 * calls `allowRequest` only for requests without a session id, not for the upgrade of an
 * existing polling session).
 *
 * Allowed: no Origin header (non-browser clients), an Origin in `CORS_ORIGINS`, or a same-origin
 * request (the Origin's host equals the Host header). Anything else gets 403: this is what
 * stops cross-site WebSocket hijacking.
 */
import type { IncomingMessage } from "node:http";
import type { ServerOptions } from "socket.io";
import type { AppConfig } from "../../components/shared/appEnv";

type OriginConfig = Pick<AppConfig, "corsOrigins" | "corsCredentials">;

/** socket.io's `cors` option: only listed origins, with credentials when configured. */
export function corsOptions(config: OriginConfig): ServerOptions["cors"] {
  if (config.corsOrigins.length === 0) return undefined;
  return { origin: [...config.corsOrigins], credentials: config.corsCredentials };
}

/** Whether a request's Origin header may open or upgrade a Socket.IO connection. */
export function isOriginAllowed(config: OriginConfig, req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (config.corsOrigins.includes(origin)) return true;
  return originHost(origin) !== undefined && originHost(origin) === req.headers.host;
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
