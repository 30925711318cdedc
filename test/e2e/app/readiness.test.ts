/**
 * What `/readyz` means, on a real `main.js` node and a real redis-server, for each adapter:
 * not ready until every adapter connection has been connected once (a first deploy that cannot
 * reach Redis never takes clients); ready from then on, also while Redis is down (the outage is
 * `socketio_redis_connected{role}` = 0 and a log line, not an empty balancer); not ready while
 * draining.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { assertAppBuilt, logLines, startAppNode } from "../../helpers/appNodes";
import { requireBinary } from "../../helpers/binaries";
import { fetchMetrics, metricByLabel } from "../../helpers/metricsText";
import { stopAll, waitFor, waitForHttp } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";
import { closeClients, connectClient } from "../../helpers/socketClients";

for (const adapter of ["redis", "redis-streams"] as const) {
  describe(`app readiness: connected once, then Redis health in metrics (${adapter})`, function () {
    this.timeout(60_000);
    after(async () => {
      closeClients();
      await stopAll();
    });

    it("503 before the first connection, 200 after it and through an outage, 503 draining", async function () {
      const binary = requireBinary(this, "redis-server", "redis-server");
      assertAppBuilt();
      const redis = await startRedis(binary);
      await redis.stop(); // its port and password stay: the node is configured for it
      const node = await startAppNode(`ready-${adapter}`, {
        SOCKETIO_ADAPTER: adapter,
        REDIS_URL: redis.url,
        DRAIN_GRACE_MS: "3000", // with a client connected, the drain keeps the node up this long
      });
      const readyz = async () => {
        const res = await fetch(`${node.url}/readyz`);
        return { status: res.status, body: (await res.json()) as { redisConnectedOnce: boolean } };
      };
      const gauges = async () =>
        metricByLabel(await fetchMetrics(node.metricsUrl), "socketio_redis_connected", "role");

      await sleep(1500); // several reconnection attempts
      const before = await readyz();
      assert.equal(before.status, 503, "not ready before the first connection");
      assert.equal(before.body.redisConnectedOnce, false);

      await redis.restart();
      await waitForHttp(`${node.url}/readyz`, { watch: node.process });
      assert.equal((await readyz()).body.redisConnectedOnce, true);
      assert.ok(Object.values(await gauges()).every((v) => v === 1));

      await redis.stop();
      await waitFor("every role disconnected", async () =>
        Object.values(await gauges()).every((v) => v === 0),
      );
      for (let i = 0; i < 5; i++) {
        assert.equal((await readyz()).status, 200, "ready while Redis is down");
        await sleep(200);
      }
      assert.ok(logLines(node.process).some((l) => l.msg === "redis connection lost"));

      await connectClient(node.url);
      node.process.child.kill("SIGTERM");
      await waitForHttp(`${node.url}/readyz`, { status: 503, watch: node.process });
    });
  });
}
