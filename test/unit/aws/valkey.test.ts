import { strict as assert } from "node:assert";
import { AwsSocketIoFleet, validateAwsFleet } from "../../../components/aws";
import { isSecretInput } from "../../helpers/mocks";
import { isSecret, unwrap } from "../../helpers/unwrap";
import { AUTH_TOKEN, T, allRules, awsMocks, baseArgs, build, containers } from "./fixtures";

const CONFIG_HOST = "clustercfg.fleet-valkey.abc123.use1.cache.amazonaws.com";
const SERVERLESS_HOST = "fleet-redis-abc123.serverless.use1.cache.amazonaws.com";
const SUFFIX = "k3x9q2ab";
const V = {
  serverless: "aws:elasticache/serverlessCache:ServerlessCache",
  user: "aws:elasticache/user:User",
  userGroup: "aws:elasticache/userGroup:UserGroup",
  randomString: "random:index/randomString:RandomString",
} as const;

const valkeyMocks = () =>
  awsMocks({
    outputs: {
      [T.replicationGroup]: () => ({ configurationEndpointAddress: CONFIG_HOST }),
      [V.serverless]: () => ({ endpoints: [{ address: SERVERLESS_HOST, port: 6379 }] }),
      [V.randomString]: () => ({ result: SUFFIX }),
    },
  });

function envOf(mocks: Awaited<ReturnType<typeof awsMocks>>): Record<string, string> {
  const env = containers(mocks)[0].environment as { name: string; value: string }[];
  return Object.fromEntries(env.map((e) => [e.name, e.value]));
}

