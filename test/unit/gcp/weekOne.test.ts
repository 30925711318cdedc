/**
 * What the first week of a GCP fleet does to it: a rotated secret, a new image, a second stack
 * in the same project. Each test builds the fleet as `pulumi up` would, once per step.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
  GcpSocketIoFleet,
  MAX_GCP_FLEET_NAME_LENGTH,
  type GcpSocketIoFleetArgs,
} from "../../../components/gcp";
import { vmUserData } from "../../../components/gcp/instanceGroup";
import { SECRET_ID, SERVICE_ACCOUNT_ID, fleetIds } from "../../../components/gcp/names";
import { APP_ENV, resolveFleetSpec } from "../../../components/shared";
import { unwrap } from "../../helpers/unwrap";
import type { MockRecorder, MockOptions } from "../../helpers/mocks";
import { T, baseArgs, cloudConfig, gcpMocks } from "./fixtures";

async function up(
  args: Partial<GcpSocketIoFleetArgs> = {},
  options: MockOptions = {},
): Promise<MockRecorder> {
  const mocks = await gcpMocks({
    ...options,
    outputs: {
      // Secret Manager numbers each new version: a new payload is a new version name.
      [T.secretVersion]: ({ inputs }) => {
        const n = versionOf(String(inputs.secretData));
        return {
          name: `projects/123456789/secrets/fleet-redis-url/versions/${n}`,
          version: `${n}`,
        };
      },
      ...options.outputs,
    },
  });
  new GcpSocketIoFleet("fleet", baseArgs(args));
  await mocks.settled();
  return mocks;
}

/** The fake version number of a payload. */
function versionOf(payload: string): string {
  return String(parseInt(createHash("sha256").update(payload).digest("hex").slice(0, 4), 16));
}

const external = (url: string): Partial<GcpSocketIoFleetArgs> => ({
  redis: { mode: "external", url },
});

