/**
 * The app's Prometheus metric names and label values, part of its contract with dashboards, alert
 * rules and autoscaling (every target renders those from these names). Labels are bounded: no
 * per-client, per-room or per-session label anywhere.
 */
export const METRIC_NAMES = {
  /** Gauge: clients connected to this node (all transports). */
  connectedClients: "socketio_connected_clients",
  /** Gauge, label `transport` (`polling` | `websocket`): clients connected by transport. */
  connectedClientsByTransport: "socketio_connected_clients_by_transport",
  eventsIn: "socketio_events_received_total",
  eventsOut: "socketio_events_sent_total",
  adapterErrors: "socketio_adapter_errors_total",
  redisCommandsDropped: "socketio_redis_commands_dropped_total",
  /** Gauge, label `role`: 1 while every adapter connection of the role is ready. */
  redisConnected: "socketio_redis_connected",
  /**
   * Counter, label `reason` (`HANDSHAKE_FAILURE_REASONS`): engine.io connection errors and
   * refused handshakes/requests.
   */
  handshakeFailures: "socketio_connection_errors_total",
  /**
   * Counter: requests naming a session this node does not know (engine.io "Session ID unknown").
   * Above a floor it means stickiness is broken: the balancer sent a poll to another node.
   */
  unknownSessions: "socketio_unknown_session_total",
  /**
   * Counter, label `reason` (`DISCONNECT_REASONS`: Socket.IO's disconnect reasons, spaces as
   * underscores): sockets disconnected.
   */
  disconnects: "socketio_disconnects_total",
  /** Counter: adapter messages this node published to Redis. */
  adapterMessagesPublished: "socketio_adapter_messages_published_total",
  /** Counter: adapter messages this node received from Redis. */
  adapterMessagesReceived: "socketio_adapter_messages_received_total",
  /** Histogram (seconds), label `role`: round-trip time of the PINGs the app sends every Redis connection. */
  redisRoundTripSeconds: "socketio_redis_roundtrip_seconds",
  /** Gauge: 1 while this node is ready (`/readyz` answers 200). */
  ready: "socketio_ready",
} as const;

/** `reason` values of `socketio_connection_errors_total` (engine.io error codes and the app's gates). */
export const HANDSHAKE_FAILURE_REASONS = [
  "unknown_transport",
  "unknown_sid",
  "bad_handshake_method",
  "bad_request",
  "forbidden",
  "unsupported_protocol_version",
  "origin_refused",
  "draining",
  "other",
] as const;
export type HandshakeFailureReason = (typeof HANDSHAKE_FAILURE_REASONS)[number];

/** `transport` values of `socketio_connected_clients_by_transport`. */
export const CLIENT_TRANSPORTS = ["polling", "websocket"] as const;

/**
 * `reason` values of `socketio_disconnects_total`: Socket.IO 4.8's `DisconnectReason`, spaces
 * replaced by underscores (a label value usable as is in PromQL, CloudWatch dimensions and Cloud
 * Monitoring filters), and `other` for any reason a later Socket.IO adds.
 */
export const DISCONNECT_REASONS = [
  "transport_error",
  "transport_close",
  "forced_close",
  "ping_timeout",
  "parse_error",
  "server_shutting_down",
  "forced_server_close",
  "client_namespace_disconnect",
  "server_namespace_disconnect",
  "other",
] as const;
export type DisconnectReasonLabel = (typeof DISCONNECT_REASONS)[number];

/** `role` values of `socketio_redis_connected` and `socketio_redis_roundtrip_seconds`. */
export const REDIS_ROLES = ["publisher", "subscriber", "stream-reader"] as const;
