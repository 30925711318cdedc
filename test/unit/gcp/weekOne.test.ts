/**
 * What the first week of a GCP fleet does to it: a rotated secret, a new image, a second stack
 * in the same project. Each test builds the fleet as `pulumi up` would, once per step.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { GcpSocketIoFleet, type GcpSocketIoFleetArgs } from "../../../components/gcp";
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
});
