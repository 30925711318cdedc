/**
 * Prometheus metrics with a registry per server instance, so several servers in one process
 * (tests, cluster workers) never share or clobber counters. They are served on their own port
 * (`metricsServer.ts`), never on the port balancers route.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Server } from "socket.io";
import type { AdapterObservers, RedisConnection } from "./adapter";
import {
  DISCONNECT_REASONS,
  HANDSHAKE_FAILURE_REASONS,
  METRIC_NAMES,
} from "../../components/shared/metricNames";
import { instrumentConnections } from "./connectionSignals";
import type { Readiness } from "./health";

export interface FleetMetrics {
  registry: Registry;
  eventsIn: Counter;
  eventsOut: Counter;
  adapterErrors: Counter;
  redisCommandsDropped: Counter;
  /** Label `reason`: one of `HANDSHAKE_FAILURE_REASONS` (`connectionSignals.ts`). */
  connectionErrors: Counter<"reason">;
  unknownSessions: Counter;
  /** Label `reason`: one of `DISCONNECT_REASONS`. */
  disconnects: Counter<"reason">;
  adapterMessagesPublished: Counter;
  adapterMessagesReceived: Counter;
  /** Label `role`: one of `REDIS_ROLES`. */
  redisRoundTrip: Histogram<"role">;
}

/**
 * Buckets of `socketio_redis_roundtrip_seconds`: 0.5 ms (a PING on a loopback or same-zone
 * Redis) to 2.5 s (a stalled server; past `REDIS_SOCKET_TIMEOUT_MS` the connection is dropped
 * and the PING never completes).
 */
export const REDIS_ROUND_TRIP_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** Metric names live with the contract (dashboards, alerts and autoscaling read them too). */
export { METRIC_NAMES };

export function createMetrics(nodeId: string): FleetMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node_id: nodeId });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    eventsIn: new Counter({
      name: METRIC_NAMES.eventsIn,
      help: "Socket.IO events received from clients",
      registers: [registry],
    }),
    eventsOut: new Counter({
      name: METRIC_NAMES.eventsOut,
      help: "Socket.IO events sent to clients (a broadcast counts once per receiving client)",
      registers: [registry],
    }),
    adapterErrors: new Counter({
      name: METRIC_NAMES.adapterErrors,
      help: "Errors of the adapter and its Redis connections (including lost connections)",
      registers: [registry],
    }),
    redisCommandsDropped: new Counter({
      name: METRIC_NAMES.redisCommandsDropped,
      help:
        "Adapter Redis commands refused while Redis was unreachable (redis: every publish; " +
        "redis-streams: beyond the bounded offline queue); their broadcasts reached local clients only",
      registers: [registry],
    }),
    connectionErrors: zeroed(
      new Counter({
        name: METRIC_NAMES.handshakeFailures,
        help:
          "Refused handshakes and requests by reason: engine.io connection errors, and the " +
          "app's own Origin and draining refusals",
        labelNames: ["reason"],
        registers: [registry],
      }),
      HANDSHAKE_FAILURE_REASONS,
    ),
    unknownSessions: new Counter({
      name: METRIC_NAMES.unknownSessions,
      help:
        "Requests and upgrades naming a session this node does not know (engine.io " +
        '"Session ID unknown"): above a floor, the balancer lost stickiness',
      registers: [registry],
    }),
    disconnects: zeroed(
      new Counter({
        name: METRIC_NAMES.disconnects,
        help: "Socket.IO sockets disconnected, by Socket.IO's reason (spaces as underscores)",
        labelNames: ["reason"],
        registers: [registry],
      }),
      DISCONNECT_REASONS,
    ),
    adapterMessagesPublished: new Counter({
      name: METRIC_NAMES.adapterMessagesPublished,
      help: "Adapter messages this node published to Redis (PUBLISH, SPUBLISH, XADD answered)",
      registers: [registry],
    }),
    adapterMessagesReceived: new Counter({
      name: METRIC_NAMES.adapterMessagesReceived,
      help:
        "Adapter messages this node received from Redis (pub/sub messages and stream entries, " +
        "its own echoed back included)",
      registers: [registry],
    }),
    redisRoundTrip: new Histogram({
      name: METRIC_NAMES.redisRoundTripSeconds,
      // A role's series starts at its first PONG (within REDIS_PING_INTERVAL_MS of connecting).
      help: "Round trip of the heartbeat PING sent every adapter Redis connection every 5 s",
      labelNames: ["role"],
      buckets: REDIS_ROUND_TRIP_BUCKETS,
      registers: [registry],
    }),
  };
}