describe("AwsSocketIoFleet: Valkey cluster mode and ElastiCache Serverless", () => {
  it("clusterMode enabled: a new `-valkey` group, shards × (1 + replicas), failover, cluster parameter group", async () => {
    const mocks = await valkeyMocks();
    const fleet = await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            adapter: "redis-sharded",
            redis: { mode: "managed", clusterMode: "enabled", shards: 3, replicas: 2 },
          }),
        ),
    );
    const rg = mocks.one(T.replicationGroup);
    assert.equal(rg.name, "fleet-valkey");
    assert.deepEqual(rg.inputs, {
      description: "Socket.IO fleet adapter (pub/sub)",
      engine: "valkey",
      engineVersion: "8.0",
      parameterGroupName: "default.valkey8.cluster.on",
      clusterMode: "enabled",
      numNodeGroups: 3,
      replicasPerNodeGroup: 2,
      nodeType: "cache.t4g.small",
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: 6379,
      subnetGroupName: "fleet-redis-subnets",
      securityGroupIds: ["fleet-redis-sg-id"],
      transitEncryptionEnabled: true,
      applyImmediately: true,
      atRestEncryptionEnabled: true,
      authToken: AUTH_TOKEN,
      autoMinorVersionUpgrade: true,
    });
    assert.ok(isSecretInput(rg.rawInputs.authToken));
    const version = mocks.one(T.secretVersion);
    // The seed node is the configuration endpoint; the app is told it is a cluster.
    assert.equal(version.inputs.secretString, `rediss://:${AUTH_TOKEN}@${CONFIG_HOST}:6379`);
    assert.ok(isSecretInput(version.rawInputs.secretString));
    assert.equal(await isSecret(fleet.redisUrl), true);
    assert.equal(await unwrap(fleet.redisEndpoint), `${CONFIG_HOST}:6379`);
    const env = envOf(mocks);
    assert.equal(env.REDIS_MODE, "cluster");
    assert.equal(env.SOCKETIO_ADAPTER, "redis-sharded");
  });

  it("clusterMode enabled defaults to 2 shards of 1 + 1 nodes", async () => {
    const mocks = await valkeyMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            adapter: "redis-sharded",
            redis: { mode: "managed", clusterMode: "enabled" },
          }),
        ),
    );
    const rg = mocks.one(T.replicationGroup).inputs;
    assert.deepEqual(
      [rg.numNodeGroups, rg.replicasPerNodeGroup, rg.numCacheClusters],
      [2, 1, undefined],
    );
  });

  it("the default group stays cluster mode disabled, named `-redis`, REDIS_MODE standalone", async () => {
    const mocks = await valkeyMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const rg = mocks.one(T.replicationGroup);
    assert.equal(rg.name, "fleet-redis");
    assert.equal(rg.inputs.clusterMode, "disabled");
    assert.equal(envOf(mocks).REDIS_MODE, "standalone");
  });

  it("serverless: Valkey 8 with usage limits, an RBAC user group (disabled default + app user), no AUTH token", async () => {
    const mocks = await valkeyMocks();
    const fleet = await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            adapter: "redis-sharded",
            redis: { mode: "serverless", maxEcpuPerSecond: 5000 },
          }),
        ),
    );
    assert.equal(mocks.ofType(T.replicationGroup).length, 0);
    assert.equal(mocks.ofType(T.subnetGroup).length, 0);
    const cache = mocks.one(V.serverless);
    assert.equal(cache.name, "fleet-redis");
    assert.deepEqual(cache.inputs, {
      engine: "valkey",
      majorEngineVersion: "8",
      description: "Socket.IO fleet adapter (sharded pub/sub)",
      cacheUsageLimits: {
        dataStorage: { maximum: 10, unit: "GB" },
        ecpuPerSeconds: [{ maximum: 5000 }],
      },
      subnetIds: ["subnet-priv-a", "subnet-priv-b"],
      securityGroupIds: ["fleet-redis-sg-id"],
      userGroupId: `fleet-${SUFFIX}`,
    });
    const users = mocks.ofType(V.user).map((u) => u.inputs);
    assert.deepEqual(users, [
      {
        userId: `fleet-default-${SUFFIX}`,
        userName: "default",
        engine: "valkey",
        accessString: "off -@all",
        authenticationMode: { type: "no-password-required" },
      },
      {
        userId: `fleet-app-${SUFFIX}`,
        userName: "socketio",
        engine: "valkey",
        accessString: "on ~* &* +@all",
        authenticationMode: { type: "password", passwords: [AUTH_TOKEN] },
      },
    ]);
    // The password reaches the provider as a secret (the whole block is, since one member is).
    const auth = mocks.named(V.user, "fleet-redis-user").rawInputs.authenticationMode as {
      passwords?: unknown[];
    };
    assert.ok(isSecretInput(auth) || isSecretInput(auth.passwords?.[0]));
    assert.deepEqual(mocks.one(V.userGroup).inputs, {
      userGroupId: `fleet-${SUFFIX}`,
      engine: "valkey",
      userIds: [`fleet-default-${SUFFIX}`, `fleet-app-${SUFFIX}`],
    });
    const version = mocks.one(T.secretVersion);
    assert.equal(
      version.inputs.secretString,
      `rediss://socketio:${AUTH_TOKEN}@${SERVERLESS_HOST}:6379`,
    );
    assert.ok(isSecretInput(version.rawInputs.secretString));
    assert.equal(await isSecret(fleet.redisUrl), true);
    assert.equal(envOf(mocks).REDIS_MODE, "cluster");
    assert.ok(!(mocks.one(T.taskDef).inputs.containerDefinitions as string).includes(AUTH_TOKEN));
    assert.equal(await unwrap(fleet.serverlessCache?.urn), mocks.one(V.serverless).urn);
  });

  it("serverless: the cache's group admits 6379 from the tasks only, as a managed group does", async () => {
    const mocks = await valkeyMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ adapter: "redis-sharded", redis: { mode: "serverless" } }),
        ),
    );
    assert.deepEqual(allRules(mocks), [
      "fleet-alb-sg in tcp 80-80 0.0.0.0/0",
      "fleet-alb-sg in tcp 80-80 ::/0",
      "fleet-alb-sg out tcp 3000-3000 fleet-tasks-sg",
      "fleet-redis-sg in tcp 6379-6379 fleet-tasks-sg",
      "fleet-tasks-sg in tcp 3000-3000 fleet-alb-sg",
      "fleet-tasks-sg out tcp 443-443 0.0.0.0/0",
      "fleet-tasks-sg out tcp 6379-6379 fleet-redis-sg",
    ]);
  });
});

