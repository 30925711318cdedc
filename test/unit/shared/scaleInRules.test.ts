import assert from "node:assert/strict";
import {
  DRAIN_BATCHES,
  MIN_DRAIN_BATCH,
  defaultConnectionsPerNode,
  drainBatchSize,
  proxyServerMaxconn,
  scaleInBound,
} from "../../../components/shared";

describe("scale-in bound", () => {
  it("drains a full node in 40 batches of at least 50, as the app does", () => {
    assert.equal(drainBatchSize(9800), 245);
    assert.equal(drainBatchSize(100), MIN_DRAIN_BATCH);
    assert.equal(Math.ceil(9800 / drainBatchSize(9800)), DRAIN_BATCHES);
  });

  it("512 MiB node, one survivor: 11.75 s drain, one removal per 49 s, moves within what the survivor accepts", () => {
    const bound = scaleInBound(defaultConnectionsPerNode(512));
    assert.deepEqual(bound, {
      clients: 9800,
      batchSize: 245,
      batches: 40,
      drainSeconds: 11.75,
      peakReconnectsPerSecond: 980,
      removalPeriodSeconds: 49,
      nodesPerMinute: 60 / 49,
      clientsMovedPerMinute: 12000,
      survivorsAcceptPerMinute: 12000,
    });
  });

  it("keeps clients moved per minute at or below what the survivors accept, for any capacity", () => {
    for (const capacity of [10, 500, 2000, 9800, 22900, 49100, 200000]) {
      for (const survivors of [1, 2, 5, 20]) {
        const b = scaleInBound(capacity, { survivors });
        assert.ok(
          b.clientsMovedPerMinute <= b.survivorsAcceptPerMinute,
          `${capacity} per node, ${survivors} survivors: ${JSON.stringify(b)}`,
        );
        assert.ok(b.removalPeriodSeconds >= b.drainSeconds + 30, "never before a drain settled");
      }
    }
  });

  it("small nodes: the drain and the settle time set the period", () => {
    const b = scaleInBound(4, { drainGraceMs: 500, settleSeconds: 2 });
    assert.equal(b.batches, 1);
    assert.equal(b.drainSeconds, 0.5);
    assert.equal(b.removalPeriodSeconds, 3);
    assert.equal(b.peakReconnectsPerSecond, 16);
  });

  it("HAProxy's maxconn per node is twice the ceiling, none without a ceiling", () => {
    assert.equal(proxyServerMaxconn(8000), 16000);
    assert.equal(proxyServerMaxconn(undefined), undefined);
  });
});
