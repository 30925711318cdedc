import { strict as assert } from "node:assert";
import { createServer } from "node:http";
import { applyHttpTimeouts, httpTimeoutsFor } from "../../../app/src/httpTimeouts";
import { parseAppEnv } from "../../../components/shared";

describe("the app's HTTP timers (app/src/httpTimeouts.ts)", () => {
  it("keep-alive from HTTP_KEEPALIVE_TIMEOUT_MS, headersTimeout 1 s above, requestTimeout at least that", () => {
    const config = parseAppEnv({ SOCKETIO_ADAPTER: "memory", HTTP_KEEPALIVE_TIMEOUT_MS: "65000" });
    assert.deepEqual(httpTimeoutsFor(config), {
      keepAliveTimeout: 65_000,
      headersTimeout: 66_000,
      // The longest poll (25 + 20 s) plus 10 s is below headersTimeout, which Node requires.
      requestTimeout: 66_000,
    });
  });

  it("requestTimeout stays above the longest poll when the heartbeat is longer than the keep-alive", () => {
    const config = parseAppEnv({
      SOCKETIO_ADAPTER: "memory",
      HTTP_KEEPALIVE_TIMEOUT_MS: "5000",
      PING_INTERVAL_MS: "60000",
      PING_TIMEOUT_MS: "30000",
    });
    assert.deepEqual(httpTimeoutsFor(config), {
      keepAliveTimeout: 5_000,
      headersTimeout: 6_000,
      requestTimeout: 100_000,
    });
  });

  it("the default (no HTTP_KEEPALIVE_TIMEOUT_MS) is 95 s, not Node's 5 s", () => {
    assert.equal(
      httpTimeoutsFor(parseAppEnv({ SOCKETIO_ADAPTER: "memory" })).keepAliveTimeout,
      95_000,
    );
  });

  it("applies them to a real http.Server", () => {
    const server = createServer();
    assert.equal(server.keepAliveTimeout, 5_000, "Node's default, before");
    const config = parseAppEnv({ SOCKETIO_ADAPTER: "memory", HTTP_KEEPALIVE_TIMEOUT_MS: "620000" });
    applyHttpTimeouts(server, config);
    assert.deepEqual(
      [server.keepAliveTimeout, server.headersTimeout, server.requestTimeout],
      [620_000, 621_000, 621_000],
    );
  });

  it("refuses keep-alives outside 1 s – 1 day, naming the variable", () => {
    for (const value of ["999", "86400001", "5s"]) {
      assert.throws(
        () => parseAppEnv({ SOCKETIO_ADAPTER: "memory", HTTP_KEEPALIVE_TIMEOUT_MS: value }),
        new RegExp(`HTTP_KEEPALIVE_TIMEOUT_MS="${value}" must be an integer from 1000 to 86400000`),
      );
    }
    // The largest ALB idle timeout (4000 s) plus the margin fits.
    assert.equal(
      parseAppEnv({ SOCKETIO_ADAPTER: "memory", HTTP_KEEPALIVE_TIMEOUT_MS: "4005000" })
        .httpKeepAliveTimeoutMs,
      4_005_000,
    );
  });
});
