import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { program } from "../../../stacks/gcp";
import { loadStackConfig } from "../../helpers/config";
import { isSecretInput } from "../../helpers/mocks";
import { unwrap } from "../../helpers/unwrap";
import { LB_IP, T, cloudConfig, gcpMocks } from "./fixtures";

const STACK_IMAGE =
  "europe-west1-docker.pkg.dev/my-gcp-project/socketio/app@sha256:0000000000000000000000000000000000000000000000000000000000000000";

describe("the gcp stack (Pulumi.gcp-dev.yaml under mocks)", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}, []));

  it("deploys the fleet from the stack config and exports url, ipAddress and clientOptions", async () => {
    const mocks = await gcpMocks({ stack: "gcp-dev" });
    loadStackConfig("gcp-dev");
    const outputs = await program();
    await mocks.settled();

    assert.deepEqual(Object.keys(outputs).sort(), ["clientOptions", "ipAddress", "url"]);
    assert.equal(await unwrap(outputs.url as pulumi.Output<string>), `http://${LB_IP}`);
    assert.equal(await unwrap(outputs.ipAddress as pulumi.Output<string>), LB_IP);
    assert.deepEqual(await unwrap(outputs.clientOptions as pulumi.Output<unknown>), {
      transports: ["polling", "websocket"],
      path: "/socket.io/",
      withCredentials: false,
    });

    assert.equal(mocks.one(T.fleet).name, "sio-dev");
    // The config's values reached the resources.
    const group = mocks.one(T.group).inputs;
    assert.equal(group.region, "europe-west1");
    assert.equal(group.targetSize, 2);
    const autoscaler = mocks.one(T.autoscaler).inputs.autoscalingPolicy;
    assert.deepEqual(
      [autoscaler.minReplicas, autoscaler.maxReplicas, autoscaler.cpuUtilization.target],
      [2, 4, 0.6],
    );
    assert.equal(mocks.one(T.template).inputs.machineType, "e2-small");
    assert.ok(
      cloudConfig(mocks).files["/etc/socketio-fleet/start.sh"].includes(`'${STACK_IMAGE}'`),
    );
    const backend = mocks.one(T.backend).inputs;
    assert.deepEqual(
      [backend.sessionAffinity, backend.affinityCookieTtlSec, backend.timeoutSec],
      ["GENERATED_COOKIE", 86400, 3600],
    );
    const redis = mocks.one(T.redis).inputs;
    assert.deepEqual([redis.memorySizeGb, redis.deletionProtection], [1, false]);
    assert.equal(mocks.one(T.armor).inputs.rules[1].rateLimitOptions.rateLimitThreshold.count, 600);
  });

  it("uses an external Redis URL from a secret (no Memorystore)", async () => {
    const mocks = await gcpMocks({ stack: "gcp-dev" });
    loadStackConfig("gcp-dev");
    const fleet = new pulumi.Config("socketio-fleet").requireObject<Record<string, unknown>>(
      "fleet",
    );
    delete fleet.redis;
    pulumi.runtime.setConfig("socketio-fleet:fleet", JSON.stringify(fleet));
    pulumi.runtime.setConfig("socketio-fleet:redisUrl", "rediss://:s3cret@10.9.0.5:6379");
    await program();
    await mocks.settled();
    assert.equal(mocks.ofType(T.redis).length, 0);
    const version = mocks.one(T.secretVersion);
    assert.equal(version.inputs.secretData, "rediss://:s3cret@10.9.0.5:6379");
    assert.ok(isSecretInput(version.rawInputs.secretData));
    assert.ok(!cloudConfig(mocks).text.includes("s3cret"), "the URL is never in user-data");
  });

  it("redisUrl beside a managed `redis`: says which config to change", async () => {
    await gcpMocks({ stack: "gcp-dev" });
    loadStackConfig("gcp-dev");
    pulumi.runtime.setConfig("socketio-fleet:redisUrl", "rediss://:s3cret@10.9.0.5:6379");
    await assert.rejects(program(), {
      message:
        "socketio-fleet:redisUrl is set, but `socketio-fleet:fleet` has `redis.mode: managed`: " +
        "set `redis` to { mode: external } to use that URL, or remove redisUrl " +
        "(`pulumi config rm socketio-fleet:redisUrl`) for Memorystore",
    });
  });

  it("needs gcp:region (the provider's region is the fleet's)", async () => {
    await gcpMocks({ stack: "gcp-dev" });
    loadStackConfig("gcp-dev");
    const config = { ...pulumi.runtime.allConfig() };
    delete config["gcp:region"];
    pulumi.runtime.setAllConfig(config, []);
    await assert.rejects(program(), /Missing required configuration variable 'gcp:region'/);
  });
});
