import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AwsSocketIoFleet } from "../../../components/aws";
import { isSecretInput } from "../../helpers/mocks";
import { isSecret, unwrap } from "../../helpers/unwrap";
import {
  AUTH_TOKEN,
  REDIS_CA_PEM,
  REDIS_HOST,
  T,
  awsMocks,
  baseArgs,
  build,
  containers,
} from "./fixtures";

describe("AwsSocketIoFleet: Redis", () => {
  it("managed (default): encrypted Valkey 8 replication group, cluster mode off, failover + multi-AZ", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const rg = mocks.one(T.replicationGroup);
    assert.equal(rg.name, "fleet-redis");
    assert.deepEqual(rg.inputs, {
      description: "Socket.IO fleet adapter (pub/sub)",
      engine: "valkey",
      engineVersion: "8.0",
      parameterGroupName: "default.valkey8",
      clusterMode: "disabled",
      nodeType: "cache.t4g.small",
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      port: 6379,
      subnetGroupName: "fleet-redis-subnets",
      securityGroupIds: ["fleet-redis-sg-id"],
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: AUTH_TOKEN,
      autoMinorVersionUpgrade: true,
      // A node type change applies on `pulumi up`, not at the next maintenance window.
      applyImmediately: true,
    });
    assert.ok(isSecretInput(rg.rawInputs.authToken), "authToken must be sent as a secret");
    assert.deepEqual(mocks.one(T.subnetGroup).inputs, {
      subnetIds: ["subnet-priv-a", "subnet-priv-b"],
      description: "Socket.IO fleet Redis (private subnets)",
    });
  });

  it("generates the AUTH token with @pulumi/random: 64 chars, only `-` as special", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const pw = mocks.one(T.password);
    assert.equal(pw.name, "fleet-redis-auth");
    assert.deepEqual(pw.inputs, {
      length: 64,
      special: true,
      overrideSpecial: "-",
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
    });
    // Every special ElastiCache allows (!&#$^<>-) that is also URL-safe unescaped.
    for (const c of pw.inputs.overrideSpecial as string) assert.ok("!&#$^<>-".includes(c));
    assert.ok(pw.inputs.length >= 16 && pw.inputs.length <= 128);
  });

  it("redis engine with no replicas: Redis 7.1, one node, no failover, no multi-AZ", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            redis: { mode: "managed", engine: "redis", replicas: 0, nodeType: "cache.r7g.large" },
          }),
        ),
    );
    const rg = mocks.one(T.replicationGroup).inputs;
    assert.equal(rg.engine, "redis");
    assert.equal(rg.engineVersion, "7.1");
    assert.equal(rg.parameterGroupName, "default.redis7");
    assert.equal(rg.nodeType, "cache.r7g.large");
    assert.equal(rg.numCacheClusters, 1);
    assert.equal(rg.automaticFailoverEnabled, false);
    assert.equal(rg.multiAzEnabled, false);
  });

  it("puts the rediss:// URL into Secrets Manager as a secret", async () => {
    const mocks = await awsMocks();
    const fleet = await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const secret = mocks.one(T.secret);
    assert.equal(secret.name, "fleet-redis-url");
    // No kmsKeyId: the AWS-managed aws/secretsmanager key, which the execution role may use
    // without a kms:Decrypt grant (GetSecretValue on the one ARN is the whole policy).
    assert.deepEqual(secret.inputs, {
      description: "Redis URL (with AUTH token) of the Socket.IO fleet",
    });
    const version = mocks.one(T.secretVersion);
    assert.deepEqual(version.inputs, {
      secretId: "fleet-redis-url-id",
      secretString: `rediss://:${AUTH_TOKEN}@${REDIS_HOST}:6379`,
    });
    assert.ok(isSecretInput(version.rawInputs.secretString), "secretString must be a secret");
    assert.equal(await isSecret(fleet.redisUrl), true);
  });

  it("external: no ElastiCache; the secret URL still goes through Secrets Manager", async () => {
    const mocks = await awsMocks();
    const url = "rediss://:pw-123@redis.example.com:6380";
    const fleet = await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            redis: {
              mode: "external",
              url: pulumi.secret(url),
              port: 6380,
              cidrIpv4: "10.1.0.0/16",
            },
          }),
        ),
    );
    for (const type of [T.replicationGroup, T.subnetGroup, T.password]) {
      assert.equal(mocks.ofType(type).length, 0, type);
    }
    const version = mocks.one(T.secretVersion);
    assert.equal(version.inputs.secretString, url);
    assert.ok(isSecretInput(version.rawInputs.secretString));
    assert.equal(await unwrap(fleet.redisUrl), url);
    assert.equal(await isSecret(fleet.redisUrl), true);
    assert.equal(await unwrap(fleet.redisEndpoint), "redis.example.com:6380");
    assert.equal(await isSecret(fleet.redisEndpoint), false);
    const json = mocks.one(T.taskDef).inputs.containerDefinitions as string;
    assert.ok(!json.includes("pw-123"));
    const egress = mocks.named(T.egress, "fleet-tasks-out-redis").inputs;
    assert.deepEqual(
      [egress.fromPort, egress.toPort, egress.cidrIpv4],
      [6380, 6380, "10.1.0.0/16"],
    );
  });

  it("external with a private CA: the task trusts exactly that PEM (REDIS_TLS_CA); without one, no key", async () => {
    const env = async (tlsCa?: string) => {
      const mocks = await awsMocks();
      await build(
        mocks,
        () =>
          new AwsSocketIoFleet(
            "fleet",
            baseArgs({
              redis: {
                mode: "external",
                url: pulumi.secret("rediss://:pw@redis.corp.internal:6379"),
                cidrIpv4: "10.1.0.0/16",
                tlsCa,
              },
            }),
          ),
      );
      return containers(mocks)[0].environment as { name: string; value: string }[];
    };
    const withCa = await env(REDIS_CA_PEM);
    assert.deepEqual(
      withCa.filter((e) => e.name === "REDIS_TLS_CA"),
      [{ name: "REDIS_TLS_CA", value: REDIS_CA_PEM }],
    );
    const withoutCa = await env();
    assert.deepEqual(
      withoutCa.filter((e) => e.name === "REDIS_TLS_CA"),
      [],
    );
    // Nothing else of the environment moves with the CA.
    assert.deepEqual(
      withCa.filter((e) => e.name !== "REDIS_TLS_CA"),
      withoutCa,
    );
  });

  it("external with a plain-string URL: wrapped as a secret all the same", async () => {
    const mocks = await awsMocks();
    const url = "redis://:plain@10.0.0.5:6379";
    const fleet = await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ redis: { mode: "external", url, cidrIpv4: "10.0.0.0/16" } }),
        ),
    );
    // Default port 6379 (the URL is a secret, so it is not parsed for one), only to the given range.
    const egress = mocks.named(T.egress, "fleet-tasks-out-redis").inputs;
    assert.deepEqual(
      [egress.fromPort, egress.toPort, egress.cidrIpv4],
      [6379, 6379, "10.0.0.0/16"],
    );
    assert.ok(isSecretInput(mocks.one(T.secretVersion).rawInputs.secretString));
    assert.equal(await isSecret(fleet.redisUrl), true);
  });
});
