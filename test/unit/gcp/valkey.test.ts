import { strict as assert } from "node:assert";
import { GcpSocketIoFleet, validateGcpFleet } from "../../../components/gcp";
import { isSecretInput } from "../../helpers/mocks";
import { isSecret, unwrap } from "../../helpers/unwrap";
import {
  CA_PEM,
  PROJECT,
  REGION,
  T,
  baseArgs,
  cloudConfig,
  gcpMocks,
  parseEnvFile,
} from "./fixtures";

const V = {
  instance: "gcp:memorystore/instance:Instance",
  acl: "gcp:memorystore/aclPolicy:AclPolicy",
  psc: "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy",
  randomString: "random:index/randomString:RandomString",
  password: "random:index/randomPassword:RandomPassword",
} as const;
const SUFFIX = "q7w2e9";
const PASSWORD = "Pw0rdABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456";
const DISCOVERY = { ip: "10.10.0.7", port: 6379 };
const PRIMARY = { ip: "10.10.0.8", port: 6379 };
const ROOT_PEM = "-----BEGIN CERTIFICATE-----\nMIIBmockROOT\n-----END CERTIFICATE-----";

const psc = (connectionType: string, at: { ip: string; port: number }) => ({
  pscAutoConnection: { connectionType, ipAddress: at.ip, port: at.port },
});

async function build(extra: Parameters<typeof baseArgs>[0]) {
  const mocks = await gcpMocks({
    outputs: {
      [V.randomString]: () => ({ result: SUFFIX }),
      [V.password]: () => ({ result: PASSWORD }),
      [V.instance]: () => ({
        endpoints: [
          {
            connections: [
              psc("CONNECTION_TYPE_DISCOVERY", DISCOVERY),
              psc("CONNECTION_TYPE_PRIMARY", PRIMARY),
            ],
          },
        ],
        managedServerCas: [{ caCerts: [{ certificates: [`${CA_PEM}\n`, ROOT_PEM] }] }],
      }),
    },
  });
  const fleet = new GcpSocketIoFleet("fleet", baseArgs({ project: PROJECT, ...extra }));
  await mocks.settled();
  return { mocks, fleet };
}