describe("validateAwsFleet: cluster mode and Serverless", () => {
  const problems = (args: Record<string, unknown>) =>
    validateAwsFleet({ image: "ghcr.io/acme/chat:1", ...args });

  it("refuses the classic adapter on Serverless, naming PSUBSCRIBE and the fix", () => {
    assert.deepEqual(problems({ redis: { mode: "serverless" } }), [
      {
        field: "adapter",
        message:
          '`adapter` ("redis", the default) cannot run on `redis.mode: "serverless"` (ElastiCache Serverless: ' +
          "it refuses PSUBSCRIBE, which the `redis` adapter subscribes with); " +
          'set `adapter: "redis-sharded"` (sharded pub/sub), or use `redis.clusterMode: "disabled"`',
      },
    ]);
  });

  it("refuses redis-streams and the classic adapter on a cluster-mode group", () => {
    assert.deepEqual(
      problems({
        adapter: "redis-streams",
        redis: { mode: "managed", clusterMode: "enabled" },
      }).map((p) => p.message),
      [
        '`adapter` ("redis-streams") cannot run on `redis.clusterMode: "enabled"` (a cluster-mode replication group: ' +
          "the app does not run the streams adapter on a Redis cluster); " +
          'set `adapter: "redis-sharded"` (sharded pub/sub), or use `redis.clusterMode: "disabled"`',
      ],
    );
    assert.match(
      problems({ redis: { mode: "managed", clusterMode: "enabled" } })[0].message,
      /every PUBLISH is copied to every shard/,
    );
  });

  it("accepts redis-sharded on both, and the classic adapter with cluster mode disabled", () => {
    assert.deepEqual(problems({ adapter: "redis-sharded", redis: { mode: "serverless" } }), []);
    assert.deepEqual(
      problems({
        adapter: "redis-sharded",
        redis: { mode: "managed", clusterMode: "enabled", shards: 4, replicas: 1 },
      }),
      [],
    );
    assert.deepEqual(problems({ redis: { mode: "managed", clusterMode: "disabled" } }), []);
  });

  it("reports every cluster-mode and serverless field problem at once", () => {
    assert.deepEqual(
      problems({
        adapter: "redis-sharded",
        redis: { mode: "managed", clusterMode: "enabled", shards: 0, replicas: 0 },
      }),
      [
        {
          field: "redis.shards",
          message:
            "`redis.shards` (0) must be an integer from 1 to 500 (ElastiCache allows 500 shards)",
        },
        {
          field: "redis.replicas",
          message:
            '`redis.replicas` (0) is not enough with `redis.clusterMode: "enabled"`: cluster mode requires automatic failover, ' +
            "which needs a replica in every shard; set `redis.replicas` to 1–5",
        },
      ],
    );
    assert.deepEqual(
      problems({
        adapter: "redis-sharded",
        redis: { mode: "managed", clusterMode: "enabled", shards: 100, replicas: 5 },
      }),
      [
        {
          field: "redis.shards",
          message:
            "`redis.shards` (100) × (1 + `redis.replicas` 5) makes 600 nodes; ElastiCache allows at most 500 in a cluster " +
            "(and 90 before a quota increase): use fewer shards or replicas",
        },
      ],
    );
    assert.deepEqual(problems({ redis: { mode: "managed", clusterMode: "on", shards: 2 } }), [
      {
        field: "redis.clusterMode",
        message: '`redis.clusterMode` ("on") must be one of "disabled", "enabled"',
      },
      {
        field: "redis.shards",
        message:
          '`redis.shards` (2) applies only with `redis.clusterMode: "enabled"`: set that or remove `redis.shards`',
      },
    ]);
    assert.deepEqual(
      problems({
        adapter: "redis-sharded",
        redis: {
          mode: "serverless",
          nodeType: "cache.t4g.small",
          maxDataStorageGb: 0,
          maxEcpuPerSecond: 10,
        },
      }).map((p) => p.field),
      ["redis.nodeType", "redis.maxDataStorageGb", "redis.maxEcpuPerSecond"],
    );
    assert.deepEqual(
      problems({ redis: { mode: "managed", maxEcpuPerSecond: 5000 } }).map((p) => p.field),
      ["redis.maxEcpuPerSecond"],
    );
  });
});
