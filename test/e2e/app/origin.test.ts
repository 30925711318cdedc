/**
 * Browser-facing rules of one in-process `createFleetServer` (memory adapter): the Origin check
 * on handshakes and websocket upgrades, credentialed CORS headers, and the sticky cookie.
 */
import assert from "node:assert/strict";
import type { FleetServer } from "../../../app/src/server";
import { inProcessNode } from "../../helpers/inProcessNode";
import { get, sidOf, tryUpgrade } from "../../helpers/rawHttp";
import { closeClients, connectClient, whoami } from "../../helpers/socketClients";

const LISTED = "http://allowed.test:8443";
const FOREIGN = "http://evil.test";

async function serve(env: Record<string, string>): Promise<{ fleet: FleetServer; base: string }> {
  const fleet = inProcessNode("origin-node", { SOCKETIO_ADAPTER: "memory", ...env });
  const port = await fleet.listen();
  return { fleet, base: `http://127.0.0.1:${port}` };
}

const polling = (base: string, sid?: string) =>
  `${base}/socket.io/?EIO=4&transport=polling${sid ? `&sid=${sid}` : ""}`;
const websocket = (base: string, sid?: string) =>
  `${base}/socket.io/?EIO=4&transport=websocket${sid ? `&sid=${sid}` : ""}`;

describe("app origin check, CORS and sticky cookie (cross-site origins listed)", function () {
  let fleet: FleetServer;
  let base: string;

  before(async () => {
    ({ fleet, base } = await serve({
      CORS_ORIGINS: `${LISTED},http://other.test`,
      CORS_CREDENTIALS: "true",
      STICKY_COOKIE_NAME: "SIO_APP",
    }));
  });
  afterEach(closeClients);
  after(() => fleet.close());

  it("refuses a polling handshake from a foreign Origin with 403", async () => {
    const res = await get(polling(base), { Origin: FOREIGN });
    assert.equal(res.status, 403);
    assert.equal(res.headers["set-cookie"]?.length, 0);
  });

  it("refuses a websocket handshake from a foreign Origin with 403", async () => {
    assert.equal(await tryUpgrade(websocket(base), { Origin: FOREIGN }), 403);
  });

  it("refuses the websocket upgrade of an existing session from a foreign Origin with 403", async () => {
    const handshake = await get(polling(base), { Origin: LISTED });
    assert.equal(handshake.status, 200);
    const sid = sidOf(handshake.body);
    assert.equal(await tryUpgrade(websocket(base, sid), { Origin: FOREIGN }), 403);
    // The same upgrade from the listed origin is accepted: the 403 came from the Origin alone.
    assert.equal(await tryUpgrade(websocket(base, sid), { Origin: LISTED }), 101);
  });

  it("accepts a listed Origin with credentialed CORS headers and the sticky cookie", async () => {
    const res = await get(polling(base), { Origin: LISTED });
    assert.equal(res.status, 200);
    assert.equal(res.headers["access-control-allow-origin"], LISTED);
    assert.equal(res.headers["access-control-allow-credentials"], "true");
    const sid = sidOf(res.body);
    assert.deepEqual(res.headers["set-cookie"], [
      `SIO_APP=${sid}; Path=/; HttpOnly; Secure; SameSite=None`,
    ]);
    assert.equal(await tryUpgrade(websocket(base), { Origin: LISTED }), 101);
  });

  it("answers a CORS preflight for a listed Origin only", async () => {
    const preflight = (origin: string) =>
      fetch(polling(base), {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
      });
    const listed = await preflight(LISTED);
    assert.equal(listed.headers.get("access-control-allow-origin"), LISTED);
    assert.equal(listed.headers.get("access-control-allow-credentials"), "true");
    const foreign = await preflight(FOREIGN);
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  });

  it("accepts clients without an Origin (non-browser), on both transports", async () => {
    assert.equal((await get(polling(base))).status, 200);
    assert.equal(await tryUpgrade(websocket(base)), 101);
    for (const transports of [["polling"], ["websocket"]]) {
      const socket = await connectClient(base, { transports });
      assert.equal(await whoami(socket), "origin-node");
    }
  });

  it("accepts a same-origin request (Origin host equals Host) even when not listed", async () => {
    assert.equal((await get(polling(base), { Origin: base })).status, 200);
    assert.equal(await tryUpgrade(websocket(base), { Origin: base }), 101);
    const otherPort = base.replace(/:\d+$/, ":1");
    assert.equal((await get(polling(base), { Origin: otherPort })).status, 403);
  });
});

describe("app CORS and sticky cookie without cross-site origins", function () {
  let fleet: FleetServer;
  let base: string;

  before(async () => {
    ({ fleet, base } = await serve({ STICKY_COOKIE_NAME: "SIO_APP" }));
  });
  after(() => fleet.close());

  it("sets a SameSite=Lax cookie and no CORS headers", async () => {
    const res = await get(polling(base));
    assert.equal(res.status, 200);
    assert.deepEqual(res.headers["set-cookie"], [
      `SIO_APP=${sidOf(res.body)}; Path=/; HttpOnly; SameSite=Lax`,
    ]);
    assert.equal(res.headers["access-control-allow-origin"], undefined);
  });

  it("refuses every foreign Origin (no list means same-origin only)", async () => {
    assert.equal((await get(polling(base), { Origin: LISTED })).status, 403);
    assert.equal(await tryUpgrade(websocket(base), { Origin: LISTED }), 403);
  });
});

describe("app CORS with CORS_CREDENTIALS=false", function () {
  let fleet: FleetServer;
  let base: string;

  before(async () => {
    ({ fleet, base } = await serve({ CORS_ORIGINS: LISTED, CORS_CREDENTIALS: "false" }));
  });
  after(() => fleet.close());

  it("allows the listed Origin without Access-Control-Allow-Credentials, and sets no cookie", async () => {
    const res = await get(polling(base), { Origin: LISTED });
    assert.equal(res.status, 200);
    assert.equal(res.headers["access-control-allow-origin"], LISTED);
    assert.equal(res.headers["access-control-allow-credentials"], undefined);
    assert.deepEqual(res.headers["set-cookie"], []);
  });
});
