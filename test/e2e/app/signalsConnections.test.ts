/**
 * The connection signals of #20 on an in-process node (memory adapter), driven by real
 * Socket.IO clients and raw HTTP, each shown to move for its cause and not for another:
 * `socketio_connection_errors_total{reason}` (unknown sid, Origin refused, unknown transport,
 * draining), `socketio_unknown_session_total`, `socketio_disconnects_total{reason}` (client
 * disconnect vs server drain), `socketio_connected_clients_by_transport{transport}` and
 * `socketio_ready` during a drain.
 */
import assert from "node:assert/strict";
import { inProcessNode } from "../../helpers/inProcessNode";
import {
  CLIENT_TRANSPORTS,
  DISCONNECT_REASONS,
  HANDSHAKE_FAILURE_REASONS,
} from "../../../components/shared/metricNames";
import { assertAppBuilt, startAppNode } from "../../helpers/appNodes";
import { fetchMetrics } from "../../helpers/metricsText";
import { stopAll, waitFor } from "../../helpers/processes";
import { get, sidOf, tryUpgrade } from "../../helpers/rawHttp";
import { assertBoundedLabels, sampleValue } from "../../helpers/signalMetrics";
import { closeClients, connectClient, whoami } from "../../helpers/socketClients";

const ERRORS = "socketio_connection_errors_total";
const UNKNOWN_SESSIONS = "socketio_unknown_session_total";
const DISCONNECTS = "socketio_disconnects_total";
const BY_TRANSPORT = "socketio_connected_clients_by_transport";
const EVIL = "http://evil.example";

async function startNode(nodeId: string, graceMs: number) {
  const fleet = inProcessNode(nodeId, { SOCKETIO_ADAPTER: "memory" }, { drain: { graceMs } });
  const base = `http://127.0.0.1:${await fleet.listen()}`;
  const scrape = () => fetchMetrics(`http://127.0.0.1:${fleet.metricsPort}`);
  return { fleet, base, scrape };
}

/** Every connection error reason's count (all present, pre-set to 0). */
function errorsOf(text: string): Record<string, number> {
  return Object.fromEntries(
    HANDSHAKE_FAILURE_REASONS.map((reason) => {
      const value = sampleValue(text, ERRORS, { reason });
      assert.ok(value !== undefined, `${ERRORS}{reason="${reason}"} is missing`);
      return [reason, value];
    }),
  );
}

const zeroErrors = () => Object.fromEntries(HANDSHAKE_FAILURE_REASONS.map((r) => [r, 0]));

