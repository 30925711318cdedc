import assert from "node:assert/strict";
import { BACKOFF, nextCrashCount, restartDelayMs } from "../../../app/local/backoff";
import { metricSum } from "../../../app/local/dashboard/fleetState";

describe("local fleet restart backoff", () => {
  it("starts at 0.5 s and doubles per consecutive crash up to 30 s", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => restartDelayMs(n));
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("a run of a healthy minute resets the count; a shorter one adds to it", () => {
    assert.equal(nextCrashCount(6, BACKOFF.healthyResetMs), 1);
    assert.equal(nextCrashCount(6, BACKOFF.healthyResetMs - 1), 7);
    assert.equal(nextCrashCount(0, 10), 1);
  });
});

describe("dashboard metric reading", () => {
  const text = [
    "# HELP socketio_connected_clients Connected clients",
    "# TYPE socketio_connected_clients gauge",
    'socketio_connected_clients{node_id="node-1"} 3',
    'socketio_connected_clients_other{node_id="node-1"} 100',
    'socketio_events_sent_total{node_id="node-1",event="message"} 7',
    'socketio_events_sent_total{node_id="node-1",event="whoami"} 2',
  ].join("\n");

  it("sums every sample of one metric, and only of that metric", () => {
    assert.equal(metricSum(text, "socketio_connected_clients"), 3);
    assert.equal(metricSum(text, "socketio_events_sent_total"), 9);
    assert.equal(metricSum(text, "socketio_events_received_total"), 0);
    assert.equal(metricSum("", "socketio_connected_clients"), 0);
  });
});
