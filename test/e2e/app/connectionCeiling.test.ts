/**
 * The app's hard ceiling (`MAX_CONNECTIONS`) on a real `main.js` node: at N connected clients a
 * new session's handshake, polling or websocket, gets 503 with `Retry-After` and is logged with
 * the reason `at-capacity`; requests of the N sessions are never refused (their upgrade to
 * websocket carries the sid); one leaving makes room. Without the key there is no ceiling.
 * (With a balancer in front: `test/e2e/autoscale/ceiling.test.ts`.)
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import { assertAppBuilt, logLines, startAppNode } from "../../helpers/appNodes";
import { closeAllClients, connectClient, whoami } from "../../helpers/clients";
import { fetchMetrics, metricValue } from "../../helpers/metricsText";
import { stopAll, waitFor } from "../../helpers/processes";
import { get, tryUpgrade } from "../../helpers/rawHttp";

const BASE_ENV = { SOCKETIO_ADAPTER: "memory" };

describe("app connection ceiling (MAX_CONNECTIONS, real node)", function () {
  this.timeout(60_000);
  before(assertAppBuilt);
  afterEach(async () => {
    closeAllClients();
    await stopAll();
  });

  it("refuses the (N+1)th new session with 503 + Retry-After, keeps the N working", async () => {
    const node = await startAppNode("capped", { ...BASE_ENV, MAX_CONNECTIONS: "2" });
    const sockets: Socket[] = [await connectClient(node.url), await connectClient(node.url)];
    await waitFor("both upgraded to websocket (requests with a sid)", () =>
      sockets.every((s) => s.io.engine.transport.name === "websocket"),
    );
    const handshake = `${node.url}/socket.io/?EIO=4&transport=polling`;
    const refused = await get(handshake);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers["retry-after"], "1");
    assert.equal(await tryUpgrade(`${node.url}/socket.io/?EIO=4&transport=websocket`), 503);
    for (const s of sockets) assert.equal(await whoami(s), "capped");
    const refusals = logLines(node.process).filter((l) => l.msg === "request refused");
    assert.deepEqual(
      refusals.map((l) => [l.status, l.reason]),
      [
        [503, "at-capacity"],
        [503, "at-capacity"],
      ],
    );
    const counted = await fetchMetrics(node.metricsUrl);
    const atCapacity =
      /^socketio_connection_errors_total\{[^}]*reason="at_capacity"[^}]*\} (\S+)$/m;
    assert.equal(Number(atCapacity.exec(counted)?.[1]), 2, "both refusals counted as at_capacity");

    sockets[0].disconnect();
    await waitFor("one client left", async () => {
      const text = await fetchMetrics(node.metricsUrl);
      return metricValue(text, "socketio_connected_clients") === 1;
    });
    sockets[0] = await connectClient(node.url);
    assert.equal(await whoami(sockets[0]), "capped", "room again after one left");
  });

  it("has no ceiling without MAX_CONNECTIONS", async () => {
    const node = await startAppNode("uncapped", BASE_ENV);
    for (let i = 0; i < 5; i++) await connectClient(node.url);
    assert.equal((await get(`${node.url}/socket.io/?EIO=4&transport=polling`)).status, 200);
  });
});
