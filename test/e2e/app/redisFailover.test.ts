/**
 * A managed Redis failing over, as an already-connected client sees it: the replica is promoted
 * (`REPLICAOF NO ONE`), the old primary is demoted to its replica (`REPLICAOF <new>`), and the
 * endpoint's address moves to the new primary (ElastiCache's and Memorystore's DNS flip). Here
 * two real redis-servers and a TCP forwarder standing for the endpoint's name: connections open
 * before the flip stay with the old primary, new ones reach the new primary.
 *
 * Each node's publisher finds out within a heartbeat (`watchPrimary`: ROLE every 5 s) and
 * reconnects through the endpoint; subscribers left on the demoted server still get what the new
 * primary publishes (replicated to it). Asserted: within 8 s no connection publishes into the
 * demoted server, and room broadcasts from every node then arrive exactly once.
 */
import {
  createServer,
  connect,
  type Server as TcpServer,
  type Socket as TcpSocket,
} from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { Socket } from "socket.io-client";
import { requireBinary } from "../../helpers/binaries";
import { freePort } from "../../helpers/ports";
import { stopAll, waitFor } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import {
  expectRoomDeliveries,
  roomClient,
  type RoomNode,
  startRoomNodes,
  warmRoom,
} from "../../helpers/roomNodes";
import { closeClients } from "../../helpers/socketClients";

/** The endpoint: forwards each new connection to the port `target` names at that moment. */
async function startEndpoint(target: () => number): Promise<{ port: number; server: TcpServer }> {
  const sockets = new Set<TcpSocket>();
  const server = createServer((inbound) => {
    const outbound = connect(target(), "127.0.0.1");
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  server.on("close", () => sockets.forEach((s) => s.destroy()));
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, server };
}

/** Normal clients of `admin`'s server (not replication links, not `admin`) that publish or write. */
async function writersOn(admin: Redis): Promise<string[]> {
  const own = await admin.client("ID");
  const list = (await admin.client("LIST")) as string;
  return list
    .trim()
    .split("\n")
    .map((line) => Object.fromEntries(line.split(" ").map((kv) => kv.split("=", 2))))
    .filter((c) => c.id !== String(own) && !c.flags.includes("M") && !c.flags.includes("S"))
    .filter((c) => Number(c.sub) + Number(c.psub) + Number(c.ssub ?? 0) === 0)
    .filter((c) => c.cmd !== "xread")
    .map((c) => `${c.addr} cmd=${c.cmd}`);
}

for (const adapter of ["redis", "redis-sharded", "redis-streams"] as const) {
  describe(`app ${adapter}: standalone Redis failover (primary demoted under the fleet)`, function () {
    this.timeout(90_000);
    let primary: RedisServer;
    let replica: RedisServer;
    let endpoint: TcpServer;
    let nodes: RoomNode[];
    const admins: Redis[] = [];

    before(async function () {
      const binary = requireBinary(this, "redis-server", "redis-server");
      primary = await startRedis(binary);
      const password = primary.password;
      replica = await startRedis(binary, {
        extraConfig: [
          `requirepass ${password}`,
          `masterauth ${password}`,
          `replicaof 127.0.0.1 ${primary.port}`,
        ],
      });
      let target = primary.port;
      const started = await startEndpoint(() => target);
      endpoint = started.server;
      const [toPrimary, toReplica] = [primary, replica].map(
        (r) => new Redis({ port: r.port, host: "127.0.0.1", password }),
      );
      admins.push(toPrimary, toReplica);
      await waitFor("the replica in sync", async () =>
        ((await toReplica.info("replication")) as string).includes("master_link_status:up"),
      );
      nodes = await startRoomNodes(
        ["a", "b", "c"].map((id) => `${adapter}-${id}`),
        {
          SOCKETIO_ADAPTER: adapter,
          REDIS_URL: `redis://:${password}@127.0.0.1:${started.port}`,
        },
      );
      failover = async () => {
        await toReplica.replicaof("NO", "ONE");
        target = replica.port;
        await toPrimary.config("SET", "masterauth", password);
        await toPrimary.replicaof("127.0.0.1", String(replica.port));
      };
    });
    let failover: () => Promise<void>;
    afterEach(closeClients);
    after(async () => {
      await Promise.all((nodes ?? []).map((n) => n.fleet.close()));
      admins.forEach((a) => a.disconnect());
      endpoint?.close();
      await stopAll();
    });

    it("publishers leave the demoted primary within 8 s; broadcasts resume exactly once", async () => {
      const members: Socket[] = [];
      const senders: Socket[] = [];
      for (const node of nodes) {
        members.push(await roomClient(node, ["room-x"]));
        senders.push(await roomClient(node, []));
      }
      const clients = [...members, ...senders];
      const membership = [...members.map(() => ["room-x"]), ...senders.map(() => [])];
      await warmRoom(senders[0], "room-x", members);
      await expectRoomDeliveries(
        clients,
        membership,
        senders.map((s) => [s, "room-x"]),
      );
      const [oldPrimary] = admins;
      // Before: every node's publisher writes into this server.
      await waitFor(
        "publishers on the primary",
        async () => (await writersOn(oldPrimary)).length >= 3,
      );

      await failover();
      const flipped = Date.now();
      // Broadcasts keep flowing meanwhile, so a publisher still on the old primary shows.
      let sending = true;
      const traffic = (async () => {
        while (sending) {
          senders.forEach((s) => s.emit("to-room", { room: "room-x", run: "during", index: 0 }));
          await sleep(50);
        }
      })();
      try {
        await waitFor(
          "no connection publishing into the demoted primary",
          async () => (await writersOn(oldPrimary)).length === 0,
          { timeoutMs: 8_000 },
        ).catch(async (err: Error) => {
          throw new Error(`${err.message}: ${(await writersOn(oldPrimary)).join(", ")}`);
        });
      } finally {
        sending = false;
        await traffic;
      }
      console.log(
        `      publishers left the demoted primary ${Date.now() - flipped} ms after the flip`,
      );
      await warmRoom(senders[1], "room-x", members);
      await expectRoomDeliveries(
        clients,
        membership,
        senders.map((s) => [s, "room-x"]),
      );
    });
  });
}