describe("app signals: connections (in-process, memory adapter)", function () {
  this.timeout(30_000);
  let node: Awaited<ReturnType<typeof startNode>>;
  let polling: string;
  let websocket: string;

  before(async () => {
    node = await startNode("signals-node", 0);
    polling = `${node.base}/socket.io/?EIO=4&transport=polling`;
    websocket = `${node.base}/socket.io/?EIO=4&transport=websocket`;
  });
  afterEach(closeClients);
  after(() => node.fleet.close());

  it("counts clients by transport: a polling-only client and a websocket client, both values always present (before any raw session exists)", async () => {
    const byTransport = async () => {
      const text = await node.scrape();
      return {
        polling: sampleValue(text, BY_TRANSPORT, { transport: "polling" }),
        websocket: sampleValue(text, BY_TRANSPORT, { transport: "websocket" }),
      };
    };
    assert.deepEqual(await byTransport(), { polling: 0, websocket: 0 });
    const poller = await connectClient(node.base, { transports: ["polling"] });
    assert.deepEqual(await byTransport(), { polling: 1, websocket: 0 });
    const ws = await connectClient(node.base, { transports: ["websocket"] });
    assert.deepEqual(await byTransport(), { polling: 1, websocket: 1 });
    poller.disconnect();
    ws.disconnect();
    await waitFor(
      "both gauges back to 0",
      async () => JSON.stringify(await byTransport()) === '{"polling":0,"websocket":0}',
    );
  });

  it("every reason is present at 0 before any error; a normal session (polling, then upgraded) counts no error", async () => {
    assert.deepEqual(errorsOf(await node.scrape()), zeroErrors());
    assert.equal(sampleValue(await node.scrape(), UNKNOWN_SESSIONS), 0);
    const client = await connectClient(node.base);
    await waitFor("the upgrade", () => client.io.engine.transport.name === "websocket");
    assert.equal(await whoami(client), "signals-node");
    client.disconnect();
    const text = await node.scrape();
    assert.deepEqual(errorsOf(text), zeroErrors());
    assert.equal(sampleValue(text, UNKNOWN_SESSIONS), 0);
  });

  it("a poll and a websocket upgrade naming an unknown sid count unknown_sid and unknown_session once each", async () => {
    const poll = await get(`${polling}&sid=not-a-session`);
    assert.equal(poll.status, 400);
    assert.match(poll.body, /Session ID unknown/);
    let text = await node.scrape();
    assert.deepEqual(errorsOf(text), { ...zeroErrors(), unknown_sid: 1 });
    assert.equal(sampleValue(text, UNKNOWN_SESSIONS), 1);

    assert.equal(await tryUpgrade(`${websocket}&sid=not-a-session`), 400);
    text = await node.scrape();
    assert.deepEqual(errorsOf(text), { ...zeroErrors(), unknown_sid: 2 });
    assert.equal(sampleValue(text, UNKNOWN_SESSIONS), 2);

    // A known sid polled with a wrong transport is a bad request, not an unknown session.
    const handshake = await get(polling);
    const sid = sidOf(handshake.body);
    const mismatch = await get(`${node.base}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    assert.equal(mismatch.status, 400);
    text = await node.scrape();
    assert.deepEqual(errorsOf(text), { ...zeroErrors(), unknown_sid: 2, bad_request: 1 });
    assert.equal(sampleValue(text, UNKNOWN_SESSIONS), 2);
  });

  it("a disallowed Origin counts origin_refused (handshake and upgrade), not forbidden; a same-origin or unknown transport request does not", async () => {
    const before = errorsOf(await node.scrape());
    const refused = await get(polling, { Origin: EVIL });
    assert.equal(refused.status, 403);
    assert.equal(await tryUpgrade(websocket, { Origin: EVIL }), 403);
    const sameOrigin = await get(polling, { Origin: node.base });
    assert.equal(sameOrigin.status, 200);
    const pigeon = await get(`${node.base}/socket.io/?EIO=4&transport=pigeon`);
    assert.equal(pigeon.status, 400);
    const after = errorsOf(await node.scrape());
    assert.equal(after.forbidden, 0);
    assert.deepEqual(after, {
      ...before,
      origin_refused: before.origin_refused + 2,
      unknown_transport: before.unknown_transport + 1,
    });
  });

  it("keeps every label value bounded after all that traffic", async () => {
    const seen = assertBoundedLabels(await node.scrape());
    assert.ok(seen.get(`${ERRORS}.reason`)?.has("unknown_sid"));
    assert.ok(seen.get(`${DISCONNECTS}.reason`)?.has("client_namespace_disconnect"));
  });
});

describe("app signals: disconnect reasons, draining and readiness (in-process)", function () {
  this.timeout(30_000);
  afterEach(closeClients);

  it("a client's disconnect counts client_namespace_disconnect; a drain counts forced_close, refuses new sessions as draining, and turns socketio_ready to 0", async () => {
    const node = await startNode("drain-node", 1500);
    try {
      const text0 = await node.scrape();
      assert.equal(sampleValue(text0, "socketio_ready"), 1);
      const leaving = await connectClient(node.base);
      const staying = await connectClient(node.base, { transports: ["polling"] });
      leaving.disconnect();
      await waitFor(
        "the client's disconnect to be counted",
        async () =>
          sampleValue(await node.scrape(), DISCONNECTS, {
            reason: "client_namespace_disconnect",
          }) === 1,
      );
      let text = await node.scrape();
      assert.equal(sampleValue(text, DISCONNECTS, { reason: "forced_close" }), 0);

      const drained = node.fleet.drain(); // 1.5 s grace with `staying` connected
      text = await node.scrape();
      assert.equal(sampleValue(text, "socketio_ready"), 0);
      assert.equal((await fetch(`${node.base}/readyz`)).status, 503);
      const refused = await get(`${node.base}/socket.io/?EIO=4&transport=polling`);
      assert.equal(refused.status, 503);
      text = await node.scrape();
      assert.deepEqual(errorsOf(text), { ...zeroErrors(), draining: 1 });
      assert.ok(staying.connected, "existing sessions are not refused during the grace");

      const closed = new Promise<string>((resolve) => staying.once("disconnect", resolve));
      await drained;
      assert.equal(await closed, "transport close"); // the client reconnects elsewhere
      const registry = await node.fleet.metrics.registry.metrics();
      assert.equal(sampleValue(registry, DISCONNECTS, { reason: "forced_close" }), 1);
      assert.equal(
        sampleValue(registry, DISCONNECTS, { reason: "client_namespace_disconnect" }),
        1,
      );
      assert.equal(sampleValue(registry, DISCONNECTS, { reason: "server_shutting_down" }), 0);
    } finally {
      await node.fleet.close();
    }
  });
});

describe("app signals: the compiled app (main.js as a process)", function () {
  this.timeout(30_000);
  before(assertAppBuilt);
  after(stopAll);

  it("serves every signal from the first scrape on METRICS_PORT; a bogus sid poll counts once", async () => {
    const node = await startAppNode("signals-main", { SOCKETIO_ADAPTER: "memory" });
    let text = await fetchMetrics(node.metricsUrl);
    assert.deepEqual(errorsOf(text), zeroErrors());
    for (const reason of DISCONNECT_REASONS) {
      assert.equal(sampleValue(text, DISCONNECTS, { reason }), 0, reason);
    }
    for (const transport of CLIENT_TRANSPORTS) {
      assert.equal(sampleValue(text, BY_TRANSPORT, { transport }), 0, transport);
    }
    for (const name of [
      UNKNOWN_SESSIONS,
      "socketio_adapter_messages_published_total",
      "socketio_adapter_messages_received_total",
    ]) {
      assert.equal(sampleValue(text, name), 0, name);
    }
    assert.equal(sampleValue(text, "socketio_ready"), 1);

    const poll = await get(`${node.url}/socket.io/?EIO=4&transport=polling&sid=gone`);
    assert.equal(poll.status, 400);
    text = await fetchMetrics(node.metricsUrl);
    assert.equal(sampleValue(text, UNKNOWN_SESSIONS), 1);
    assert.deepEqual(errorsOf(text), { ...zeroErrors(), unknown_sid: 1 });
    assertBoundedLabels(text);
  });
});
