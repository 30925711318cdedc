/**
 * Remote construction: what Pulumi's plugin host does when a Python, Go, C# or YAML program
 * creates a component. Wire-format inputs (plain JSON, enums as their strings, a secret as an
 * output value) go through the provider server's own `deserializeInputs`, then
 * `ComponentProvider.construct`, under the project's strict mocks. The children must be exactly
 * those the TypeScript constructor creates from the same args, and the outputs those the schema
 * declares.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AwsSocketIoFleet, type AwsSocketIoFleetArgs } from "../../../components/aws";
import type { KubernetesSocketIoFleetArgs } from "../../../components/kubernetes";
import {
  isSecretInput,
  type MockRecorder,
  type RecordedResource,
  setupMocks,
} from "../../helpers/mocks";
import { unwrap } from "../../helpers/unwrap";
import { awsMocks, T as AWS } from "../aws/fixtures";
import { CERT_ARN, deploy as k8sDeploy, K8S_OUTPUTS, T as K8S } from "../kubernetes/fixtures";
import { INFERENCE_TIMEOUT_MS, inferredSchema, sharedProvider } from "./packageSchema";

// The provider server's input decoding (public module, not re-exported by the package index).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeInputs } = require("@pulumi/pulumi/provider/server") as {
  deserializeInputs: (
    struct: { toJavaScript(): unknown },
    deps: Map<string, unknown>,
  ) => Promise<pulumi.Inputs>;
};

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The wire signature of an output value (how current SDKs send a nested Output or secret). */
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** A secret as another language's SDK sends it nested in an object: a secret output value. */
function wireSecret(value: string) {
  return { [SECRET_SIG_KEY]: OUTPUT_VALUE_SIG, value, secret: true, dependencies: [] };
}

/** Decodes wire inputs exactly as the provider server's `construct` does (no dependencies). */
async function decode(wire: Record<string, unknown>): Promise<pulumi.Inputs> {
  const json = JSON.parse(JSON.stringify(wire)) as unknown; // what a protobuf Struct can carry
  return deserializeInputs({ toJavaScript: () => json }, new Map());
}

/** A child as comparable data: type, name, parent type, inputs (secrets unwrapped). */
function describeChildren(mocks: MockRecorder, componentType: string) {
  const byUrn = new Map(mocks.resources.map((r) => [r.urn, r]));
  return mocks.resources
    .filter((r) => r.type !== componentType)
    .map((r: RecordedResource) => ({
      type: r.type,
      name: r.name,
      parentType: byUrn.get(r.parent)?.type ?? "stack",
      inputs: r.inputs,
    }))
    .sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));
}

/** Wire inputs and the TypeScript args they stand for, per component. */
const REDIS_URL = "rediss://:s3cret-token@redis.internal.example.com:6380";

const AWS_TS_ARGS: AwsSocketIoFleetArgs = {
  image: "ghcr.io/acme/chat:1.4.2",
  replicas: 2,
  transports: ["polling", "websocket"],
  stickiness: { mode: "cookie", cookieName: "SIO_NODE", ttlSeconds: 3600 },
  cors: { origins: ["https://app.acme.com"], credentials: true },
  adapter: "redis-streams",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
  domainName: "chat.acme.com",
  autoscaling: { minReplicas: 2, maxReplicas: 6 },
  redis: { mode: "external", url: pulumi.secret(REDIS_URL), cidrIpv4: "10.1.0.0/16", port: 6380 },
  env: { LOG_LEVEL: "debug" },
};
const AWS_WIRE = {
  ...AWS_TS_ARGS,
  redis: { mode: "external", url: wireSecret(REDIS_URL), cidrIpv4: "10.1.0.0/16", port: 6380 },
};

const K8S_TS_ARGS: KubernetesSocketIoFleetArgs = {
  image: "ghcr.io/acme/chat:1.4.2",
  ingress: { controller: "aws-alb", host: "chat.acme.com", certificateArn: CERT_ARN },
  stickiness: { mode: "cookie" },
  cors: { origins: ["https://app.acme.com"] },
  namespace: { name: "chat", create: true },
  redis: { mode: "external", url: pulumi.secret(REDIS_URL) },
  autoscaling: { minReplicas: 2, maxReplicas: 5 },
  resources: { requests: { cpu: "500m" } },
};
const K8S_WIRE = { ...K8S_TS_ARGS, redis: { mode: "external", url: wireSecret(REDIS_URL) } };

