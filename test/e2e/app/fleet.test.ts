/**
 * Three real `main.js` nodes on one password-protected redis-server, for each adapter: identity,
 * exactly-once cross-node broadcast, metrics, and readiness while Redis is down (still ready once
 * connected; `socketio_redis_connected{role}` follows Redis).
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import { requireBinary } from "../../helpers/binaries";
import { times } from "../../helpers/deliveries";
import { type AppNode, assertAppBuilt, startAppNode } from "../../helpers/appNodes";
import { fetchMetrics, metricByLabel, metricValue } from "../../helpers/metricsText";
import { stopAll, waitFor, waitForHttp } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import {
  closeClients,
  connectClient,
  type ClientOptions,
  whoami,
} from "../../helpers/socketClients";
import { expectBroadcastEverywhere, warmUp } from "../../helpers/broadcast";

const ADAPTERS = ["redis", "redis-streams"] as const;
const STREAMS_ROLES = ["publisher", "stream-reader", "subscriber"];
/** One client per transport mix on every node. */
const CLIENT_MIX: ClientOptions[] = [
  { transports: ["polling"] },
  { transports: ["websocket"] },
  {}, // polling, then upgrade
];

for (const adapter of ADAPTERS) {
  describe(`app fleet: 3 main.js nodes, SOCKETIO_ADAPTER=${adapter}`, function () {
    this.timeout(60_000);
    let redis: RedisServer;
    let nodes: AppNode[];

    before(async function () {
      const binary = requireBinary(this, "redis-server", "redis-server");
      assertAppBuilt();
      redis = await startRedis(binary);
      nodes = await Promise.all(
        ["a", "b", "c"].map((id) =>
          startAppNode(`${adapter}-${id}`, { SOCKETIO_ADAPTER: adapter, REDIS_URL: redis.url }),
        ),
      );
      await Promise.all(nodes.map((n) => waitForHttp(`${n.url}/readyz`, { watch: n.process })));
    });
    afterEach(closeClients);
    after(stopAll);

    const connectEverywhere = async (): Promise<{ socket: Socket; node: AppNode }[]> => {
      const clients = await Promise.all(
        nodes.flatMap((node) =>
          CLIENT_MIX.map(async (options) => ({
            socket: await connectClient(node.url, options),
            node,
          })),
        ),
      );
      await warmUp(clients.map((c) => c.socket));
      return clients;
    };

    it("answers whoami with each node's own id", async () => {
      for (const node of nodes) {
        const socket = await connectClient(node.url);
        assert.equal(await whoami(socket), node.process.name);
      }
    });

    it("delivers a message from any node to every client on every node exactly once", async () => {
      const clients = await connectEverywhere();
      const senders = nodes.map((node) => clients.find((c) => c.node === node)!);
      await expectBroadcastEverywhere(
        senders.map((s) => ({ socket: s.socket, nodeId: s.node.process.name })),
        clients.map((c) => c.socket),
      );
    });

    it("reports connected clients and event counts per node in /metrics", async () => {
      await connectEverywhere();
      for (const node of nodes) {
        await waitFor(`${node.process.name} to report ${CLIENT_MIX.length} clients`, async () => {
          const text = await fetchMetrics(node.metricsUrl);
          return metricValue(text, "socketio_connected_clients") === CLIENT_MIX.length;
        });
        const text = await fetchMetrics(node.metricsUrl);
        assert.ok(metricValue(text, "socketio_events_received_total")! > 0);
        assert.ok(metricValue(text, "socketio_events_sent_total")! > 0);
        assert.equal(metricValue(text, "socketio_adapter_errors_total"), 0);
        assert.ok(metricValue(text, "process_cpu_user_seconds_total") !== undefined);
        assert.match(text, new RegExp(`node_id="${node.process.name}"`));
      }
    });

    if (adapter === "redis-streams") {
      it("recovers a client's session after its connection drops (connection state recovery)", async () => {
        const [a, b] = nodes;
        const socket = await connectClient(a.url, {
          reconnection: true,
          reconnectionDelay: 1000, // the message below is sent during this pause
          randomizationFactor: 0,
        });
        const other = await connectClient(b.url);
        await warmUp([socket, other]);
        const firstId = socket.id;
        const missed = times<{ payload: unknown }>(1, "message missed while disconnected");
        socket.on("message", (m: { payload: { run?: string } | null }) => {
          if (m.payload?.run === "while-away") missed(m);
        });
        socket.io.engine.close(); // the connection drops: "transport close", then a reconnect
        await waitFor("the drop", () => !socket.connected || undefined);
        other.emit("message", { run: "while-away" });
        await waitFor("the reconnection", () => socket.connected);
        assert.equal(socket.recovered, true);
        assert.equal(socket.id, firstId);
        await missed.exactly();
      });
    }

    it("stays ready while Redis is down (the gauge drops), reconnects after, and still broadcasts", async () => {
      const connected = async (node: AppNode) =>
        metricByLabel(await fetchMetrics(node.metricsUrl), "socketio_redis_connected", "role");
      const roles = adapter === "redis" ? ["publisher", "subscriber"] : STREAMS_ROLES;
      for (const node of nodes) {
        assert.deepEqual(await connected(node), Object.fromEntries(roles.map((r) => [r, 1])));
      }
      await redis.stop();
      for (const node of nodes) {
        await waitFor(`${node.process.name}: every role disconnected`, async () =>
          Object.values(await connected(node)).every((v) => v === 0),
        );
        assert.equal((await fetch(`${node.url}/readyz`)).status, 200, "ready: it was connected");
        assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
      }
      await redis.restart();
      for (const node of nodes) {
        await waitFor(`${node.process.name}: every role connected again`, async () =>
          Object.values(await connected(node)).every((v) => v === 1),
        );
        const text = await fetchMetrics(node.metricsUrl);
        assert.ok(
          metricValue(text, "socketio_adapter_errors_total")! > 0,
          "adapter errors counted",
        );
      }
      const clients = await connectEverywhere();
      await expectBroadcastEverywhere(
        [{ socket: clients[0].socket, nodeId: clients[0].node.process.name }],
        clients.map((c) => c.socket),
      );
    });
  });
}
