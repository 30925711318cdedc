/**
 * Exact metric values of one in-process server (memory adapter, demo protocol): events counted
 * once per packet received and once per packet sent to each client, acks not counted, and the
 * connected-clients gauge following connects and disconnects.
 */
import assert from "node:assert/strict";
import { createFleetServer, type FleetServer, parseAppEnv } from "../../../app/src/index";
import { allExactly, times } from "../../helpers/deliveries";
import { fetchMetrics, metricValue } from "../../helpers/metricsText";
import { waitFor } from "../../helpers/processes";
import { closeClients, connectClient, whoami } from "../../helpers/socketClients";

describe("app /metrics values (in-process, memory adapter)", function () {
  let fleet: FleetServer;
  let base: string;

  before(async () => {
    const config = parseAppEnv({
      SOCKETIO_ADAPTER: "memory",
      PORT: "0",
      NODE_ID: "metrics-node",
      LOG_LEVEL: "silent",
    });
    fleet = createFleetServer(config, { host: "127.0.0.1", drain: { graceMs: 0 } });
    base = `http://127.0.0.1:${await fleet.listen()}`;
  });
  after(async () => {
    closeClients();
    await fleet.close();
  });

  const value = async (name: string) => metricValue(await fetchMetrics(base), name);

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