describe("GcpSocketIoFleet: Memorystore for Valkey", () => {
  it("cluster mode: exact instance, PSC policy, ACL policy; no Memorystore for Redis", async () => {
    const { mocks, fleet } = await build({
      adapter: "redis-sharded",
      redis: { mode: "valkey", shardCount: 3, replicaCount: 2 },
    });
    assert.equal(mocks.ofType(T.redis).length, 0);
    assert.deepEqual(mocks.one(V.psc).inputs, {
      project: PROJECT,
      location: REGION,
      serviceClass: "gcp-memorystore",
      network: "fleet-vpc-id",
      description: "Socket.IO fleet: PSC endpoints of Memorystore for Valkey",
      pscConfig: { subnetworks: ["fleet-subnet-id"] },
    });
    const acl = mocks.one(V.acl);
    assert.deepEqual(acl.inputs, {
      project: PROJECT,
      location: REGION,
      aclPolicyId: `fleet-${SUFFIX}`,
      rules: [{ username: "default", rule: `on >${PASSWORD} ~* &* +@all` }],
    });
    const instance = mocks.one(V.instance);
    assert.equal(instance.name, "fleet-valkey");
    // Exact: no `authorizationMode` (IAM auth would need short-lived tokens the app cannot renew).
    assert.deepEqual(instance.inputs, {
      project: PROJECT,
      location: REGION,
      instanceId: `fleet-${SUFFIX}`,
      mode: "CLUSTER",
      shardCount: 3,
      replicaCount: 2,
      nodeType: "STANDARD_SMALL",
      engineVersion: "VALKEY_8_0",
      engineConfigs: { "maxmemory-policy": "noeviction" },
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      // The policy's id, which the provider writes as projects/…/locations/…/aclPolicies/…
      aclPolicy: "fleet-valkey-acl-id",
      desiredAutoCreatedEndpoints: [{ network: "fleet-vpc-id", projectId: PROJECT }],
      zoneDistributionConfig: { mode: "MULTI_ZONE" },
      deletionProtectionEnabled: false,
      labels: { "socketio-fleet": "fleet" },
    });
    // The policy exists before the instance asks for its endpoints.
    assert.ok(instance.dependencies.includes(mocks.one(V.psc).urn));
    assert.equal(await unwrap(fleet.valkeyInstance?.urn), instance.urn);
    assert.equal(fleet.redisInstance, undefined);
  });

  it("the URL (a secret) names the discovery endpoint; REDIS_MODE=cluster; the CA chain reaches the app", async () => {
    const { mocks, fleet } = await build({
      adapter: "redis-sharded",
      redis: { mode: "valkey" },
    });
    const url = `rediss://:${PASSWORD}@${DISCOVERY.ip}:${DISCOVERY.port}`;
    const version = mocks.one(T.secretVersion);
    assert.equal(version.inputs.secretData, url);
    assert.ok(isSecretInput(version.rawInputs.secretData));
    assert.equal(await unwrap(fleet.redisUrl), url);
    assert.equal(await isSecret(fleet.redisUrl), true);
    const acl = mocks.one(V.acl);
    assert.ok(
      isSecretInput(acl.rawInputs.rules) ||
        isSecretInput((acl.rawInputs.rules as { rule: unknown }[])[0].rule),
      "the ACL rule holds the password: a secret",
    );
    const { files, text } = cloudConfig(mocks);
    const env = parseEnvFile(files["/etc/socketio-fleet/app.env"]);
    assert.equal(env.REDIS_MODE, "cluster");
    assert.equal(env.SOCKETIO_ADAPTER, "redis-sharded");
    assert.equal(files["/etc/socketio-fleet/redis-ca.pem"], `${CA_PEM}\n${ROOT_PEM}`);
    assert.ok(!text.includes(PASSWORD), "the password never reaches the VM's metadata");
    const inst = mocks.one(V.instance).inputs;
    assert.deepEqual([inst.shardCount, inst.replicaCount], [1, 1]);
  });

  it("cluster mode disabled: one shard, the primary endpoint, REDIS_MODE=standalone, any adapter", async () => {
    const { mocks } = await build({ redis: { mode: "valkey", clusterMode: "disabled" } });
    assert.equal(mocks.one(V.instance).inputs.mode, "CLUSTER_DISABLED");
    assert.equal(
      mocks.one(T.secretVersion).inputs.secretData,
      `rediss://:${PASSWORD}@${PRIMARY.ip}:${PRIMARY.port}`,
    );
    const env = parseEnvFile(cloudConfig(mocks).files["/etc/socketio-fleet/app.env"]);
    assert.equal(env.REDIS_MODE, "standalone");
    assert.equal(env.SOCKETIO_ADAPTER, "redis");
  });

  it("opens egress to the PSC endpoints on 6379 and 11000-13047 only", async () => {
    const { mocks } = await build({ adapter: "redis-sharded", redis: { mode: "valkey" } });
    const rule = mocks.named(T.firewall, "fleet-allow-valkey");
    assert.deepEqual(rule.inputs, {
      project: PROJECT,
      network: "fleet-vpc-id",
      description: "Socket.IO fleet: Memorystore for Valkey PSC endpoints on 6379 and 11000-13047",
      direction: "EGRESS",
      priority: 1000,
      destinationRanges: [`${DISCOVERY.ip}/32`, `${PRIMARY.ip}/32`],
      allows: [{ protocol: "tcp", ports: ["6379", "11000-13047"] }],
    });
  });

  it("serviceConnectionPolicy: false creates none (the network already has one)", async () => {
    const { mocks } = await build({
      adapter: "redis-sharded",
      redis: { mode: "valkey", serviceConnectionPolicy: false },
    });
    assert.equal(mocks.ofType(V.psc).length, 0);
    assert.equal(mocks.ofType(V.instance).length, 1);
  });
});

