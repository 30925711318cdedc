/**
 * The hard ceiling (`MAX_CONNECTIONS`, from the spec's `maxConnectionsPerNode`) on real nodes
 * behind a real HAProxy: at N clients a node refuses the (N+1)th new session with 503 and
 * `Retry-After`, polling or websocket, while its N sessions keep working (including their
 * upgrade to websocket); one leaving makes room again; through the proxy a new session refused
 * by a full node is retried on another node, and the client never sees the 503.
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import { resolveFleetSpec } from "../../../components/shared";
import { UPSTREAM_NAME } from "../../../components/proxies/common";
import { connectedClients } from "../../../app/local/autoscaler";
import { LocalFleet } from "../../../app/local/fleet";
import { haproxyCommand } from "../../../app/local/proxyProcess";
import { requireBinary } from "../../helpers/binaries";
import { closeAllClients, connectClient, whoami } from "../../helpers/clients";
import { TEST_NODE_ENV } from "../../helpers/fleet";
import { stopAll, waitFor } from "../../helpers/processes";
import { requireProxy } from "../../helpers/proxies";
import { get, tryUpgrade } from "../../helpers/rawHttp";

const CEILING = 3;

describe("connection ceiling (MAX_CONNECTIONS)", function () {
  this.timeout(90_000);
  let fleet: LocalFleet | undefined;
  afterEach(async () => {
    closeAllClients();
    await fleet?.stop();
    fleet = undefined;
    await stopAll();
  });

  it("the (N+1)th new session gets 503 + Retry-After, the first N keep working; through HAProxy it lands on another node", async function () {
    fleet = await LocalFleet.start({
      spec: resolveFleetSpec({
        image: "local",
        replicas: 2,
        connectionsPerNode: CEILING,
        maxConnectionsPerNode: CEILING,
      }),
      redisBinary: requireBinary(this, "redis-server"),
      proxy: { kind: "haproxy", binary: requireProxy(this, "haproxy") },
      restart: "never",
      nodeEnv: TEST_NODE_ENV,
    });
    const node1 = fleet.node("node-1");
    const first: Socket[] = [];
    for (let i = 0; i < CEILING; i++) first.push(await connectClient(node1.url));
    // Their upgrade to websocket is a request of an existing session (it carries the sid).
    await waitFor("the first N upgraded to websocket", () =>
      first.every((s) => s.io.engine.transport.name === "websocket"),
    );

    const handshake = `${node1.url}/socket.io/?EIO=4&transport=polling`;
    const refused = await get(handshake);
    assert.equal(refused.status, 503, "polling handshake above the ceiling");
    assert.equal(refused.headers["retry-after"], "1");
    assert.equal(refused.body, "At capacity");
    assert.equal(
      await tryUpgrade(`${node1.url}/socket.io/?EIO=4&transport=websocket`),
      503,
      "websocket handshake above the ceiling",
    );
    await assert.rejects(connectClient(node1.url), "a client's (N+1)th session");
    for (const socket of first) assert.equal(await whoami(socket), "node-1", "the first N work");

    first[0].disconnect();
    // (A raw handshake would itself open a session: watch the count instead.)
    await waitFor("node-1 to count N - 1 clients", async () => {
      const text = await (await fetch(`http://127.0.0.1:${node1.metricsPort}/metrics`)).text();
      return connectedClients(text) === CEILING - 1;
    });
    first[0] = await connectClient(node1.url);

    // Through HAProxy: round robin sends some handshakes to node-1, full, which answers 503;
    // `retry-on 503` + `option redispatch 1` send them to node-2. No client sees the 503.
    const proxied = [];
    for (let i = 0; i < CEILING; i++) proxied.push(await connectClient(fleet.proxy!.url));
    const nodes = await Promise.all(proxied.map(whoami));
    assert.deepEqual(nodes, ["node-2", "node-2", "node-2"], "every new session on node-2");
    const stats = await haproxyStats(fleet.proxy!.prepared.statsSocket!, "node-1");
    // node-1 is up and accepts connections: its 503 is what HAProxy retried and redispatched
    // (HAProxy counts a retried response in wretr/wredis, not in hrsp_5xx).
    assert.ok(
      stats.wretr >= 1 && stats.wredis >= 1,
      `HAProxy retried node-1's 503: ${JSON.stringify(stats)}`,
    );
    for (const socket of first)
      assert.equal(await whoami(socket), "node-1", "node-1's N still work");
  });
});

/** A server's retry and redispatch counters from HAProxy's `show stat`. */
async function haproxyStats(socket: string, server: string) {
  const [header, ...rows] = (await haproxyCommand(socket, "show stat")).split("\n");
  const columns = header.replace(/^# /, "").split(",");
  const row = rows.map((r) => r.split(",")).find((c) => c[0] === UPSTREAM_NAME && c[1] === server);
  if (row === undefined) throw new Error(`no ${server} in show stat`);
  const value = (name: string) => Number(row[columns.indexOf(name)] ?? 0);
  return { wretr: value("wretr"), wredis: value("wredis") };
}
