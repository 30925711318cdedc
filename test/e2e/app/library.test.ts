/**
 * `createFleetServer` as a library, in-process: two servers on one real redis-server with the
 * demo protocol off and the caller's own handlers; `listen()`, readiness, the demo page, and
 * `close()` releasing Redis.
 */
import assert from "node:assert/strict";
import type { Socket as ServerSocket } from "socket.io";
import type { FleetServer } from "../../../app/src/index";
import { inProcessNode } from "../../helpers/inProcessNode";
import { requireBinary } from "../../helpers/binaries";
import { allExactly, times } from "../../helpers/deliveries";
import { stopAll, waitFor, waitForHttp } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import { closeClients, connectClient } from "../../helpers/socketClients";

describe("app createFleetServer as a library (in-process, redis adapter)", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  const fleets: FleetServer[] = [];
  const bases: string[] = [];
  const serverSockets: ServerSocket[] = [];

  before(async function () {
    const binary = requireBinary(this, "redis-server", "redis-server");
    redis = await startRedis(binary);
    for (const nodeId of ["lib-a", "lib-b"]) {
      const fleet = inProcessNode(
        nodeId,
        { SOCKETIO_ADAPTER: "redis", REDIS_URL: redis.url },
        { demo: false },
      );
      fleet.onConnection((socket) => {
        serverSockets.push(socket);
        socket.on("chat", (text: string) => fleet.io.emit("chat", `${fleet.nodeId}: ${text}`));
      });
      fleets.push(fleet);
      bases.push(`http://127.0.0.1:${await fleet.listen()}`);
    }
    await Promise.all(bases.map((base) => waitForHttp(`${base}/readyz`)));
  });
  afterEach(closeClients);
  after(async () => {
    await Promise.all(fleets.map((f) => f.close()));
    await stopAll();
  });

  it("runs the caller's handlers across nodes, without the demo protocol", async () => {
    const [a, b] = await Promise.all(bases.map((base) => connectClient(base)));
    const atA = times<string>(1, "chat at A");
    const atB = times<string>(1, "chat at B");
    a.on("chat", atA);
    b.on("chat", atB);
    await waitFor("both subscriptions", () => fleets.every((f) => f.readiness().ready));
    a.emit("chat", "hello");
    await allExactly([atA, atB]);
    assert.deepEqual([atA.calls, atB.calls], [["lib-a: hello"], ["lib-a: hello"]]);
    for (const socket of serverSockets) assert.equal(socket.listeners("whoami").length, 0);
  });

  it("serves the demo page at / and reports readiness with each Redis connection", async () => {
    const page = await fetch(`${bases[0]}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    assert.match(await page.text(), /<script src="app.js">/);
    assert.equal((await fetch(`${bases[0]}/app.js`)).status, 200);
    assert.equal((await fetch(`${bases[0]}/socket.io/socket.io.js`)).status, 200);
    assert.equal((await fetch(`${bases[0]}/nope`)).status, 404);
    assert.deepEqual(fleets[0].readiness(), {
      ready: true,
      draining: false,
      redisConnectedOnce: true,
      redis: ["ready", "ready"],
    });
  });

  it("close() drains, refuses new sessions and releases every Redis connection", async () => {
    const fleet = fleets[1];
    const client = await connectClient(bases[1]);
    const disconnected = new Promise<string>((resolve) => client.once("disconnect", resolve));
    await fleet.close();
    assert.deepEqual(fleet.readiness(), {
      ready: false,
      draining: true,
      redisConnectedOnce: true,
      redis: ["end", "end"],
    });
    assert.equal(fleet.httpServer.listening, false);
    assert.ok(["transport close", "transport error"].includes(await disconnected));
    await fleet.close(); // idempotent
  });

  it("close() completes while Redis is down", async () => {
    await redis.stop();
    await waitFor("node A to see Redis down", () =>
      fleets[0].readiness().redis.every((status) => status !== "ready"),
    );
    assert.equal(fleets[0].readiness().ready, true, "still ready: it was connected");
    await fleets[0].close();
    assert.equal(fleets[0].readiness().draining, true);
    assert.equal(fleets[0].httpServer.listening, false);
  });
});
