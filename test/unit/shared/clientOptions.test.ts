import { strict as assert } from "node:assert";
import fc from "fast-check";
import { appClientOptions } from "../../../app/src/clientOptions";
import {
  clientOptionsFor,
  parseAppEnv,
  renderAppEnv,
  resolveFleetSpec,
  type SocketIoFleetArgs,
} from "../../../components/shared";

const options = (args: Omit<SocketIoFleetArgs, "image">) =>
  clientOptionsFor(resolveFleetSpec({ image: "app:1", ...args }));

describe("clientOptionsFor: the Socket.IO client options a fleet needs", () => {
  it("same-origin page (no CORS origins), cookie stickiness: no credentials needed", () => {
    assert.deepEqual(options({}), {
      transports: ["polling", "websocket"],
      path: "/socket.io/",
      withCredentials: false,
    });
  });

  it("cross-origin page with cookie stickiness: withCredentials, or the sticky cookie is dropped", () => {
    assert.deepEqual(options({ cors: { origins: ["https://app.example.com"] } }), {
      transports: ["polling", "websocket"],
      path: "/socket.io/",
      withCredentials: true,
    });
  });

  it("client-ip stickiness, cross-origin: no cookie to carry, so no credentials", () => {
    assert.deepEqual(
      options({
        stickiness: { mode: "client-ip" },
        cors: { origins: ["https://app.example.com"] },
      }),
      { transports: ["polling", "websocket"], path: "/socket.io/", withCredentials: false },
    );
  });

  it("websocket-only (stickiness none), cross-origin: one connection, no cookie", () => {
    assert.deepEqual(
      options({
        transports: ["websocket"],
        stickiness: { mode: "none" },
        cors: { origins: ["https://app.example.com"] },
      }),
      { transports: ["websocket"], path: "/socket.io/", withCredentials: false },
    );
  });

  it("keeps the spec's transport order (websocket first, then polling)", () => {
    assert.deepEqual(options({ transports: ["websocket", "polling"] }).transports, [
      "websocket",
      "polling",
    ]);
  });

  it("the app's own copy (from its environment) equals the component's for any valid spec", () => {
    const origin = fc.constantFrom("https://app.example.com", "http://localhost:5173");
    let fleets = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<SocketIoFleetArgs["transports"]>(
          ["polling", "websocket"],
          ["websocket", "polling"],
          ["polling"],
          ["websocket"],
        ),
        fc.constantFrom("cookie" as const, "client-ip" as const, "none" as const),
        fc.uniqueArray(origin, { maxLength: 2 }),
        fc.boolean(),
        (transports, mode, origins, credentials) => {
          let spec;
          try {
            spec = resolveFleetSpec({
              image: "app:1",
              transports,
              stickiness: { mode },
              cors: { origins, credentials },
            });
          } catch {
            return; // a combination the validator refuses has no fleet
          }
          fleets++;
          const config = parseAppEnv({ ...renderAppEnv(spec), SOCKETIO_ADAPTER: "memory" });
          assert.deepEqual(appClientOptions(config), clientOptionsFor(spec));
        },
      ),
    );
    assert.ok(fleets > 20, `only ${fleets} of 100 generated specs were valid fleets`);
  });

  it("STICKINESS_MODE: parsed, defaulting to the spec's cookie, and refused when unknown", () => {
    assert.equal(parseAppEnv({ SOCKETIO_ADAPTER: "memory" }).stickinessMode, "cookie");
    assert.equal(
      parseAppEnv({ SOCKETIO_ADAPTER: "memory", STICKINESS_MODE: "client-ip" }).stickinessMode,
      "client-ip",
    );
    assert.throws(
      () => parseAppEnv({ SOCKETIO_ADAPTER: "memory", STICKINESS_MODE: "ip" }),
      /STICKINESS_MODE="ip" must be one of "cookie", "client-ip", "none"/,
    );
  });
});