describe("GcpSocketIoFleet in week one", () => {
  it("a rotated secret: a new version pinned in the template (the group rolls); the old version is abandoned, never destroyed", async () => {
    const before = await up(external("rediss://:old-password@10.9.0.5:6380"));
    const after = await up(external("rediss://:new-password@10.9.0.5:6380"));
    const fetched = (m: MockRecorder) =>
      /secrets\/fleet-redis-url\/versions\/(\d+):access/.exec(
        cloudConfig(m).files["/etc/socketio-fleet/fetch-redis-url.sh"],
      )?.[1];
    assert.equal(fetched(before), versionOf("rediss://:old-password@10.9.0.5:6380"));
    assert.equal(fetched(after), versionOf("rediss://:new-password@10.9.0.5:6380"));
    assert.notEqual(fetched(after), fetched(before), "the new template reads the new version");
    for (const m of [before, after]) {
      assert.equal(m.one(T.secretVersion).inputs.deletionPolicy, "ABANDON");
    }
  });

  it("a new image given as an Output (e.g. a docker-build Image ref): every VM of the template runs that digest", async () => {
    const image = `europe-west1-docker.pkg.dev/acme-test/apps/chat@sha256:${"5e".repeat(32)}`;
    const mocks = await up({ image: pulumi.output(image) });
    assert.ok(cloudConfig(mocks).files["/etc/socketio-fleet/start.sh"].includes(`'${image}'`));
  });

  it("a new image given as an Output that resolves to a tag: the update fails at deploy with the digest rule", async () => {
    await gcpMocks();
    const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
    const spec = resolveFleetSpec({ image: "placeholder" });
    const userData = (image: string) =>
      unwrap(
        vmUserData(
          {
            spec: { ...spec, image: pulumi.output(image) },
            env: pulumi.output<Record<string, string>>({ [APP_ENV.port]: "3000" }),
            redisSecretVersion: "projects/p/secrets/s/versions/1",
          },
          parent,
        ),
      );
    await assert.rejects(
      userData("europe-west1-docker.pkg.dev/acme-test/apps/chat:latest"),
      (err: Error) =>
        err instanceof pulumi.ResourceError &&
        err.message.includes('"europe-west1-docker.pkg.dev/acme-test/apps/chat:latest"') &&
        err.message.includes("is not pinned by digest"),
    );
    const pinned = `europe-west1-docker.pkg.dev/acme-test/apps/chat@sha256:${"5e".repeat(32)}`;
    assert.ok((await userData(pinned)).includes(`'${pinned}'`));
  });

  it("a second stack in the same project: its service account and secret ids differ (no 409), within GCP's limits", async () => {
    const ids = async (stack: string) => {
      const mocks = await up({}, { stack });
      return [mocks.one(T.account).inputs.accountId, mocks.one(T.secret).inputs.secretId];
    };
    const dev = await ids("dev");
    const prod = await ids("prod");
    assert.deepEqual(dev, ["fleet-0fdfa2", "fleet-redis-url-0fdfa2"]);
    assert.notDeepEqual(prod, dev);
    // The longest name the validator accepts still fits the 6–30 character account id.
    const longest = fleetIds("a".repeat(MAX_GCP_FLEET_NAME_LENGTH), "p", "s");
    assert.equal(longest.serviceAccountId.length, 27);
    assert.match(longest.serviceAccountId, SERVICE_ACCOUNT_ID);
    assert.match(longest.redisSecretId, SECRET_ID);
    const shortest = fleetIds("a", "p", "s").serviceAccountId;
    assert.ok(shortest.length >= 6, shortest);
    // Another Pulumi project with the same stack and fleet names: different ids as well.
    assert.notEqual(fleetIds("fleet", "other", "dev").serviceAccountId, dev[0]);
  });

  it("first deploy on a Shared VPC: Memorystore through private services access, in the named allocated range", async () => {
    const network = "projects/host/global/networks/shared";
    const mocks = await up({
      network: { network, subnetwork: "projects/host/regions/europe-west1/subnetworks/fleet" },
      redis: { connectMode: "PRIVATE_SERVICE_ACCESS", reservedIpRange: "google-managed-services" },
    });
    const redis = mocks.one(T.redis).inputs;
    assert.deepEqual(
      [redis.authorizedNetwork, redis.connectMode, redis.reservedIpRange],
      [network, "PRIVATE_SERVICE_ACCESS", "google-managed-services"],
    );
    const peered = (await up()).one(T.redis).inputs;
    assert.deepEqual([peered.connectMode, peered.reservedIpRange], ["DIRECT_PEERING", undefined]);
  });

  it("a new image, then a rollback: only the instance template changes (a rolling update); the group, its zones and the secret stay", async () => {
    const image = (d: string) =>
      `europe-west1-docker.pkg.dev/acme-test/apps/chat@sha256:${d.repeat(64)}`;
    const [first, next, back] = [
      await up({ image: image("a") }),
      await up({ image: image("b") }),
      await up({ image: image("a") }),
    ];
    const start = (m: MockRecorder) => cloudConfig(m).files["/etc/socketio-fleet/start.sh"];
    assert.ok(start(next).includes(image("b")) && !start(next).includes(image("a")));
    assert.equal(start(back), start(first));
    for (const t of [T.group, T.secret, T.secretVersion, T.account, T.redis]) {
      assert.deepEqual(next.one(t).inputs, first.one(t).inputs, t);
    }
  });

  it("healthCheckPath: the app's HEALTH_CHECK_PATH and the autohealing check use the same path", async () => {
    const mocks = await up({ healthCheckPath: "/live" });
    const env = cloudConfig(mocks).files["/etc/socketio-fleet/app.env"];
    assert.ok(env.split("\n").includes("HEALTH_CHECK_PATH=/live"), env);
    const liveness = mocks.ofType(T.healthCheck).find((h) => h.name === "fleet-liveness");
    assert.equal(liveness?.inputs.httpHealthCheck.requestPath, "/live");
  });
});
