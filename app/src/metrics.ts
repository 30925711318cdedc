/**
 * Prometheus metrics with a registry per server instance, so several servers in one process
 * (tests, cluster workers) never share or clobber counters. They are served on their own port
 * (`metricsServer.ts`), never on the port balancers route.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { Server } from "socket.io";
import type { RedisConnection } from "./adapter";
import { METRIC_NAMES } from "../../components/shared/metricNames";

export interface FleetMetrics {
  registry: Registry;
  eventsIn: Counter;
  eventsOut: Counter;
  adapterErrors: Counter;
  redisCommandsDropped: Counter;
}

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
  };
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
