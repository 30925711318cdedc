/**
 * The door in front of Socket.IO: wraps the http server's `request` and `upgrade` listeners
 * (install it after Socket.IO has attached its own).
 *
 * - Every websocket upgrade has its Origin checked (403 when refused). engine.io's `allowRequest`
 *   is only called for requests without a session id (see `verify()` in engine.io's server.js),
 *   so the upgrade of an existing polling session would otherwise skip the check.
 * - While draining, new Socket.IO sessions (no `sid`) get 503, polling or websocket, so clients
 *   retry and the load balancer sends them elsewhere; existing sessions keep working until their
 *   batch is closed. The same 503 (with `Retry-After`) while the node is at its connection
 *   ceiling (`full`, see `connectionCeiling.ts`).
 * - A request target that is not a URL (`GET //[ HTTP/1.1`: Node's parser accepts any request
 *   line, `new URL` does not) gets 400 while draining, when the gate has to parse it. In normal
 *   operation such requests pass through untouched (engine.io answers them itself); a parse error
 *   thrown from this listener would end the process and drop every client at once.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

export interface GateRules {
  /** Socket.IO's path, e.g. `/socket.io/`. */
  path: string;
  originAllowed(req: IncomingMessage): boolean;
  draining(): boolean;
  /** At the connection ceiling: new sessions get 503 as while draining. @default never */
  full?(): boolean;
  onRefused(req: IncomingMessage, status: RefusalStatus, reason: RefusalReason): void;
}

/** Why a request was refused: the Origin check, a drain, the ceiling, or a target that is no URL. */
export type RefusalReason = "origin" | "draining" | "at-capacity" | "bad-target";

export type RefusalStatus = 400 | 403 | 503;

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface Gate {
  /**
   * Destroys every upgraded (websocket) socket still open. `httpServer.closeAllConnections()`
   * does not see them, and a websocket closed mid-upgrade can wait 30 s for its close handshake.
   */
  destroyUpgradedSockets(): void;
}

export function installGate(httpServer: HttpServer, rules: GateRules): Gate {
  const upgraded = new Set<Duplex>();
  /**
   * 503 for a new Socket.IO session while draining or at the ceiling, 400 for a target that is
   * not a URL while draining.
   */
  const sessionRefusal = (req: IncomingMessage): Refusal | undefined => {
    const reason = rules.draining() ? "draining" : rules.full?.() ? "at-capacity" : undefined;
    if (reason === undefined) return undefined;
    const url = parseTarget(req.url);
    if (url === undefined) {
      return reason === "draining" ? { status: 400, reason: "bad-target" } : undefined;
    }
    const newSession = url.pathname.startsWith(rules.path) && !url.searchParams.has("sid");
    return newSession ? { status: 503, reason } : undefined;
  };

  const requestListeners = httpServer.listeners("request") as RequestListener[];
  httpServer.removeAllListeners("request");
  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const refusal = sessionRefusal(req);
    if (refusal !== undefined) {
      rules.onRefused(req, refusal.status, refusal.reason);
      const headers = refusal.status === 503 ? { "Retry-After": RETRY_AFTER_SECONDS } : {};
      res.writeHead(refusal.status, { "Content-Type": "text/plain", ...headers });
      res.end(BODIES[refusal.reason]);
      return;
    }
    for (const listener of requestListeners) listener.call(httpServer, req, res);
  });

  const upgradeListeners = httpServer.listeners("upgrade") as UpgradeListener[];
  httpServer.removeAllListeners("upgrade");
  httpServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal: Refusal | undefined = !rules.originAllowed(req)
      ? { status: 403, reason: "origin" }
      : sessionRefusal(req);
    if (refusal !== undefined) {
      rules.onRefused(req, refusal.status, refusal.reason);
      refuseUpgrade(socket, refusal.status);
      return;
    }
    upgraded.add(socket);
    socket.once("close", () => upgraded.delete(socket));
    for (const listener of upgradeListeners) listener.call(httpServer, req, socket, head);
  });

  return {
    destroyUpgradedSockets() {
      for (const socket of upgraded) socket.destroy();
      upgraded.clear();
    },
  };
}

interface Refusal {
  status: RefusalStatus;
  reason: RefusalReason;
}

/** What a refused client waits before retrying (`Retry-After`, seconds). */
const RETRY_AFTER_SECONDS = "1";

const BODIES: Record<RefusalReason, string> = {
  origin: "Forbidden",
  draining: "Draining",
  "at-capacity": "At capacity",
  "bad-target": "Bad Request",
};

/** The request target as a URL, or undefined when it is not one. */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? "/", "http://placeholder");
  } catch {
    return undefined;
  }
}

const STATUS_TEXT: Record<RefusalStatus, string> = {
  400: "Bad Request",
  403: "Forbidden",
  503: "Service Unavailable",
};

function refuseUpgrade(socket: Duplex, status: RefusalStatus): void {
  const text = STATUS_TEXT[status];
  socket.on("error", () => undefined);
  const retryAfter = status === 503 ? `Retry-After: ${RETRY_AFTER_SECONDS}\r\n` : "";
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n${retryAfter}` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
