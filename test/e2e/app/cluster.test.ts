/**
 * Node.js cluster mode, the real `node dist/app/src/cluster.js` with CLUSTER_WORKERS=3 and no
 * Redis: polling-only clients (routed by sid by @socket.io/sticky, no cookie) land on several
 * workers, and a broadcast crosses workers exactly once per client.
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import { type AppNode, assertAppBuilt, startAppNode } from "../../helpers/appNodes";
import { expectBroadcastEverywhere, warmUp } from "../../helpers/broadcast";
import { stopAll, waitFor } from "../../helpers/processes";
import { closeClients, connectClient, whoami } from "../../helpers/socketClients";

describe("app cluster mode: cluster.js with 3 workers", function () {
  this.timeout(60_000);
  let primary: AppNode;

  before(async () => {
    assertAppBuilt();
    primary = await startAppNode("cluster", { CLUSTER_WORKERS: "3" }, "cluster");
  });
  afterEach(closeClients);
  after(stopAll);

  it("spreads polling clients over workers and broadcasts across them exactly once", async () => {
    const clients: { socket: Socket; nodeId: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const socket = await connectClient(primary.url, { transports: ["polling"] });
      clients.push({ socket, nodeId: await whoami(socket) });
    }
    const workers = new Set(clients.map((c) => c.nodeId));
    assert.ok(workers.size >= 2, `clients on ${[...workers].join(", ")}`);
    for (const id of workers) assert.match(id, /^cluster-w\d+$/);

    const sockets = clients.map((c) => c.socket);
    await warmUp(sockets);
    // One sender per worker: every message must reach the clients of every worker.
    const senders = [...workers].map((id) => clients.find((c) => c.nodeId === id)!);
    await expectBroadcastEverywhere(senders, sockets);
  });

  it("drains its workers and exits 0 on SIGTERM", async () => {
    primary.process.child.kill("SIGTERM");
    const { child } = primary.process;
    const code = await waitFor(
      "cluster.js to exit",
      () => child.exitCode ?? child.signalCode ?? undefined,
      {
        timeoutMs: 25_000,
      },
    );
    assert.equal(code, 0, primary.process.output());
    assert.equal((primary.process.output().match(/"msg":"shut down"/g) ?? []).length, 3);
  });
});
