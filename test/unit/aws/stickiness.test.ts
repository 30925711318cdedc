import { strict as assert } from "node:assert";
import { AwsSocketIoFleet } from "../../../components/aws";
import { T, awsMocks, baseArgs, build, containers } from "./fixtures";

function envNames(env: { name: string }[]): string[] {
  return env.map((e) => e.name);
}

describe("AwsSocketIoFleet: stickiness", () => {
  it("cookie with a TTL → lb_cookie for that duration, no STICKY_COOKIE_NAME", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ stickiness: { mode: "cookie", ttlSeconds: 604800 } }),
        ),
    );
    assert.deepEqual(mocks.one(T.tg).inputs.stickiness, {
      enabled: true,
      type: "lb_cookie",
      cookieDuration: 604800,
    });
    assert.ok(!envNames(containers(mocks)[0].environment).includes("STICKY_COOKIE_NAME"));
  });

  it("cookie with cookieName → app_cookie on that name, and the app is told to issue it", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ stickiness: { mode: "cookie", cookieName: "io_affinity", ttlSeconds: 3600 } }),
        ),
    );
    assert.deepEqual(mocks.one(T.tg).inputs.stickiness, {
      enabled: true,
      type: "app_cookie",
      cookieName: "io_affinity",
      cookieDuration: 3600,
    });
    const env = containers(mocks)[0].environment as { name: string; value: string }[];
    assert.deepEqual(
      env.filter((e) => e.name === "STICKY_COOKIE_NAME"),
      [{ name: "STICKY_COOKIE_NAME", value: "io_affinity" }],
    );
  });

  it("none with websocket-only transports → stickiness disabled", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ stickiness: { mode: "none" }, transports: ["websocket"] }),
        ),
    );
    assert.deepEqual(mocks.one(T.tg).inputs.stickiness, { enabled: false, type: "lb_cookie" });
    const env = containers(mocks)[0].environment as { name: string; value: string }[];
    assert.deepEqual(
      env.filter((e) => e.name === "SOCKETIO_TRANSPORTS"),
      [{ name: "SOCKETIO_TRANSPORTS", value: "websocket" }],
    );
  });
});
