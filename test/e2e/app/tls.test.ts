/**
 * `rediss://` with a private CA: two real `main.js` nodes trust it through NODE_EXTRA_CA_CERTS
 * (no app code: ioredis uses TLS for rediss:// and Node's trust store reads that variable), and a
 * node without it refuses the server certificate.
 */
import assert from "node:assert/strict";
import { requireBinary } from "../../helpers/binaries";
import {
  type AppNode,
  assertAppBuilt,
  expectRedisCertificateRefused,
  startAppNode,
} from "../../helpers/appNodes";
import { expectBroadcastEverywhere, warmUp } from "../../helpers/broadcast";
import { stopAll, waitForHttp } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import { closeClients, connectClient } from "../../helpers/socketClients";

describe("app over TLS Redis (rediss:// + NODE_EXTRA_CA_CERTS)", function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let nodes: AppNode[];

  before(async function () {
    const binary = requireBinary(this, "redis-server", "redis-server");
    assertAppBuilt();
    redis = await startRedis(binary, { tls: true });
    assert.match(redis.url, /^rediss:\/\//);
    nodes = await Promise.all(
      ["tls-a", "tls-b"].map((id) =>
        startAppNode(id, {
          SOCKETIO_ADAPTER: "redis",
          REDIS_URL: redis.url,
          NODE_EXTRA_CA_CERTS: redis.caFile!,
        }),
      ),
    );
  });
  afterEach(closeClients);
  after(stopAll);

  it("gets ready and carries broadcasts across nodes exactly once", async () => {
    await Promise.all(nodes.map((n) => waitForHttp(`${n.url}/readyz`, { watch: n.process })));
    const sockets = await Promise.all(nodes.map((n) => connectClient(n.url)));
    await warmUp(sockets);
    await expectBroadcastEverywhere(
      sockets.map((socket, i) => ({ socket, nodeId: nodes[i].process.name })),
      sockets,
    );
  });

  it("refuses the server certificate without the CA (so TLS is really verified)", async () => {
    const node = await startAppNode("tls-untrusted", {
      SOCKETIO_ADAPTER: "redis",
      REDIS_URL: redis.url,
    });
    await expectRedisCertificateRefused(node, redis.password);
  });
});