describe("validateGcpFleet: Memorystore for Valkey", () => {
  const problems = (args: Record<string, unknown>) =>
    validateGcpFleet({ ...baseArgs(), project: PROJECT, ...args });

  it("refuses the classic and streams adapters in cluster mode, naming the fix", () => {
    assert.deepEqual(problems({ redis: { mode: "valkey" } }), [
      {
        field: "adapter",
        message:
          '`adapter` ("redis", the default) cannot run on Memorystore for Valkey in cluster mode: ' +
          "every PUBLISH is copied to every shard, so each shard carries every message; " +
          'set `adapter: "redis-sharded"` (sharded pub/sub), or `redis.clusterMode: "disabled"`',
      },
    ]);
    assert.match(
      problems({ adapter: "redis-streams", redis: { mode: "valkey" } })[0].message,
      /\("redis-streams"\) cannot run on Memorystore for Valkey in cluster mode: the app does not run the streams adapter on a Redis cluster/,
    );
    assert.deepEqual(problems({ adapter: "redis-sharded", redis: { mode: "valkey" } }), []);
    assert.deepEqual(problems({ redis: { mode: "valkey", clusterMode: "disabled" } }), []);
  });

  it("requires `project`: the PSC endpoint's project is immutable", () => {
    assert.deepEqual(
      validateGcpFleet({
        ...baseArgs(),
        adapter: "redis-sharded",
        redis: { mode: "valkey" },
      }).map((p) => p.field),
      ["project"],
    );
  });

  it("reports every Valkey field problem at once", () => {
    assert.deepEqual(
      problems({
        adapter: "redis-sharded",
        redis: {
          mode: "valkey",
          memorySizeGb: 5,
          shardCount: 251,
          replicaCount: 6,
          nodeType: "e2-small",
          serviceConnectionPolicy: "yes",
        },
      }),
      [
        {
          field: "redis.memorySizeGb",
          message:
            "`redis.memorySizeGb` is not a known field; known fields: mode, clusterMode, shardCount, replicaCount, nodeType, serviceConnectionPolicy",
        },
        {
          field: "redis.shardCount",
          message:
            "`redis.shardCount` (251) must be an integer from 1 to 250 (Memorystore for Valkey)",
        },
        {
          field: "redis.replicaCount",
          message: "`redis.replicaCount` (6) must be an integer from 0 to 5 (replicas per shard)",
        },
        {
          field: "redis.nodeType",
          message:
            '`redis.nodeType` ("e2-small") must be one of "SHARED_CORE_NANO", "CUSTOM_PICO", "CUSTOM_MICRO", "CUSTOM_MINI", ' +
            '"HIGHMEM_MEDIUM", "HIGHCPU_MEDIUM", "HIGHMEM_XLARGE", "STANDARD_SMALL", "STANDARD_LARGE", "HIGHMEM_2XLARGE"',
        },
        {
          field: "redis.serviceConnectionPolicy",
          message: '`redis.serviceConnectionPolicy` ("yes") must be true or false',
        },
      ],
    );
    assert.deepEqual(
      problems({ redis: { mode: "valkey", clusterMode: "disabled", shardCount: 2 } }),
      [
        {
          field: "redis.shardCount",
          message:
            '`redis.shardCount` (2) must be 1 with `redis.clusterMode: "disabled"` (one shard); use `redis.clusterMode: "enabled"` for more shards',
        },
      ],
    );
  });

  it("the Memorystore for Redis fields stay refused outside their mode", () => {
    assert.deepEqual(
      problems({ redis: { mode: "managed", shardCount: 2 } }).map((p) => p.field),
      ["redis.shardCount"],
    );
  });
});
