import { strict as assert } from "node:assert";
import { BASE, CLOUD_RUN, only, problems } from "./validateHelpers";

describe("validateGcpFleet: what the Google APIs would reject or break", () => {
  it("Cloud Run: `env` keys Cloud Run reserves are refused, naming every reserved name; on VMs they are allowed", () => {
    assert.equal(
      only({ ...CLOUD_RUN, env: { K_SERVICE: "chat", APP_NAME: "chat" } }, "env.K_SERVICE"),
      "`env.K_SERVICE` is reserved by Cloud Run, which sets it itself (reserved: PORT, K_SERVICE, K_REVISION, K_CONFIGURATION, CLOUD_RUN_JOB, CLOUD_RUN_EXECUTION, CLOUD_RUN_TASK_INDEX, CLOUD_RUN_TASK_ATTEMPT, CLOUD_RUN_TASK_COUNT); the API refuses the service with it: rename the variable",
    );
    const both = problems({ ...CLOUD_RUN, env: { K_REVISION: "1", CLOUD_RUN_JOB: "x" } });
    assert.deepEqual(Object.keys(both), ["env.K_REVISION", "env.CLOUD_RUN_JOB"]);
    // PORT is a contract key: the shared rule refuses it on every target, once.
    assert.deepEqual(Object.keys(problems({ ...CLOUD_RUN, env: { PORT: "1" } })), ["env.PORT"]);
    assert.deepEqual(problems({ ...BASE, env: { K_SERVICE: "chat" } }), {});
  });

  it("compute.zones: 1–4 distinct zones of `region`, instance-group only", () => {
    assert.deepEqual(problems({ ...BASE, compute: { zones: ["europe-west1-b"] } }), {});
    assert.equal(
      only({ ...BASE, compute: { zones: [] } }, "compute.zones"),
      '`compute.zones` ([]) must list 1–4 zones of `region`, e.g. ["europe-west1-b", "europe-west1-c", "europe-west1-d"]; or omit it and let the API choose',
    );
    assert.deepEqual(
      problems({
        ...BASE,
        compute: { zones: ["europe-west1-b", "us-east1-b", "europe-west1", "europe-west1-b"] },
      }),
      {
        "compute.zones[1]": [
          '`compute.zones[1]` ("us-east1-b") is not a zone of `region` "europe-west1": write it as "europe-west1-b"',
        ],
        "compute.zones[2]": [
          '`compute.zones[2]` ("europe-west1") is not a zone of `region` "europe-west1": write it as "europe-west1-b"',
        ],
        "compute.zones[3]": [
          '`compute.zones[3]` ("europe-west1-b") is listed twice: remove the duplicate',
        ],
      },
    );
    assert.equal(
      only(
        { ...CLOUD_RUN, compute: { mode: "cloud-run", zones: ["europe-west1-b"] } },
        "compute.zones",
      ),
      '`compute.zones` does not apply to `compute.mode` "cloud-run": remove it',
    );
  });

  it("image: the instance group refuses a bare tag, naming the fix; a digest (with or without a tag) passes; Cloud Run may use a tag", () => {
    const tagged = "europe-west1-docker.pkg.dev/acme/apps/chat:1.2.3";
    assert.equal(
      only({ ...BASE, image: tagged }, "image"),
      '`image` ("europe-west1-docker.pkg.dev/acme/apps/chat:1.2.3") is not pinned by digest: each VM of the instance group pulls it when its container starts (autoscaling, autohealing, a restart), so a tag that moves puts different builds in one group. Give the digest, e.g. "europe-west1-docker.pkg.dev/acme/apps/chat@sha256:<64 hex digits>" (`gcloud artifacts docker images describe IMAGE:TAG --format=\'value(image_summary.fully_qualified_digest)\'`, or the `ref` output of a @pulumi/docker-build Image); Cloud Run mode resolves tags itself',
    );
    assert.equal(only({ ...BASE, image: `${tagged}@sha256:abc` }, "image").slice(0, 8), "`image` ");
    assert.deepEqual(problems({ ...BASE, image: `${tagged}@sha256:${"0a".repeat(32)}` }), {});
    assert.deepEqual(problems({ ...CLOUD_RUN, image: tagged }), {});
  });

  it("requestLogSampleRate: a number from 0 to 1", () => {
    assert.deepEqual(problems({ ...BASE, requestLogSampleRate: 0 }), {});
    assert.deepEqual(problems({ ...BASE, requestLogSampleRate: 1 }), {});
    assert.equal(
      only({ ...BASE, requestLogSampleRate: 10 }, "requestLogSampleRate"),
      "`requestLogSampleRate` (10) must be a number from 0 to 1, e.g. 0.1 (one request in ten logged)",
    );
    assert.match(only({ ...BASE, requestLogSampleRate: "1" }, "requestLogSampleRate"), /\("1"\)/);
  });

  it("redis.connectMode: the API's two values; private services access needs `network`; a reserved range only with it", () => {
    const network = {
      network: "projects/h/global/networks/n",
      subnetwork: "projects/h/regions/r/subnetworks/s",
    };
    const psa = {
      connectMode: "PRIVATE_SERVICE_ACCESS",
      reservedIpRange: "google-managed-services",
    };
    assert.deepEqual(problems({ ...BASE, network, redis: psa }), {});
    assert.deepEqual(problems({ ...BASE, redis: { connectMode: "DIRECT_PEERING" } }), {});
    assert.equal(
      only({ ...BASE, redis: { connectMode: "PRIVATE_SERVICE_ACCESS" } }, "redis.connectMode"),
      '`redis.connectMode` "PRIVATE_SERVICE_ACCESS" needs `network`: an existing network (e.g. a Shared VPC) whose private services access connection is set up; the network the fleet creates has none. Give `network`, or remove `redis.connectMode`',
    );
    assert.equal(
      only({ ...BASE, redis: { connectMode: "private-service-access" } }, "redis.connectMode"),
      '`redis.connectMode` ("private-service-access") must be one of "DIRECT_PEERING", "PRIVATE_SERVICE_ACCESS"',
    );
    assert.match(
      only({ ...BASE, redis: { reservedIpRange: "r" } }, "redis.reservedIpRange"),
      /applies only with `redis.connectMode: "PRIVATE_SERVICE_ACCESS"`/,
    );
    assert.equal(
      only(
        {
          ...BASE,
          redis: { mode: "external", url: "rediss://h:6379", connectMode: "DIRECT_PEERING" },
        },
        "redis.connectMode",
      ),
      '`redis.connectMode` does not apply to `redis.mode` "external": remove it',
    );
  });
});
