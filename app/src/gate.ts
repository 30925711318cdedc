/**
 * The door in front of Socket.IO: wraps the http server's `request` and `upgrade` listeners
 * (install it after Socket.IO has attached its own).
 *
 * - Every websocket upgrade has its Origin checked (403 when refused). engine.io's `allowRequest`
 *   is only called for requests without a session id (see `verify()` in engine.io's server.js),
 *   so the upgrade of an existing polling session would otherwise skip the check.
 * - While draining, new Socket.IO sessions (no `sid`) get 503, polling or websocket, so clients
 *   retry and the load balancer sends them elsewhere; existing sessions keep working until their
 *   batch is closed.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

export interface GateRules {
  /** Socket.IO's path, e.g. `/socket.io/`. */
  path: string;
  originAllowed(req: IncomingMessage): boolean;
  draining(): boolean;
  onRefused(req: IncomingMessage, status: 403 | 503): void;
}

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
  const isNewSession = (req: IncomingMessage) => {
    const url = new URL(req.url ?? "/", "http://placeholder");
    return url.pathname.startsWith(rules.path) && !url.searchParams.has("sid");
  };

  const requestListeners = httpServer.listeners("request") as RequestListener[];
  httpServer.removeAllListeners("request");
  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (rules.draining() && isNewSession(req)) {
      rules.onRefused(req, 503);
      res.writeHead(503, { "Content-Type": "text/plain", "Retry-After": "1" });
      res.end("Draining");
      return;
    }
    for (const listener of requestListeners) listener.call(httpServer, req, res);
  });

  const upgradeListeners = httpServer.listeners("upgrade") as UpgradeListener[];
  httpServer.removeAllListeners("upgrade");
  httpServer.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const status = !rules.originAllowed(req)
      ? 403
      : rules.draining() && isNewSession(req)
        ? 503
        : undefined;
    if (status !== undefined) {
      rules.onRefused(req, status);
      refuseUpgrade(socket, status);
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

function refuseUpgrade(socket: Duplex, status: 403 | 503): void {
  const text = status === 403 ? "Forbidden" : "Service Unavailable";
  socket.on("error", () => undefined);
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
