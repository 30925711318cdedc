import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import {
  AWS_TARGET_ARGS,
  AwsSocketIoFleet,
  type AwsSocketIoFleetArgs,
  awsPlatform,
  validateAwsFleet,
  validateAwsFleetName,
  validateAwsFleetTransform,
} from "../../../components/aws";
import { REDIS_CA_PEM, T, awsMocks, baseArgs } from "./fixtures";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

/** Asserts `args` yields exactly one problem, on `field`, whose message has every fragment. */
function expectOnly(args: Record<string, unknown>, field: string, ...fragments: string[]) {
  const problems = validateAwsFleet({ image: "ghcr.io/acme/chat:1", ...args });
  assert.deepEqual(
    problems.map((p) => p.field),
    [field],
    JSON.stringify(problems, null, 1),
  );
  for (const f of fragments)
    assert.ok(problems[0].message.includes(f), `"${problems[0].message}" lacks "${f}"`);
  assert.ok(problems[0].message.includes(`\`${field}\``) || field.startsWith("cors.origins"));
}

describe("AwsSocketIoFleet: validation (shared rules with the AWS platform)", () => {
  it("the AWS platform profile", () => {
    const p = awsPlatform({});
    assert.deepEqual(p.stickinessModes, ["cookie", "none"]);
    assert.deepEqual(p.reservedCookiePrefixes, ["AWSALB", "AWSALBAPP", "AWSALBTG"]);
    assert.deepEqual(p.cookieTtlSeconds, { min: 1, max: 604800 });
    assert.deepEqual(p.connectionTimeoutSeconds, { min: 1, max: 4000 });
    assert.equal(p.tls, false);
    assert.equal(awsPlatform({ certificateArn: CERT }).tls, true);
    assert.equal(p.crossOriginCookieNeedsTls, true);
    assert.deepEqual(p.targetArgs, AWS_TARGET_ARGS);
  });

  it("a valid spec has no problems", () => {
    assert.deepEqual(validateAwsFleet(baseArgs()), []);
    assert.deepEqual(
      validateAwsFleet(
        baseArgs({
          certificateArn: CERT,
          cors: { origins: ["https://app.example.com"] },
          stickiness: { cookieName: "io", ttlSeconds: 604800 },
          connectionTimeoutSeconds: 4000,
          cpu: 16384,
          memoryMiB: 122880,
          autoscaling: { minReplicas: 3, maxReplicas: 3, targetCpuPercent: 100 },
          deregistrationDelaySeconds: 3600,
          logRetentionDays: 3653,
          redis: { mode: "managed", replicas: 5, engine: "redis", nodeType: "cache.m7g.large" },
          network: { vpcId: "v", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c", "d"] },
          clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared",
          accessLogsBucket: "acme-alb-logs",
          deletionProtection: true,
        }),
      ),
      [],
    );
  });

  it("client-ip stickiness: an ALB has none; use cookie", () => {
    expectOnly(
      { stickiness: { mode: "client-ip" } },
      "stickiness.mode",
      "client-ip",
      "an ALB has no client-IP stickiness",
      'use `stickiness.mode: "cookie"`',
    );
  });

  it("none with polling: Session ID unknown", () => {
    expectOnly({ stickiness: { mode: "none" } }, "stickiness.mode", "Session ID unknown");
  });

  it("cookie TTL outside 1–604800", () => {
    expectOnly(
      { stickiness: { ttlSeconds: 604801 } },
      "stickiness.ttlSeconds",
      "604801",
      "from 1 to 604800",
    );
    expectOnly(
      { stickiness: { ttlSeconds: 0 } },
      "stickiness.ttlSeconds",
      "(0)",
      "from 1 to 604800",
    );
  });

  for (const name of ["AWSALB", "AWSALBAPP-x", "awsalbtg_mine", "AWSALBCORS"]) {
    it(`reserved cookie name ${name}`, () => {
      expectOnly(
        { stickiness: { cookieName: name } },
        "stickiness.cookieName",
        `"${name}"`,
        'starts with "AWSALB"',
        "reserves",
      );
    });
  }

  it("connection timeout outside 1–4000", () => {
    expectOnly(
      { connectionTimeoutSeconds: 4001 },
      "connectionTimeoutSeconds",
      "4001",
      "from 1 to 4000",
    );
  });

  it("connection timeout not above the heartbeat", () => {
    expectOnly(
      { connectionTimeoutSeconds: 45 },
      "connectionTimeoutSeconds",
      "(45)",
      "heartbeat",
      "45 s",
    );
  });

  it("https origin without certificateArn: mixed content (and the cookie needs HTTPS)", () => {
    const problems = validateAwsFleet(baseArgs({ cors: { origins: ["https://app.example.com"] } }));
    assert.deepEqual(
      problems.map((p) => p.field),
      ["cors.origins[0]", "cors.origins"],
    );
    assert.ok(problems[0].message.includes("mixed content"));
    assert.ok(problems[0].message.includes("Set `certificateArn`"));
  });

  it("cross-origin cookie stickiness without HTTPS: AWSALBCORS is SameSite=None; Secure", () => {
    expectOnly(
      { cors: { origins: ["http://app.example.com"] } },
      "cors.origins",
      "SameSite=None; Secure",
      "Set `certificateArn`",
    );
    // Websocket-only needs no cookie, so no problem.
    assert.deepEqual(
      validateAwsFleet(
        baseArgs({
          transports: ["websocket"],
          stickiness: { mode: "none" },
          cors: { origins: ["http://app.example.com"] },
        }),
      ),
      [],
    );
  });

  it("a misspelt AWS arg", () => {
    expectOnly(
      { certificateARN: CERT },
      "certificateARN",
      "is not a known field",
      "did you mean `certificateArn`?",
    );
  });
});

describe("AwsSocketIoFleet: validation (AWS-only rules)", () => {
  it("cpu not a Fargate size", () => {
    expectOnly({ cpu: 300 }, "cpu", "(300)", "256, 512, 1024, 2048, 4096, 8192, 16384");
  });

  it("memory not valid for the cpu", () => {
    expectOnly(
      { cpu: 256, memoryMiB: 4096 },
      "memoryMiB",
      "(4096)",
      "`cpu` 256",
      "one of 512, 1024, 2048",
    );
    expectOnly({ cpu: 2048 }, "memoryMiB", "(1024)", "`cpu` 2048", "4096–16384 in steps of 1024");
    expectOnly(
      { cpu: 8192, memoryMiB: 18432 },
      "memoryMiB",
      "(18432)",
      "16384–61440 in steps of 4096",
    );
  });

  it("autoscaling minReplicas above replicas", () => {
    expectOnly(
      { replicas: 2, autoscaling: { minReplicas: 3, maxReplicas: 6 } },
      "autoscaling.minReplicas",
      "(3)",
      "`replicas` (2)",
      "at least 3",
    );
  });

  it("replicas above autoscaling maxReplicas", () => {
    expectOnly(
      { replicas: 8, autoscaling: { minReplicas: 2, maxReplicas: 6 } },
      "autoscaling.maxReplicas",
      "(6)",
      "`replicas` (8)",
      "at most 6",
    );
  });

  it("autoscaling minReplicas above maxReplicas", () => {
    expectOnly(
      { autoscaling: { minReplicas: 5, maxReplicas: 2 } },
      "autoscaling.minReplicas",
      "(5)",
      "`autoscaling.maxReplicas` (2)",
      "swap",
    );
  });

  it("autoscaling without maxReplicas, or with a bad target", () => {
    expectOnly({ autoscaling: { minReplicas: 1 } }, "autoscaling.maxReplicas", "is required");
    expectOnly(
      { autoscaling: { minReplicas: 1, maxReplicas: 5, targetCpuPercent: 0 } },
      "autoscaling.targetCpuPercent",
      "(0)",
      "from 1 to 100",
    );
    expectOnly({ autoscaling: 4 }, "autoscaling", "(4)", "must be an object");
  });

  it("deregistration delay outside 0–3600", () => {
    expectOnly(
      { deregistrationDelaySeconds: 3601 },
      "deregistrationDelaySeconds",
      "(3601)",
      "from 0 to 3600",
    );
    expectOnly(
      { deregistrationDelaySeconds: -1 },
      "deregistrationDelaySeconds",
      "(-1)",
      "from 0 to 3600",
    );
  });

  it("log retention CloudWatch does not accept", () => {
    expectOnly(
      { logRetentionDays: 10 },
      "logRetentionDays",
      "(10)",
      "one of 0, 1, 3, 5, 7, 14, 30",
    );
  });

  it("deletionProtection not a boolean", () => {
    expectOnly({ deletionProtection: "yes" }, "deletionProtection", '("yes")', "true or false");
  });

  it("certificateArn and clusterArn that are not ARNs", () => {
    expectOnly({ certificateArn: "my-cert" }, "certificateArn", '("my-cert")', "arn:aws:acm:");
    expectOnly({ clusterArn: "shared" }, "clusterArn", '("shared")', "arn:aws:ecs:");
  });

  it("accessLogsBucket written as a URL", () => {
    expectOnly(
      { accessLogsBucket: "s3://logs" },
      "accessLogsBucket",
      '("s3://logs")',
      'no "s3://"',
    );
  });

  it("availabilityZones: zone names of one region, at least two, each once, and not with network", () => {
    assert.deepEqual(
      validateAwsFleet(baseArgs({ availabilityZones: ["us-east-1a", "us-east-1b"] })),
      [],
    );
    assert.deepEqual(
      validateAwsFleet(
        baseArgs({ availabilityZones: ["us-gov-west-1a", "us-gov-west-1b", "us-gov-west-1c"] }),
      ),
      [],
    );
    assert.deepEqual(
      validateAwsFleet(baseArgs({ availabilityZones: ["eusc-de-east-1a", "eusc-de-east-1b"] })),
      [],
    );
    expectOnly(
      { availabilityZones: ["us-east-1a"] },
      "availabilityZones",
      "at least 2 zones",
      "an ALB spans two",
    );
    expectOnly(
      { availabilityZones: ["us-east-1a", "us-east-1a"] },
      "availabilityZones",
      '"us-east-1a" more than once',
    );
    expectOnly(
      { availabilityZones: ["us-east-1a", "us-east-1-bos-1a"] },
      "availabilityZones",
      '"us-east-1-bos-1a"',
      "Local and Wavelength Zones are not supported",
    );
    expectOnly(
      { availabilityZones: ["us-east-1a", "eu-west-1b"] },
      "availabilityZones",
      "spans regions us-east-1, eu-west-1",
    );
    expectOnly(
      { availabilityZones: "us-east-1a" },
      "availabilityZones",
      "must be a list of zone names",
    );
    expectOnly(
      {
        availabilityZones: ["us-east-1a", "us-east-1b"],
        network: { vpcId: "v", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c", "d"] },
      },
      "availabilityZones",
      "with `network` the subnets decide the zones",
    );
  });

  it("network without private subnets, or with one public subnet", () => {
    expectOnly(
      { network: { vpcId: "v", publicSubnetIds: ["a", "b"] } },
      "network.privateSubnetIds",
      "is required",
    );
    expectOnly(
      { network: { vpcId: "v", publicSubnetIds: ["a"], privateSubnetIds: ["c", "d"] } },
      "network.publicSubnetIds",
      "at least 2 subnets",
      "two",
      "add a public subnet in a second availability zone",
    );
  });

  it("network with one private subnet while managed Redis has replicas (multi-AZ failover)", () => {
    const network = { vpcId: "v", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c"] };
    const problems = validateAwsFleet(baseArgs({ network }));
    assert.deepEqual(problems, [
      {
        field: "network.privateSubnetIds",
        message:
          '`network.privateSubnetIds` (["c"]) needs at least 2 subnets in different availability zones: ' +
          "managed Redis with `redis.replicas` 1 (the default) runs multi-AZ with automatic failover, " +
          "so ElastiCache needs subnets in at least two availability zones to keep a replica apart " +
          "from the primary; add a private subnet in a second availability zone, or set " +
          "`redis.replicas: 0` (a single node, no failover)",
      },
    ]);
    expectOnly(
      { network, redis: { mode: "managed", replicas: 3 } },
      "network.privateSubnetIds",
      '(["c"])',
      "at least 2 subnets",
      "`redis.replicas` 3 runs multi-AZ",
      "`redis.replicas: 0`",
    );
    expectOnly(
      { network: { ...network, privateSubnetIds: ["c", "c"] } },
      "network.privateSubnetIds",
      '(["c","c"])',
      'lists "c" more than once',
      "at least 2 in different availability zones",
    );
    // One subnet is enough without failover: no replicas, or a Redis the fleet does not manage.
    assert.deepEqual(
      validateAwsFleet(baseArgs({ network, redis: { mode: "managed", replicas: 0 } })),
      [],
    );
    assert.deepEqual(
      validateAwsFleet(
        baseArgs({
          network,
          redis: {
            mode: "external",
            url: "rediss://:pw@r.example.com:6379",
            cidrIpv4: "10.1.0.0/16",
          },
        }),
      ),
      [],
    );
  });

  it("network with the same public subnet twice (one availability zone)", () => {
    expectOnly(
      { network: { vpcId: "v", publicSubnetIds: ["a", "a"], privateSubnetIds: ["c", "d"] } },
      "network.publicSubnetIds",
      '(["a","a"])',
      'lists "a" more than once',
      "an ALB spans at least two",
      "add a public subnet in a second availability zone",
    );
  });

  it("redis: missing or unknown mode", () => {
    expectOnly({ redis: {} }, "redis.mode", "is required", '"managed", "serverless" or "external"');
    expectOnly(
      { redis: { mode: "cluster" } },
      "redis.mode",
      '("cluster")',
      '"managed", "serverless", "external"',
    );
  });

  it("redis managed: bad node type, too many replicas, unknown engine, a stray url", () => {
    expectOnly(
      { redis: { mode: "managed", nodeType: "t4g.small" } },
      "redis.nodeType",
      '("t4g.small")',
      '"cache.t4g.small"',
    );
    expectOnly({ redis: { mode: "managed", replicas: 6 } }, "redis.replicas", "(6)", "from 0 to 5");
    expectOnly(
      { redis: { mode: "managed", engine: "memcached" } },
      "redis.engine",
      '("memcached")',
      '"redis", "valkey"',
    );
    expectOnly(
      { redis: { mode: "managed", url: "rediss://x" } },
      "redis.url",
      "is not a known field",
    );
  });

  it("redis external: missing url, wrong scheme (never echoed), bad port or range", () => {
    const net = { cidrIpv4: "10.1.0.0/16" };
    expectOnly({ redis: { mode: "external", ...net } }, "redis.url", "is required");
    const problems = validateAwsFleet(
      baseArgs({ redis: { mode: "external", url: "http://:hunter2@x:6379", ...net } }),
    );
    assert.deepEqual(
      problems.map((p) => p.field),
      ["redis.url"],
    );
    assert.ok(problems[0].message.includes("redis:// or rediss://"));
    assert.ok(!problems[0].message.includes("hunter2"), "the URL must not be echoed");
    expectOnly(
      { redis: { mode: "external", url: "rediss://x", port: 0, ...net } },
      "redis.port",
      "(0)",
      "from 1 to 65535",
    );
    expectOnly(
      { redis: { mode: "external", url: "rediss://x", cidrIpv4: "10.0.0.0/33" } },
      "redis.cidrIpv4",
      '("10.0.0.0/33")',
      "IPv4 CIDR",
    );
    // A secret URL cannot be read while validating: accepted.
    assert.deepEqual(
      validateAwsFleet(
        baseArgs({ redis: { mode: "external", url: pulumi.secret("rediss://x"), ...net } }),
      ),
      [],
    );
  });

  it("redis external `tlsCa`: parseable PEM certificates, only beside rediss://, never with managed", () => {
    const external = {
      mode: "external" as const,
      url: "rediss://:pw@redis.corp:6379",
      cidrIpv4: "10.1.0.0/16",
    };
    const chain = `${REDIS_CA_PEM}\n${REDIS_CA_PEM}\n`;
    for (const tlsCa of [REDIS_CA_PEM, chain, pulumi.output(REDIS_CA_PEM)]) {
      assert.deepEqual(validateAwsFleet(baseArgs({ redis: { ...external, tlsCa } })), []);
    }
    expectOnly(
      { redis: { ...external, tlsCa: "/etc/ssl/redis-ca.crt" } },
      "redis.tlsCa",
      "must be PEM certificate text (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)",
    );
    const broken = REDIS_CA_PEM.replace("MIIB", "XXXX");
    expectOnly(
      { redis: { ...external, tlsCa: `${REDIS_CA_PEM}\n${broken}` } },
      "redis.tlsCa",
      "certificate 2 of 2 is not a valid X.509 certificate",
    );
    expectOnly(
      { redis: { ...external, tlsCa: 42 } },
      "redis.tlsCa",
      "(42)",
      "PEM certificate text",
    );
    const plain = validateAwsFleet(
      baseArgs({
        redis: { ...external, url: "redis://:hunter2@redis.corp:6379", tlsCa: REDIS_CA_PEM },
      }),
    );
    assert.deepEqual(plain, [
      {
        field: "redis.tlsCa",
        message:
          "`redis.tlsCa` is set but `redis.url` (value not shown) is redis://, which has no TLS: use rediss:// or remove `redis.tlsCa`",
      },
    ]);
    expectOnly(
      { redis: { mode: "managed", tlsCa: REDIS_CA_PEM } },
      "redis.tlsCa",
      'applies only to `redis.mode: "external"`',
    );
  });

  it("redis external: `cidrIpv4` is required (no 0.0.0.0/0 egress by default)", () => {
    expectOnly(
      { redis: { mode: "external", url: "rediss://x" } },
      "redis.cidrIpv4",
      'is required with `redis.mode: "external"`',
      '"10.1.0.0/16"',
      '"0.0.0.0/0" opens that port to the whole internet',
    );
    // Opting in explicitly is allowed (a Redis with public addresses that are not fixed).
    assert.deepEqual(
      validateAwsFleet(
        baseArgs({ redis: { mode: "external", url: "rediss://x", cidrIpv4: "0.0.0.0/0" } }),
      ),
      [],
    );
  });

  it("transform (an option now): unknown child or not a function", () => {
    const problems = (value: unknown) => validateAwsFleetTransform(value);
    assert.deepEqual(
      problems({ bucket: () => undefined }).map((p) => p.field),
      ["transform.bucket"],
    );
    assert.match(problems({ bucket: () => undefined })[0].message, /is not a known field/);
    const notAFunction = problems({ service: 1 });
    assert.deepEqual(
      notAFunction.map((p) => p.field),
      ["transform.service"],
    );
    assert.match(notAFunction[0].message, /\(1\).*must be a function/);
    assert.deepEqual(problems({ service: () => undefined }), []);
    assert.deepEqual(problems(undefined), []);
  });

  it("transform as an arg: refused with where it moved", () => {
    expectOnly(
      { transform: { service: () => undefined } },
      "transform",
      "no longer an arg",
      "{ transform: { … } }",
      "`transforms` resource option",
    );
  });

  it("the component name: lower case, starts with a letter, single hyphens, at most 20 characters", () => {
    for (const ok of ["chat", "sio-dev", "a1-b2", "abcdefghijklmnopqrst"]) {
      assert.deepEqual(validateAwsFleetName(ok), [], ok);
    }
    for (const bad of [
      "Chat",
      "1chat",
      "chat--prod",
      "chat-",
      "chat_prod",
      "abcdefghijklmnopqrstu",
      "",
    ]) {
      const problems = validateAwsFleetName(bad);
      assert.deepEqual(
        problems.map((p) => p.field),
        ["name"],
        bad,
      );
      assert.ok(problems[0].message.includes(`(${JSON.stringify(bad)})`), problems[0].message);
      assert.ok(problems[0].message.includes("1–20 lower-case letters"), problems[0].message);
    }
  });

  it("the component name: not a prefix AWS rejects for the ALB (internal-) or a security group (sg-)", () => {
    assert.deepEqual(validateAwsFleetName("internal-chat"), [
      {
        field: "name",
        message:
          'the component `name` ("internal-chat") starts with "internal-", which AWS rejects: load balancer names may not begin with it; choose another name, e.g. "chat-prod"',
      },
    ]);
    assert.deepEqual(validateAwsFleetName("sg-chat"), [
      {
        field: "name",
        message:
          'the component `name` ("sg-chat") starts with "sg-", which AWS rejects: security group names may not begin with it; choose another name, e.g. "chat-prod"',
      },
    ]);
    for (const ok of ["internal", "internalchat", "sg", "sgchat"]) {
      assert.deepEqual(validateAwsFleetName(ok), [], ok);
    }
  });

  it("the constructor reports every problem (shared and AWS) at once in one ResourceError", async () => {
    const mocks = await awsMocks();
    const args = {
      image: "ghcr.io/acme/chat:1",
      stickiness: { mode: "client-ip" },
      connectionTimeoutSeconds: 5000,
      cpu: 256,
      memoryMiB: 8192,
      replicas: 1,
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
    } as unknown as AwsSocketIoFleetArgs;
    assert.throws(
      () => new AwsSocketIoFleet("Bad_Name", args),
      (err: unknown) => {
        assert.ok(err instanceof pulumi.ResourceError, String(err));
        const text = (err as Error).message;
        assert.ok(text.startsWith("Invalid socketio-fleet spec (5 problems):"), text);
        for (const field of [
          "name",
          "stickiness.mode",
          "connectionTimeoutSeconds",
          "memoryMiB",
          "autoscaling.minReplicas",
        ]) {
          assert.ok(text.includes(`\`${field}\``), `${field} missing in:\n${text}`);
        }
        return true;
      },
    );
    await mocks.settled();
    // Nothing but the component itself was registered.
    assert.deepEqual(
      mocks.resources.filter((r) => r.type !== T.fleet),
      [],
    );
  });
});

describe("AwsSocketIoFleet: validation never throws", () => {
  const awsKeys = fc.constantFrom(
    ...AWS_TARGET_ARGS,
    "image",
    "replicas",
    "stickiness",
    "cors",
    "connectionTimeoutSeconds",
  );
  const value = fc.oneof(
    fc.anything(),
    fc.integer({ min: -10, max: 200000 }),
    fc.record({ mode: fc.constantFrom("managed", "external", "x"), url: fc.anything() }),
    fc.record({ minReplicas: fc.anything(), maxReplicas: fc.anything() }),
  );

  it("any args yield a list of problems, each with a field and a message", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.dictionary(awsKeys, value)), (args) => {
        const problems = validateAwsFleet(args);
        assert.ok(Array.isArray(problems));
        for (const p of problems) {
          assert.equal(typeof p.field, "string");
          assert.ok(typeof p.message === "string" && p.message.length > 0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("any name yields no problem or exactly one on `name`", () => {
    fc.assert(
      fc.property(fc.anything(), (name) => {
        const problems = validateAwsFleetName(name);
        assert.ok(problems.length <= 1);
        if (problems.length === 1) assert.equal(problems[0].field, "name");
      }),
      { numRuns: 500 },
    );
  });
});
