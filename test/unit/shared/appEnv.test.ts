import { strict as assert } from "node:assert";
import { hostname } from "node:os";
import {
  APP_ENV_KEYS,
  AppEnvError,
  parseAppEnv,
  renderAppEnv,
  resolveFleetSpec,
} from "../../../components";

const REDIS = "rediss://:p4ss@cache.internal:6379";

describe("app environment contract", () => {
  it("renders a resolved spec and parses back to the same settings", () => {
    const spec = resolveFleetSpec({
      image: "app:1",
      containerPort: 8080,
      transports: ["websocket", "polling"],
      cors: { origins: ["https://a.example", "http://localhost:5173"] },
      heartbeat: { pingIntervalMs: 10000, pingTimeoutMs: 5000 },
      adapter: "redis-streams",
    });
    const env = renderAppEnv(spec, { redisUrl: REDIS, stickyCookieName: "io_node", nodeId: "n1" });
    assert.deepEqual(env, {
      PORT: "8080",
      SOCKETIO_ADAPTER: "redis-streams",
      CORS_ORIGINS: "https://a.example,http://localhost:5173",
      CORS_CREDENTIALS: "true",
      SOCKETIO_TRANSPORTS: "websocket,polling",
      PING_INTERVAL_MS: "10000",
      PING_TIMEOUT_MS: "5000",
      STICKINESS_MODE: "cookie",
      STICKY_COOKIE_NAME: "io_node",
      NODE_ID: "n1",
      METRICS_PORT: "9464",
      REDIS_URL: REDIS,
    });
    assert.deepEqual(parseAppEnv(env), {
      port: 8080,
      redisUrl: REDIS,
      adapter: "redis-streams",
      corsOrigins: ["https://a.example", "http://localhost:5173"],
      corsCredentials: true,
      transports: ["websocket", "polling"],
      pingIntervalMs: 10000,
      pingTimeoutMs: 5000,
      stickyCookieName: "io_node",
      nodeId: "n1",
      logLevel: "info",
      metricsPort: 9464,
      httpKeepAliveTimeoutMs: 95_000,
      redisTlsCa: undefined,
      stickinessMode: "cookie",
    });
  });

  it("leaves REDIS_URL out unless given, so cloud targets wire it as a secret", () => {
    const env = renderAppEnv(resolveFleetSpec({ image: "app:1" }));
    assert.equal(env.REDIS_URL, undefined);
    assert.ok(Object.keys(env).every((k) => APP_ENV_KEYS.includes(k)));
  });

  it("defaults NODE_ID to the hostname and the rest to the spec defaults", () => {
    const config = parseAppEnv({ REDIS_URL: "redis://localhost:6379" });
    assert.equal(config.nodeId, hostname());
    assert.equal(config.port, 3000);
    assert.deepEqual(config.transports, ["polling", "websocket"]);
    assert.equal(config.corsCredentials, true);
    assert.deepEqual(config.corsOrigins, []);
  });

  it("needs no Redis with the single-process memory adapter", () => {
    assert.equal(parseAppEnv({ SOCKETIO_ADAPTER: "memory" }).redisUrl, undefined);
  });

  it("rejects every bad value at once, naming the variable and never echoing the Redis URL", () => {
    assert.throws(
      () =>
        parseAppEnv({
          PORT: "http",
          SOCKETIO_ADAPTER: "kafka",
          REDIS_URL: "http://user:hunter2@host",
          CORS_ORIGINS: "https://a.example/,*",
          CORS_CREDENTIALS: "yes",
          SOCKETIO_TRANSPORTS: "polling,polling",
          STICKY_COOKIE_NAME: "a b",
          PING_INTERVAL_MS: "-1",
          LOG_LEVEL: "loud",
        }),
      (err: unknown) => {
        assert.ok(err instanceof AppEnvError);
        assert.deepEqual(
          err.problems.map((p) => p.split(/[= ]/)[0]),
          [
            "PORT",
            "PING_INTERVAL_MS",
            "SOCKETIO_ADAPTER",
            "REDIS_URL",
            "CORS_ORIGINS",
            "CORS_ORIGINS",
            "CORS_CREDENTIALS",
            "SOCKETIO_TRANSPORTS",
            "STICKY_COOKIE_NAME",
            "LOG_LEVEL",
          ],
        );
        assert.ok(!err.message.includes("hunter2"), "the Redis URL is a secret");
        return true;
      },
    );
  });

  it("requires REDIS_URL for the Redis adapters", () => {
    assert.throws(() => parseAppEnv({}), /REDIS_URL is required with SOCKETIO_ADAPTER=redis/);
  });
});
