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
      HEALTH_CHECK_PATH: "/healthz",
      REDIS_MODE: "standalone",
      STICKY_COOKIE_NAME: "io_node",
      NODE_ID: "n1",
      METRICS_PORT: "9464",
      REDIS_URL: REDIS,
    });
    assert.deepEqual(parseAppEnv(env), {
      port: 8080,
      redisUrl: REDIS,
      adapter: "redis-streams",
      redisSubscriptionMode: "dynamic",
      redisMode: "standalone",
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
      healthCheckPath: "/healthz",
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

  it("renders the sharded adapter with its subscription mode, the Redis mode and the liveness path", () => {
    const spec = resolveFleetSpec({
      image: "app:1",
      adapter: "redis-sharded",
      redisSubscriptionMode: "dynamic-private",
      healthCheckPath: "/live",
    });
    const env = renderAppEnv(spec, { redisMode: "cluster" });
    assert.equal(env.SOCKETIO_ADAPTER, "redis-sharded");
    assert.equal(env.REDIS_SUBSCRIPTION_MODE, "dynamic-private");
    assert.equal(env.REDIS_MODE, "cluster");
    assert.equal(env.HEALTH_CHECK_PATH, "/live");
    const parsed = parseAppEnv({ ...env, REDIS_URL: REDIS });
    assert.equal(parsed.adapter, "redis-sharded");
    assert.equal(parsed.redisSubscriptionMode, "dynamic-private");
    assert.equal(parsed.redisMode, "cluster");
    assert.equal(parsed.healthCheckPath, "/live");
  });

  it("renders no subscription mode for the other adapters, and defaults each new key", () => {
    const env = renderAppEnv(resolveFleetSpec({ image: "app:1", adapter: "redis" }));
    assert.equal(env.REDIS_SUBSCRIPTION_MODE, undefined);
    assert.equal(env.REDIS_MODE, "standalone");
    const parsed = parseAppEnv({ REDIS_URL: REDIS });
    assert.equal(parsed.redisSubscriptionMode, "dynamic");
    assert.equal(parsed.redisMode, "standalone");
    assert.equal(parsed.healthCheckPath, "/healthz");
  });

  it("refuses unknown values of the new keys and a liveness path that cannot work, all at once", () => {
    assert.throws(
      () =>
        parseAppEnv({
          REDIS_URL: REDIS,
          SOCKETIO_ADAPTER: "redis-sharded",
          REDIS_SUBSCRIPTION_MODE: "sometimes",
          REDIS_MODE: "sentinel",
          HEALTH_CHECK_PATH: "/readyz",
        }),
      (err: unknown) => {
        assert.ok(err instanceof AppEnvError);
        assert.deepEqual(err.problems, [
          'REDIS_SUBSCRIPTION_MODE="sometimes" must be one of "static", "dynamic", "dynamic-private"',
          'REDIS_MODE="sentinel" must be one of "standalone", "cluster"',
          'HEALTH_CHECK_PATH: `healthCheckPath` ("/readyz") is the readiness path, which fails while a node drains; a liveness probe on it would kill draining nodes. Use "/healthz"',
        ]);
        return true;
      },
    );
  });
});