/** Every label value at 0 from the start, so `rate()` and `increase()` see the first one. */
function zeroed<C extends Counter<"reason">>(counter: C, reasons: readonly string[]): C {
  for (const reason of reasons) counter.inc({ reason }, 0);
  return counter;
}

/** What the adapter setup reports into the metrics (`createAdapterSetup`'s `observers`). */
export function adapterObservers(metrics: FleetMetrics): AdapterObservers {
  return {
    traffic: {
      published: () => metrics.adapterMessagesPublished.inc(),
      received: (count) => metrics.adapterMessagesReceived.inc(count),
    },
    roundTrip: (role, seconds) => metrics.redisRoundTrip.observe({ role }, seconds),
  };
}

/** `socketio_ready`: 1 while `/readyz` answers 200, else 0 (read at scrape time). */
export function instrumentReadiness(metrics: FleetMetrics, readiness: () => Readiness): void {
  new Gauge({
    name: METRIC_NAMES.ready,
    help: "1 while this node is ready (/readyz answers 200), else 0",
    registers: [metrics.registry],
    collect() {
      this.set(readiness().ready ? 1 : 0);
    },
  });
}

/**
 * `socketio_redis_connected{role}`: 1 while every adapter connection of that role is ready, else
 * 0 (read at scrape time); with `REDIS_MODE=cluster`, every node connection and sharded
 * subscriber of the role's `Cluster` (`clusterReady`). Readiness does not follow Redis once the node has been connected:
 * this gauge and the logs do.
 */
export function instrumentRedis(metrics: FleetMetrics, connections: RedisConnection[]): void {
  new Gauge({
    name: METRIC_NAMES.redisConnected,
    help: "1 while every adapter Redis connection of the role is ready, else 0",
    labelNames: ["role"],
    registers: [metrics.registry],
    collect() {
      const byRole = new Map<string, boolean>();
      for (const { role, ready } of connections) {
        byRole.set(role, (byRole.get(role) ?? true) && ready());
      }
      for (const [role, connected] of byRole) this.set({ role }, connected ? 1 : 0);
    },
  });
}

/**
 * Counts events at the Engine.IO packet level, so broadcasts (which bypass a socket's outgoing
 * listeners) and handlers added by library users are counted too. A Socket.IO packet whose text
 * starts with 2 (EVENT) or 5 (BINARY_EVENT) is an event; acks and connects are not.
 */
export function instrument(io: Server, metrics: FleetMetrics): void {
  new Gauge({
    name: METRIC_NAMES.connectedClients,
    help: "Clients connected to this node",
    registers: [metrics.registry],
    collect() {
      this.set(io.engine.clientsCount);
    },
  });
  instrumentConnections(io, metrics);
  io.engine.on("connection", (conn: EnginePacketSource) => {
    conn.on("packet", (packet) => {
      if (isEventPacket(packet)) metrics.eventsIn.inc();
    });
    conn.on("packetCreate", (packet) => {
      if (isEventPacket(packet)) metrics.eventsOut.inc();
    });
  });
}

interface EnginePacket {
  type: string;
  data?: unknown;
}

interface EnginePacketSource {
  on(event: "packet" | "packetCreate", listener: (packet: EnginePacket) => void): void;
}

function isEventPacket(packet: EnginePacket): boolean {
  return (
    packet.type === "message" &&
    typeof packet.data === "string" &&
    (packet.data.startsWith("2") || packet.data.startsWith("5"))
  );
}
