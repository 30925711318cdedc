/**
 * One conformance suite over every self-hosted proxy: 3 real app nodes on a real redis-server
 * behind HAProxy (cookie), nginx (client IP) and Apache (route cookie), each with the config
 * `components/proxies` renders.
 */
import { strict as assert } from "node:assert";
import type { Socket } from "socket.io-client";
import { resolveFleetSpec } from "../../../components/shared";
import type { ResolvedFleetSpec, StickinessMode } from "../../../components/shared/args";
import type { ProxyKind } from "../../../app/local/proxyProcess";
import { requireBinary } from "../../helpers/binaries";
import {
  type ClientOptions,
  clientPerNode,
  closeAllClients,
  connectClient,
  expectExactly,
  recordMessages,
  whoami,
} from "../../helpers/clients";
import { type FleetNode, startNodes, terminate } from "../../helpers/fleet";
import { type RunningProxy, requireProxy, startProxy } from "../../helpers/proxies";
import { stopAll } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import { SESSION_ID_UNKNOWN, handshake, poll, upgradeStatus } from "./rawHttp";

const ALLOWED_ORIGIN = "http://allowed.localhost:5173";

interface Case {
  kind: ProxyKind;
  mode: StickinessMode;
  /** Options of the i-th client: nginx hashes the client address, so each binds its own. */
  clientOptions: (i: number) => ClientOptions;
}

const CASES: Case[] = [
  { kind: "haproxy", mode: "cookie", clientOptions: () => ({}) },
  {
    kind: "nginx",
    mode: "client-ip",
    clientOptions: (i) => ({ localAddress: `127.0.${i + 1}.1` }),
  },
  { kind: "apache", mode: "cookie", clientOptions: () => ({}) },
];

for (const c of CASES) {
  describe(`behind ${c.kind} (${c.mode} stickiness): 3 nodes + redis-server`, function () {
    this.timeout(60_000);
    let redis: RedisServer;
    let spec: ResolvedFleetSpec;
    let nodes: FleetNode[];
    let proxy: RunningProxy;
    let proxyBinary: string;

    before(async function () {
      const redisBinary = requireBinary(this, "redis-server");
      proxyBinary = requireProxy(this, c.kind);
      spec = resolveFleetSpec({
        image: "local",
        replicas: 3,
        stickiness: { mode: c.mode },
        cors: { origins: [ALLOWED_ORIGIN] },
      });
      redis = await startRedis(redisBinary);
      nodes = await startNodes(spec, redis);
      proxy = await startProxy(proxyBinary, c.kind, spec, nodes);
    });

    afterEach(() => closeAllClients());
    after(async () => {
      closeAllClients();
      await stopAll();
    });

    it("a polling-only client completes the handshake and exchanges 20 messages", async () => {
      const socket = await connectClient(proxy.url, {
        ...c.clientOptions(0),
        transports: ["polling"],
      });
      assert.equal(socket.io.engine.transport.name, "polling");
      const received = recordMessages(socket);
      for (let i = 0; i < 20; i++) socket.emit("message", { seq: i });
      await expectExactly("echoed messages", () => received.length, 20);
      assert.deepEqual(
        received.map((m) => (m.payload as { seq: number }).seq),
        [...Array(20).keys()],
      );
      assert.equal(socket.io.engine.transport.name, "polling");
    });

    it("a polling client upgrades to websocket and keeps its session", async () => {
      const socket = await connectClient(proxy.url, c.clientOptions(1));
      const before = await whoami(socket);
      if (socket.io.engine.transport.name !== "websocket") {
        await new Promise((resolve) => socket.io.engine.once("upgrade", resolve));
      }
      assert.equal(socket.io.engine.transport.name, "websocket");
      assert.equal(await whoami(socket), before);
    });

    it("a message from a client on one node reaches every client on every node exactly once", async () => {
      const clients = await clientPerNode(proxy.url, 3, (i) => ({
        ...c.clientOptions(i),
        transports: ["polling"],
      }));
      const inboxes = new Map<string, ReturnType<typeof recordMessages>>();
      for (const [node, socket] of clients) inboxes.set(node, recordMessages(socket));
      for (const [node, socket] of clients) socket.emit("message", { from: node });
      for (const [node, inbox] of inboxes) {
        await expectExactly(`messages at ${node}`, () => inbox.length, 3);
        const senders = inbox.map((m) => `${m.nodeId}:${(m.payload as { from: string }).from}`);
        assert.deepEqual(senders.sort(), ["node-1:node-1", "node-2:node-2", "node-3:node-3"]);
      }
    });

    it("a websocket upgrade with an Origin not in the list is refused with 403", async () => {
      assert.equal(await upgradeStatus(proxy.url, "http://evil.example"), 403);
      assert.equal(await upgradeStatus(proxy.url, ALLOWED_ORIGIN), 101);
    });

    if (c.mode === "cookie") {
      it("the sticky cookie is what keeps a polling session: every request of a session with it gets 200", async () => {
        for (let i = 0; i < 3; i++) {
          const { sid, cookies } = await handshake(proxy.url);
          assert.equal(cookies.length, 1, "the proxy sets one sticky cookie");
          const connect = await poll(proxy.url, sid, cookies, "40");
          assert.deepEqual([connect.status, connect.body], [200, "ok"]);
          const connected = await poll(proxy.url, sid, cookies);
          assert.equal(connected.status, 200, connected.body);
          assert.match(connected.body, /^40\{"sid":/);
        }
      });
    }

    it("negative control: without stickiness the second polling request gets 400 Session ID unknown", async () => {
      const none = { ...spec, stickiness: { ...spec.stickiness, mode: "none" as const } };
      const roundRobin = await startProxy(proxyBinary, c.kind, none, nodes);
      try {
        const { sid, cookies } = await handshake(roundRobin.url);
        assert.deepEqual(cookies, []);
        const res = await poll(roundRobin.url, sid);
        assert.equal(res.status, 400);
        assert.equal(res.body, SESSION_ID_UNKNOWN);
        // And the Socket.IO client fails the same way through it.
        const failed = await connectClient(roundRobin.url, { transports: ["polling"] }).then(
          (s: Socket) => s,
          (err: Error) => err,
        );
        if (!(failed instanceof Error)) {
          // The handshake may land on the node that created it; any later request may not.
          await whoami(failed).then(
            () => assert.fail("a polling session survived round robin across 3 nodes"),
            () => undefined,
          );
        }
      } finally {
        await terminate(roundRobin.process);
      }
    });
  });
}
