import assert from "node:assert/strict";
import { Autoscaler, connectedClients } from "../../../app/local/autoscaler";
import type { LocalFleet } from "../../../app/local/fleet";

describe("engine autoscaler rule", () => {
  const autoscaler = new Autoscaler({ nodes: [] } as unknown as LocalFleet, {
    min: 2,
    max: 5,
    connectionsPerNode: 100,
  });

  it("desired = ceil(clients / capacity) within [min, max]", () => {
    assert.equal(autoscaler.desiredFor(0), 2);
    assert.equal(autoscaler.desiredFor(200), 2);
    assert.equal(autoscaler.desiredFor(201), 3);
    assert.equal(autoscaler.desiredFor(500), 5);
    assert.equal(autoscaler.desiredFor(10_000), 5);
  });

  it("derives its removal period from the capacity with min survivors", () => {
    assert.equal(autoscaler.bound.survivorsAcceptPerMinute, 2 * 200 * 60);
    // 100 clients: 2 batches of 50, 2 s grace + 0.25 s, + 30 s settle, rounded up
    assert.equal(autoscaler.bound.removalPeriodSeconds, 33);
  });

  it("reads socketio_connected_clients with or without labels", () => {
    assert.equal(connectedClients("# HELP x\nsocketio_connected_clients 42\n"), 42);
    assert.equal(connectedClients('socketio_connected_clients{node="n1"} 7'), 7);
    assert.equal(connectedClients("socketio_connected_clients_by_transport 3"), undefined);
  });
});
