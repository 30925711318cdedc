/**
 * The real entry point `node dist/app/src/main.js`: a bad environment exits 1 naming every bad
 * variable (never echoing the Redis secret); SIGTERM drains connected clients and exits 0.
 */
import assert from "node:assert/strict";
import type { Socket } from "socket.io-client";
import { requireBinary } from "../../helpers/binaries";
import { APP_ENTRY, assertAppBuilt, logLines, startAppNode } from "../../helpers/appNodes";
import { start, stopAll, waitFor, waitForHttp } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";
import { freePort } from "../../helpers/ports";
import { closeClients, connectClient } from "../../helpers/socketClients";

describe("app entry point main.js", function () {
  this.timeout(60_000);
  before(assertAppBuilt);
  afterEach(closeClients);
  after(stopAll);

  it("exits 1 on a bad environment, naming each bad variable without echoing secrets", async () => {
    const proc = start("bad-env", process.execPath, [APP_ENTRY.main], {
      env: {
        PATH: process.env.PATH ?? "",
        PORT: "http",
        SOCKETIO_ADAPTER: "redis",
        REDIS_URL: "http://:hunter2@redis.internal:6379",
        CORS_ORIGINS: "https://ok.example,not-an-origin",
      },
    });
    assert.equal(await proc.exited, 1);
    const output = proc.output();
    assert.match(output, /Invalid app environment/);
    assert.match(output, /PORT="http" must be an integer/);
    assert.match(output, /REDIS_URL must start with redis:\/\/ or rediss:\/\//);
    assert.match(output, /CORS_ORIGINS entry "not-an-origin"/);
    assert.doesNotMatch(output, /hunter2/);
    assert.doesNotMatch(output, /"msg":"listening"/);
  });

  it("listens and reports not ready while Redis is unreachable", async () => {
    const closedPort = await freePort();
    const node = await startAppNode("no-redis", {
      SOCKETIO_ADAPTER: "redis",
      REDIS_URL: `redis://:secret@127.0.0.1:${closedPort}`,
    });
    assert.equal((await fetch(`${node.url}/healthz`)).status, 200);
    const readyz = await fetch(`${node.url}/readyz`);
    assert.equal(readyz.status, 503);
    const body = (await readyz.json()) as { ready: boolean; redis: string[] };
    assert.equal(body.ready, false);
    assert.equal(body.redis.length, 2, "publisher and subscriber");
    await waitFor("a connection error in the log", () =>
      logLines(node.process).some((l) => l.msg === "redis connection error"),
    );
  });

  it("on SIGTERM: /readyz 503 and new sessions refused at once, clients dropped, exit 0", async function () {
    const binary = requireBinary(this, "redis-server", "redis-server");
    const redis = await startRedis(binary);
    const node = await startAppNode("drain", {
      SOCKETIO_ADAPTER: "redis",
      REDIS_URL: redis.url,
      DRAIN_GRACE_MS: "3000",
    });
    await waitForHttp(`${node.url}/readyz`, { watch: node.process });
    const reasons: string[] = [];
    const clients: Socket[] = await Promise.all(
      [["polling"], ["websocket"], ["polling"], ["websocket"]].map((transports) =>
        connectClient(node.url, { transports }),
      ),
    );
    for (const client of clients) client.on("disconnect", (reason) => reasons.push(reason));

    node.process.child.kill("SIGTERM");
    // During the grace period the node still answers, but as not ready.
    await waitForHttp(`${node.url}/readyz`, { status: 503, watch: node.process });
    const handshake = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(handshake.status, 503);
    assert.equal(reasons.length, 0, "clients are kept during the grace period");

    const { child } = node.process;
    const exitCode = await waitFor(
      "main.js to exit",
      () => child.exitCode ?? child.signalCode ?? undefined,
      {
        timeoutMs: 25_000,
      },
    );
    assert.equal(exitCode, 0, node.process.output());
    assert.equal(reasons.length, clients.length);
    for (const reason of reasons)
      assert.ok(["transport close", "io server disconnect"].includes(reason), reason);
    const messages = logLines(node.process).map((l) => l.msg);
    assert.ok(messages.includes("draining clients"));
    assert.ok(messages.includes("shut down"));
  });
});
