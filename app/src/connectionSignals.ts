/**
 * What happens to client connections, as bounded label values:
 *
 * - `socketio_connection_errors_total{reason}`: engine.io's `connection_error` event (emitted for
 *   every refused handshake, poll, POST and upgrade, `handleRequest`/`handleUpgrade` in
 *   engine.io 6.6 `build/server.js`), by its code (`BaseServer.errors`: 0 `unknown_transport`,
 *   1 `unknown_sid`, 2 `bad_handshake_method`, 3 `bad_request`, 4 `forbidden`,
 *   5 `unsupported_protocol_version`, anything else `other`), where a code 4 with the app's own
 *   Origin refusal (`allowRequest` answers `ORIGIN_REFUSED`) is `origin_refused`; plus what the
 *   gate (`gate.ts`) refuses before engine.io sees it (`gateRefusalReason`).
 * - `socketio_unknown_session_total`: code 1 ("Session ID unknown") again, on its own: a poll,
 *   POST or websocket upgrade naming a session this node does not hold. Above a floor it means
 *   the balancer lost stickiness.
 * - `socketio_disconnects_total{reason}`: each Socket.IO socket's `disconnect` reason, in every
 *   namespace (`DISCONNECT_REASONS`).
 * - `socketio_connected_clients_by_transport{transport}`: engine.io clients by their current
 *   transport, read at scrape time (a client mid-upgrade counts as polling until the upgrade
 *   completes).
 */
import type { DisconnectReason, Namespace, Server } from "socket.io";
import { Gauge } from "prom-client";
import {
  CLIENT_TRANSPORTS,
  type DisconnectReasonLabel,
  type HandshakeFailureReason,
  METRIC_NAMES,
} from "../../components/shared/metricNames";
import type { RefusalStatus } from "./gate";
import type { FleetMetrics } from "./metrics";

/** The message the app's `allowRequest` refuses a disallowed Origin with. */
export const ORIGIN_REFUSED = "origin not allowed";

/** engine.io 6.6 `BaseServer.errors`, by code. */
const ENGINE_ERROR_REASONS: readonly HandshakeFailureReason[] = [
  "unknown_transport",
  "unknown_sid",
  "bad_handshake_method",
  "bad_request",
  "forbidden",
  "unsupported_protocol_version",
];
const UNKNOWN_SID = 1;
const FORBIDDEN = 4;

/** What engine.io's `connection_error` event carries (the parts read here). */
export interface EngineConnectionError {
  code?: unknown;
  context?: { message?: unknown };
}

export function connectionErrorReason(err: EngineConnectionError): HandshakeFailureReason {
  if (err.code === FORBIDDEN && err.context?.message === ORIGIN_REFUSED) return "origin_refused";
  return typeof err.code === "number" ? (ENGINE_ERROR_REASONS[err.code] ?? "other") : "other";
}

/** The gate refuses a websocket upgrade's Origin (403), a new session while draining (503), or a target that is not a URL while draining (400). */
export function gateRefusalReason(status: RefusalStatus): HandshakeFailureReason {
  return status === 403 ? "origin_refused" : status === 503 ? "draining" : "bad_request";
}

/** Socket.IO 4.8's `DisconnectReason` as label values (a new one is a type error here). */
const DISCONNECT_LABELS: Record<DisconnectReason, DisconnectReasonLabel> = {
  "transport error": "transport_error",
  "transport close": "transport_close",
  "forced close": "forced_close",
  "ping timeout": "ping_timeout",
  "parse error": "parse_error",
  "server shutting down": "server_shutting_down",
  "forced server close": "forced_server_close",
  "client namespace disconnect": "client_namespace_disconnect",
  "server namespace disconnect": "server_namespace_disconnect",
};

export function disconnectReasonLabel(reason: string): DisconnectReasonLabel {
  return Object.hasOwn(DISCONNECT_LABELS, reason)
    ? DISCONNECT_LABELS[reason as DisconnectReason]
    : "other";
}

interface EngineClients {
  clients: Record<string, { transport: { name: string } }>;
}

/** Installs the counters and the by-transport gauge above on `io`. */
export function instrumentConnections(io: Server, metrics: FleetMetrics): void {
  io.engine.on("connection_error", (err: EngineConnectionError) => {
    metrics.connectionErrors.inc({ reason: connectionErrorReason(err) });
    if (err.code === UNKNOWN_SID) metrics.unknownSessions.inc();
  });
  const countDisconnects = (nsp: Namespace) =>
    nsp.on("connection", (socket) => {
      socket.once("disconnect", (reason: string) =>
        metrics.disconnects.inc({ reason: disconnectReasonLabel(reason) }),
      );
    });
  countDisconnects(io.of("/"));
  io.on("new_namespace", countDisconnects);

  new Gauge({
    name: METRIC_NAMES.connectedClientsByTransport,
    help: "Clients connected to this node, by their current transport",
    labelNames: ["transport"],
    registers: [metrics.registry],
    collect() {
      const counts = new Map<string, number>(CLIENT_TRANSPORTS.map((t) => [t, 0]));
      // `clients` is public in engine.io's JavaScript, typed protected (engine.io 6.6 server.d.ts).
      const { clients } = io.engine as unknown as EngineClients;
      for (const client of Object.values(clients)) {
        const count = counts.get(client.transport.name);
        if (count !== undefined) counts.set(client.transport.name, count + 1);
      }
      for (const [transport, count] of counts) this.set({ transport }, count);
    },
  });
}
