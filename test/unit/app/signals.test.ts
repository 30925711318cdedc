/**
 * The bounded label values of the app signals (#20): engine.io error codes and the app's own
 * refusals to `HANDSHAKE_FAILURE_REASONS`, Socket.IO's disconnect reasons to
 * `DISCONNECT_REASONS`, XREAD replies to entry counts; and the cardinality check: a node's
 * registry scraped after varied traffic (sessions, rooms, refusals, disconnects of every kind the
 * test can cause) carries no label value outside the bounded sets.
 */
import assert from "node:assert/strict";
import { Server as EngineServer } from "engine.io";
import { inProcessNode } from "../../helpers/inProcessNode";
import { streamEntries } from "../../../app/src/adapterTraffic";
import {
  connectionErrorReason,
  disconnectReasonLabel,
  gateRefusalReason,
  ORIGIN_REFUSED,
} from "../../../app/src/connectionSignals";
import {
  DISCONNECT_REASONS,
  HANDSHAKE_FAILURE_REASONS,
} from "../../../components/shared/metricNames";
import { get, tryUpgrade } from "../../helpers/rawHttp";
import { assertBoundedLabels, sampleValue } from "../../helpers/signalMetrics";
import { closeClients, connectClient } from "../../helpers/socketClients";
import { waitFor } from "../../helpers/processes";

describe("app signals: bounded label values", () => {
  it("maps engine.io's error codes (read from the installed engine.io) and the app's refusals", () => {
    const errors = (EngineServer as unknown as { errors: Record<string, number> }).errors;
    assert.deepEqual(errors, {
      UNKNOWN_TRANSPORT: 0,
      UNKNOWN_SID: 1,
      BAD_HANDSHAKE_METHOD: 2,
      BAD_REQUEST: 3,
      FORBIDDEN: 4,
      UNSUPPORTED_PROTOCOL_VERSION: 5,
    });
    const reasons = Object.values(errors).map((code) => connectionErrorReason({ code }));
    assert.deepEqual(reasons, [
      "unknown_transport",
      "unknown_sid",
      "bad_handshake_method",
      "bad_request",
      "forbidden",
      "unsupported_protocol_version",
    ]);
    assert.equal(
      connectionErrorReason({ code: 4, context: { message: ORIGIN_REFUSED } }),
      "origin_refused",
    );
    assert.equal(connectionErrorReason({ code: 4, context: { message: "own rule" } }), "forbidden");
    for (const code of [6, -1, 1.5, "1", undefined]) {
      assert.equal(connectionErrorReason({ code }), "other", String(code));
    }
    assert.deepEqual(
      (["origin", "draining", "at-capacity", "bad-target"] as const).map(gateRefusalReason),
      ["origin_refused", "draining", "at_capacity", "bad_request"],
    );
  });

  it("maps every Socket.IO disconnect reason to its own label, anything else to other", () => {
    const socketIo = [
      "transport error",
      "transport close",
      "forced close",
      "ping timeout",
      "parse error",
      "server shutting down",
      "forced server close",
      "client namespace disconnect",
      "server namespace disconnect",
    ];
    assert.deepEqual([...socketIo.map(disconnectReasonLabel), "other"], [...DISCONNECT_REASONS]);
    for (const odd of ["io server disconnect", "toString", "__proto__", ""]) {
      assert.equal(disconnectReasonLabel(odd), "other", odd);
    }
  });

  it("counts the entries of an XREAD reply (none on a timeout)", () => {
    assert.equal(streamEntries(null), 0);
    assert.equal(streamEntries([["socket.io", []]]), 0);
    const entry = (id: string) => [id, ["uid", "x", "nsp", "/", "type", "3"]];
    assert.equal(streamEntries([["socket.io", [entry("1-0"), entry("2-0")]]]), 2);
    assert.equal(
      streamEntries([
        ["a", [entry("1-0")]],
        ["b", [entry("1-0")]],
      ]),
      2,
    );
  });

  it("has no label value outside the bounded sets after varied traffic", async function () {
    this.timeout(20_000);
    const fleet = inProcessNode("bounded", { SOCKETIO_ADAPTER: "memory" }, { publicDir: false });
    fleet.onConnection((socket) => {
      void socket.join([`room-${socket.id}`, "lobby"]);
      socket.on("kick", () => socket.disconnect(true));
    });
    fleet.io.of("/admin").on("connection", () => undefined);
    try {
      const base = `http://127.0.0.1:${await fleet.listen()}`;
      const engine = `${base}/socket.io/?EIO=4`;
      await get(`${engine}&transport=polling&sid=nope`);
      await tryUpgrade(`${engine}&transport=websocket&sid=nope`);
      await get(`${engine}&transport=polling`, { Origin: "http://evil.example" });
      await get(`${engine}&transport=pigeon`);
      await fetch(`${engine}&transport=polling`, { method: "PUT" });
      await get(`${base}/socket.io/?EIO=9&transport=polling`);
      const clients = await Promise.all([
        connectClient(base, { transports: ["polling"] }),
        connectClient(base, { transports: ["websocket"] }),
        connectClient(base),
        connectClient(`${base}/admin`),
      ]);
      fleet.io.to("lobby").emit("hello");
      clients[0].disconnect();
      clients[1].emit("kick");
      clients[2].io.engine.close();
      clients[3].disconnect();
      await waitFor("four disconnects", async () => {
        const text = await fleet.metrics.registry.metrics();
        const sum = DISCONNECT_REASONS.reduce(
          (n, reason) => n + (sampleValue(text, "socketio_disconnects_total", { reason }) ?? 0),
          0,
        );
        return sum >= 4;
      });
      const seen = assertBoundedLabels(await fleet.metrics.registry.metrics());
      assert.deepEqual(
        [...(seen.get("socketio_connection_errors_total.reason") ?? [])].length,
        HANDSHAKE_FAILURE_REASONS.length,
        "every reason is exposed",
      );
      assert.deepEqual(
        [...(seen.get("socketio_connected_clients_by_transport.transport") ?? [])],
        ["polling", "websocket"],
      );
      const text = await fleet.metrics.registry.metrics();
      for (const [reason, count] of [
        ["unknown_sid", 2],
        ["origin_refused", 1],
        ["unknown_transport", 1],
        ["bad_handshake_method", 1],
        ["unsupported_protocol_version", 1],
      ] as const) {
        assert.equal(sampleValue(text, "socketio_connection_errors_total", { reason }), count);
      }
      const disconnects = (reason: string) =>
        sampleValue(text, "socketio_disconnects_total", { reason });
      assert.equal(disconnects("client_namespace_disconnect"), 2, "in / and in /admin");
      assert.equal(disconnects("server_namespace_disconnect"), 1);
      assert.equal(disconnects("transport_close"), 1);
      const samples = text.split("\n").filter((line) => !line.startsWith("#"));
      assert.doesNotMatch(samples.join("\n"), /room-|lobby|admin/, "no room or namespace label");
    } finally {
      closeClients();
      await fleet.close();
    }
  });
});
