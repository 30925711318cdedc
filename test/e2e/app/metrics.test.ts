/**
 * Exact metric values of one in-process server (memory adapter, demo protocol): events counted
 * once per packet received and once per packet sent to each client, acks not counted, and the
 * connected-clients gauge following connects and disconnects. Metrics are served only on the
 * metrics listener (`METRICS_PORT: 0`, the bound port on `fleet.metricsPort`), which serves
 * nothing else; the app's port answers 404 for `/metrics`.
 */
import assert from "node:assert/strict";
import type { FleetServer } from "../../../app/src/index";
import { inProcessNode } from "../../helpers/inProcessNode";
import { allExactly, times } from "../../helpers/deliveries";
import { fetchMetrics, metricValue } from "../../helpers/metricsText";
import { waitFor } from "../../helpers/processes";
import { closeClients, connectClient, whoami } from "../../helpers/socketClients";

describe("app /metrics values (in-process, memory adapter)", function () {
  let fleet: FleetServer;
  let base: string;
  let metricsBase: string;

  before(async () => {
    fleet = inProcessNode("metrics-node", { SOCKETIO_ADAPTER: "memory" });
    base = `http://127.0.0.1:${await fleet.listen()}`;
    metricsBase = `http://127.0.0.1:${fleet.metricsPort}`;
  });
  after(async () => {
    closeClients();
    await fleet.close();
  });

  const value = async (name: string) => metricValue(await fetchMetrics(metricsBase), name);

  it("serves /metrics on its own port only, and nothing else there", async () => {
    assert.ok(fleet.metricsPort !== undefined && fleet.metricsPort !== 0);
    assert.notEqual(metricsBase, base);
    const onAppPort = await fetch(`${base}/metrics`);
    assert.equal(onAppPort.status, 404, "the balanced port does not serve metrics");
    assert.doesNotMatch(await onAppPort.text(), /socketio_/);
    const metrics = await fetch(`${metricsBase}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^socketio_connected_clients\{node_id="metrics-node"\} 0$/m);
    for (const path of ["/", "/readyz", "/healthz", "/socket.io/?EIO=4&transport=polling"]) {
      assert.equal((await fetch(`${metricsBase}${path}`)).status, 404, path);
    }
    const post = await fetch(`${metricsBase}/metrics`, { method: "POST" });
    assert.equal(post.status, 404);
  });

  it("counts events in and out exactly and follows the connected clients", async () => {
    const [a, b] = await Promise.all([connectClient(base), connectClient(base)]);
    assert.equal(await value("socketio_connected_clients"), 2);
    const atA = times(2, "messages at A");
    const atB = times(2, "messages at B");
    a.on("message", atA);
    b.on("message", atB);
    assert.equal(await whoami(a), "metrics-node"); // 1 event in, its ack is not an event
    a.emit("message", 1);
    a.emit("message", { two: 2 });
    await allExactly([atA, atB]);

    assert.equal(await value("socketio_events_received_total"), 3);
    assert.equal(await value("socketio_events_sent_total"), 4); // 2 messages × 2 clients
    assert.equal(await value("socketio_adapter_errors_total"), 0);

    b.disconnect();
    await waitFor(
      "the gauge to drop to 1",
      async () => (await value("socketio_connected_clients")) === 1,
    );
  });
});