describe("remote construction (another language's program, through the component provider)", function () {
  this.timeout(INFERENCE_TIMEOUT_MS);

  before(async () => {
    await inferredSchema(); // the provider infers the schema on its first construct
  });

  it("AwsSocketIoFleet: the same children with the same inputs as the TypeScript constructor", async () => {
    const local = await awsMocks();
    new AwsSocketIoFleet("chat", AWS_TS_ARGS);
    await local.settled();
    const expected = describeChildren(local, AWS.fleet);

    const remote = await awsMocks();
    const result = await sharedProvider().construct(
      "chat",
      "socketio-fleet:index:AwsSocketIoFleet",
      await decode(AWS_WIRE),
      {},
    );
    await remote.settled();
    assert.ok(expected.length > 20, `${expected.length} children`);
    assert.deepEqual(describeChildren(remote, AWS.fleet), expected);
    assert.equal(await unwrap(result.urn), remote.one(AWS.fleet).urn);
    assert.equal(await unwrap(result.state.url as pulumi.Output<string>), "https://chat.acme.com");
    // The Redis URL stays a secret end to end: in the secret's version and in the output.
    assert.ok(isSecretInput(remote.one(AWS.secretVersion).rawInputs.secretString));
    assert.equal(await pulumi.isSecret(result.state.redisUrl as pulumi.Output<string>), true);
  });

  it("KubernetesSocketIoFleet: the same children with the same inputs as the TypeScript constructor", async () => {
    const { mocks: local } = await k8sDeploy(K8S_TS_ARGS);
    const expected = describeChildren(local, K8S.fleet);

    const remote = await setupMocks({ outputs: K8S_OUTPUTS });
    const result = await sharedProvider().construct(
      "chat",
      "socketio-fleet:index:KubernetesSocketIoFleet",
      await decode(K8S_WIRE),
      {},
    );
    await remote.settled();
    assert.ok(expected.length >= 8, `${expected.length} children`);
    assert.deepEqual(describeChildren(remote, K8S.fleet), expected);
    assert.equal(await unwrap(result.state.url as pulumi.Output<string>), "https://chat.acme.com");
    assert.equal(await unwrap(result.state.namespace as pulumi.Output<string>), "chat");
    const secret = remote.named(K8S.secret, "chat-redis");
    assert.ok(JSON.stringify(secret.rawInputs).includes(SECRET_SIG_KEY), "the Secret is secret");
  });

  it("the outputs are exactly the schema's properties, and exactly what the component registers", async () => {
    const schema = await inferredSchema();
    const cases = [
      { token: "socketio-fleet:index:AwsSocketIoFleet", wire: AWS_WIRE, mocks: () => awsMocks() },
      {
        token: "socketio-fleet:index:KubernetesSocketIoFleet",
        wire: K8S_WIRE,
        mocks: () => setupMocks({ outputs: K8S_OUTPUTS }),
      },
    ];
    for (const { token, wire, mocks: makeMocks } of cases) {
      const mocks = await makeMocks();
      const result = await sharedProvider().construct("chat", token, await decode(wire), {});
      await mocks.settled();
      const declared = Object.keys(schema.resources[token].properties).sort();
      assert.deepEqual(Object.keys(result.state).sort(), declared, token);
      // The engine drops undefined outputs (here the managed-Redis ones, with an external Redis).
      const set = declared.filter((name) => result.state[name] !== undefined);
      const component = mocks.resources.find((r) => r.type === token)!;
      assert.deepEqual(
        Object.keys(mocks.registeredOutputs.get(component.urn)!).sort(),
        set,
        `${token}: registerOutputs names every schema output that is set, and nothing else`,
      );
      for (const name of schema.resources[token].required ?? []) {
        assert.notEqual(result.state[name], undefined, `${token}.${name} is set`);
      }
    }
  });

  it("refuses what the schema cannot express either: a wrong enum value names the field", async () => {
    await awsMocks();
    await assert.rejects(
      sharedProvider().construct(
        "chat",
        "socketio-fleet:index:AwsSocketIoFleet",
        await decode({ ...AWS_WIRE, adapter: "redis_streams", redis: { mode: "server_less" } }),
        {},
      ),
      (err: Error) => {
        assert.match(err.message, /`adapter` \("redis_streams"\) must be one of/);
        assert.match(
          err.message,
          /`redis.mode` \("server_less"\) must be one of "managed", "serverless", "external"/,
        );
        return true;
      },
    );
  });

  it("a whole object arriving as an Output (an older SDK lifting a nested secret) is refused by name", async () => {
    const plainSecret = { [SECRET_SIG_KEY]: "1b47061264138c4ac30d75fd1eb44270", value: REDIS_URL };
    for (const [token, wire] of [
      [
        "socketio-fleet:index:AwsSocketIoFleet",
        { ...AWS_WIRE, redis: { ...AWS_WIRE.redis, url: plainSecret } },
      ],
      [
        "socketio-fleet:index:KubernetesSocketIoFleet",
        { ...K8S_WIRE, redis: { mode: "external", url: plainSecret } },
      ],
    ] as const) {
      const inputs = await decode(wire);
      assert.ok(pulumi.Output.isInstance(inputs.redis), "the server lifts the secret to `redis`");
      await awsMocks();
      await assert.rejects(sharedProvider().construct("chat", token, inputs, {}), (err: Error) => {
        assert.match(err.message, /`redis` is an Output, but it decides which resources exist/);
        assert.doesNotMatch(err.message, /s3cret/);
        return true;
      });
    }
  });
});
