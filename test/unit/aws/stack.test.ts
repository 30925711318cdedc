import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { program } from "../../../stacks/aws";
import { loadStackConfig } from "../../helpers/config";
import { isSecretInput } from "../../helpers/mocks";
import { unwrap } from "../../helpers/unwrap";
import { ALB_DNS, REDIS_HOST, T, awsMocks, containers } from "./fixtures";

const REPO_URL = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sio-dev-repo";
const IMAGE_URI = `${REPO_URL}@sha256:0123abcd`;
const ecrOutputs = {
  [T.repo]: () => ({ url: REPO_URL }),
  [T.image]: () => ({ imageUri: IMAGE_URI }),
};

describe("the aws stack (Pulumi.aws-dev.yaml under mocks)", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}, []));

  it("builds app/Dockerfile into ECR and deploys the fleet from the stack config", async () => {
    const mocks = await awsMocks({ outputs: ecrOutputs });
    loadStackConfig("aws-dev");
    const outputs = await program();
    await mocks.settled();

    assert.deepEqual(Object.keys(outputs).sort(), [
      "clientOptions",
      "image",
      "loadBalancerDnsName",
      "redisEndpoint",
      "url",
    ]);
    assert.equal(await unwrap(outputs.url as pulumi.Output<string>), `http://${ALB_DNS}`);
    assert.deepEqual(await unwrap(outputs.clientOptions as pulumi.Output<unknown>), {
      transports: ["polling", "websocket"],
      path: "/socket.io/",
      withCredentials: false,
    });
    assert.equal(
      await unwrap(outputs.redisEndpoint as pulumi.Output<string>),
      `${REDIS_HOST}:6379`,
    );
    assert.equal(await unwrap(outputs.image as pulumi.Output<string>), IMAGE_URI);

    assert.equal(mocks.one(T.fleet).name, "sio-dev");
    // Rollbacks: every build pushes the same tag, so awsx's default rule (one untagged image)
    // would delete the digest revision N-2 pins; the repository keeps the last 20 images instead.
    assert.deepEqual(mocks.one(T.repo).inputs, {
      forceDelete: true,
      lifecyclePolicy: {
        rules: [
          {
            description: "keep the last 20 images (tagged or not) for rollbacks",
            tagStatus: "any",
            maximumNumberOfImages: 20,
          },
        ],
      },
    });
    assert.deepEqual(mocks.one(T.image).inputs, {
      repositoryUrl: REPO_URL,
      context: ".",
      dockerfile: "app/Dockerfile",
      platform: "linux/amd64",
    });
    assert.equal(containers(mocks)[0].image, IMAGE_URI);

    // The config's values reached the resources.
    assert.equal(mocks.one(T.service).inputs.desiredCount, 2);
    assert.deepEqual(
      [
        mocks.one(T.scalingTarget).inputs.minCapacity,
        mocks.one(T.scalingTarget).inputs.maxCapacity,
      ],
      [2, 6],
    );
    assert.equal(
      mocks.ofType(T.logGroup).filter((g) => g.name.endsWith("-logs"))[0].inputs.retentionInDays,
      14,
    );
    assert.deepEqual(mocks.one(T.tg).inputs.stickiness, {
      enabled: true,
      type: "lb_cookie",
      cookieDuration: 86400,
    });
    assert.equal(mocks.one(T.lb).inputs.idleTimeout, 3600);
    // The example drains fully: 3 s status poll + 25 s drain + 5 s (30 s cut websockets).
    assert.equal(mocks.one(T.tg).inputs.deregistrationDelay, 33);
    // The example's zones are pinned (no lookup feeds the subnets' replace-on-change zone).
    assert.deepEqual(mocks.one(T.vpc).inputs.availabilityZoneNames, ["us-east-1a", "us-east-1b"]);
    assert.equal(mocks.one(T.vpc).inputs.numberOfAvailabilityZones, undefined);
    const rg = mocks.one(T.replicationGroup).inputs;
    assert.deepEqual(
      [rg.engine, rg.nodeType, rg.numCacheClusters],
      ["valkey", "cache.t4g.micro", 2],
    );
  });

  it("uses a configured image and an external Redis URL from a secret", async () => {
    const mocks = await awsMocks({ outputs: ecrOutputs });
    loadStackConfig("aws-dev");
    const fleet = new pulumi.Config("socketio-fleet").requireObject<Record<string, unknown>>(
      "fleet",
    );
    fleet.redis = { mode: "external", cidrIpv4: "10.1.0.0/16" };
    pulumi.runtime.setConfig("socketio-fleet:fleet", JSON.stringify(fleet));
    pulumi.runtime.setConfig("socketio-fleet:image", "ghcr.io/acme/chat:2.0.0");
    pulumi.runtime.setConfig("socketio-fleet:redisUrl", "rediss://:s3cret@redis.example.com:6379");
    await program();
    await mocks.settled();
    assert.equal(mocks.ofType(T.repo).length, 0);
    assert.equal(mocks.ofType(T.image).length, 0);
    assert.equal(mocks.ofType(T.replicationGroup).length, 0);
    assert.equal(containers(mocks)[0].image, "ghcr.io/acme/chat:2.0.0");
    const version = mocks.one(T.secretVersion);
    assert.equal(version.inputs.secretString, "rediss://:s3cret@redis.example.com:6379");
    assert.ok(isSecretInput(version.rawInputs.secretString));
    const egress = mocks.named(T.egress, "sio-dev-tasks-out-redis").inputs;
    assert.deepEqual(
      [egress.fromPort, egress.toPort, egress.cidrIpv4],
      [6379, 6379, "10.1.0.0/16"],
    );
  });

  it("redisUrl beside the example's managed Redis: says which config to change", async () => {
    await awsMocks({ outputs: ecrOutputs });
    loadStackConfig("aws-dev");
    pulumi.runtime.setConfig("socketio-fleet:image", "ghcr.io/acme/chat:2.0.0");
    pulumi.runtime.setConfig("socketio-fleet:redisUrl", "rediss://:s3cret@redis.example.com:6379");
    await assert.rejects(program(), {
      message:
        "socketio-fleet:redisUrl is set, but `socketio-fleet:fleet` has `redis.mode: managed`: " +
        "set `redis` to { mode: external, cidrIpv4: <the Redis network, e.g. 10.1.0.0/16> } " +
        "to use that URL, or remove redisUrl (`pulumi config rm socketio-fleet:redisUrl`) for ElastiCache",
    });
  });

  it("redisUrl without `fleet.redis`: the component asks for `redis.cidrIpv4`", async () => {
    await awsMocks({ outputs: ecrOutputs });
    loadStackConfig("aws-dev");
    const fleet = new pulumi.Config("socketio-fleet").requireObject<Record<string, unknown>>(
      "fleet",
    );
    delete fleet.redis;
    pulumi.runtime.setConfig("socketio-fleet:fleet", JSON.stringify(fleet));
    pulumi.runtime.setConfig("socketio-fleet:image", "ghcr.io/acme/chat:2.0.0");
    pulumi.runtime.setConfig("socketio-fleet:redisUrl", "rediss://:s3cret@redis.example.com:6379");
    await assert.rejects(program(), (err: Error) => {
      assert.ok(err.message.includes("Invalid socketio-fleet spec (1 problem):"), err.message);
      assert.ok(err.message.includes("`redis.cidrIpv4` is required"), err.message);
      assert.ok(!err.message.includes("s3cret"), "the URL must not be echoed");
      return true;
    });
  });
});
