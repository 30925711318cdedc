/**
 * `REDIS_MODE` and `redis-sharded` in the app contract: what `parseAppEnv` accepts and refuses,
 * and the exact ioredis `Cluster` options `REDIS_MODE=cluster` builds (`redisCluster.ts`).
 */
import assert from "node:assert/strict";
import { AppEnvError, parseAppEnv } from "../../../components/shared/appEnv";
import {
  CLUSTER_SLOTS_REFRESH_INTERVAL_MS,
  CLUSTER_SLOTS_REFRESH_TIMEOUT_MS,
  clusterConnection,
} from "../../../app/src/redisCluster";
import {
  ipCnIdentity,
  PUBLISHER_OPTIONS,
  readOnlyReconnects,
  REDIS_SOCKET_TIMEOUT_MS,
  REDIS_TCP_KEEPALIVE_MS,
} from "../../../app/src/redisOptions";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseAppEnv(env);
  } catch (err) {
    assert.ok(err instanceof AppEnvError);
    return err.problems;
  }
  return [];
};

describe("app env: redis-sharded and REDIS_MODE", () => {
  const url = "rediss://user:secret@cfg.example.com:6379";

  it("parses redis-sharded with its subscription mode; defaults dynamic and standalone", () => {
    const config = parseAppEnv({ SOCKETIO_ADAPTER: "redis-sharded", REDIS_URL: url });
    assert.equal(config.adapter, "redis-sharded");
    assert.equal(config.redisSubscriptionMode, "dynamic");
    assert.equal(config.redisMode, "standalone");
    for (const mode of ["static", "dynamic", "dynamic-private"]) {
      const parsed = parseAppEnv({
        SOCKETIO_ADAPTER: "redis-sharded",
        REDIS_URL: url,
        REDIS_SUBSCRIPTION_MODE: mode,
        REDIS_MODE: "cluster",
      });
      assert.equal(parsed.redisSubscriptionMode, mode);
      assert.equal(parsed.redisMode, "cluster");
    }
  });

  it("refuses the classic adapter on a cluster, naming key, value, reason and fix", () => {
    assert.deepEqual(
      problemsOf({ SOCKETIO_ADAPTER: "redis", REDIS_URL: url, REDIS_MODE: "cluster" }),
      [
        "REDIS_MODE=cluster with SOCKETIO_ADAPTER=redis: the classic adapter's PUBLISH is forwarded to every shard over the cluster bus (adding shards adds no capacity) and ElastiCache Serverless rejects its PSUBSCRIBE (socket.io-redis-adapter#553); use the redis-sharded adapter",
      ],
    );
  });

  it("refuses redis-streams on a cluster, naming key, value, reason and fix", () => {
    assert.deepEqual(
      problemsOf({ SOCKETIO_ADAPTER: "redis-streams", REDIS_URL: url, REDIS_MODE: "cluster" }),
      [
        "REDIS_MODE=cluster with SOCKETIO_ADAPTER=redis-streams: its recovery sessions are written in one multi-key pipeline, which a cluster refuses across slots, and replayed from a single stream; use the redis-sharded adapter (no connection state recovery) or a standalone Redis",
      ],
    );
  });

  it("refuses a database number on a cluster, without echoing the URL, with the other problems", () => {
    const problems = problemsOf({
      SOCKETIO_ADAPTER: "redis-sharded",
      REDIS_URL: "redis://:secret@10.0.0.5:6379/3",
      REDIS_MODE: "cluster",
      REDIS_SUBSCRIPTION_MODE: "per-room",
    });
    assert.deepEqual(problems, [
      'REDIS_SUBSCRIPTION_MODE="per-room" must be one of "static", "dynamic", "dynamic-private"',
      "REDIS_URL selects database 3, but REDIS_MODE=cluster has only database 0: remove the /3",
    ]);
    assert.ok(problems.every((p) => !p.includes("secret")));
    assert.deepEqual(
      problemsOf({
        SOCKETIO_ADAPTER: "redis-sharded",
        REDIS_URL: "redis://10.0.0.5:6379/0",
        REDIS_MODE: "cluster",
      }),
      [],
    );
  });

  it("refuses an unknown REDIS_MODE; keeps the classic and streams adapters on standalone", () => {
    assert.deepEqual(
      problemsOf({ SOCKETIO_ADAPTER: "redis", REDIS_URL: url, REDIS_MODE: "sentinel" }),
      ['REDIS_MODE="sentinel" must be one of "standalone", "cluster"'],
    );
    for (const adapter of ["redis", "redis-streams"]) {
      assert.deepEqual(problemsOf({ SOCKETIO_ADAPTER: adapter, REDIS_URL: url }), []);
    }
  });
});

describe("app clusterConnection (REDIS_MODE=cluster)", () => {
  const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  it("seeds with the URL's node; TLS with the CA, auth from the URL, liveness on every node", () => {
    const { startupNodes, options } = clusterConnection(
      "rediss://app%40fleet:p%3Ass@clustercfg.fleet.cache.amazonaws.com:6380",
      ca,
      PUBLISHER_OPTIONS,
    );
    assert.deepEqual(startupNodes, [{ host: "clustercfg.fleet.cache.amazonaws.com", port: 6380 }]);
    const { dnsLookup, clusterRetryStrategy, ...rest } = options;
    assert.deepEqual(rest, {
      redisOptions: {
        maxRetriesPerRequest: null,
        keepAlive: REDIS_TCP_KEEPALIVE_MS,
        socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
        disableClientInfo: true,
        protocol: 2,
        reconnectOnError: readOnlyReconnects,
        tls: { ca, checkServerIdentity: ipCnIdentity },
        commandTimeout: 1000,
        autoResendUnfulfilledCommands: false,
        username: "app@fleet",
        password: "p:ss",
      },
      shardedSubscribers: true,
      slotsRefreshInterval: CLUSTER_SLOTS_REFRESH_INTERVAL_MS,
      slotsRefreshTimeout: CLUSTER_SLOTS_REFRESH_TIMEOUT_MS,
    });
    assert.equal(CLUSTER_SLOTS_REFRESH_INTERVAL_MS, 5000);
    // The endpoint's hostname is passed through unresolved (TLS checks the name).
    let resolved: unknown;
    dnsLookup!("clustercfg.fleet.cache.amazonaws.com", (_err, address) => (resolved = address));
    assert.equal(resolved, "clustercfg.fleet.cache.amazonaws.com");
    assert.deepEqual(
      [1, 10, 40].map((n) => clusterRetryStrategy!(n)),
      [50, 500, 1000],
    );
  });

  it("plain redis:// without credentials: no TLS, no auth; rediss:// without CA: tls {}", () => {
    const plain = clusterConnection("redis://127.0.0.1", undefined).options.redisOptions!;
    assert.equal(plain.tls, undefined);
    assert.equal(plain.username, undefined);
    assert.equal(plain.password, undefined);
    assert.equal(plain.commandTimeout, undefined);
    assert.deepEqual(clusterConnection("redis://127.0.0.1", undefined).startupNodes, [
      { host: "127.0.0.1", port: 6379 },
    ]);
    const tls = clusterConnection("rediss://:token@[::1]:7000", undefined);
    assert.deepEqual(tls.options.redisOptions!.tls, {});
    assert.equal(tls.options.redisOptions!.password, "token");
    assert.deepEqual(tls.startupNodes, [{ host: "::1", port: 7000 }]);
  });
});
