/**
 * The ECS stop watch against a real local HTTP server playing the task metadata endpoint and the
 * ECS API, through the real AWS SDK client (endpoint and credentials pointed at it).
 */
import assert from "node:assert/strict";
import pino from "pino";
import {
  drainWhenEcsStops,
  ecsDescribeTask,
  type EcsStopWatch,
  watchEcsStop,
} from "../../../app/src/ecsDrain";
import {
  describeTasksCalls,
  FAKE_CREDENTIALS,
  FAKE_TASK,
  type FakeEcs,
  startFakeEcs,
} from "../../helpers/fakeEcs";
import { waitFor } from "../../helpers/processes";

const silent = pino({ level: "silent" });

describe("ECS stop watch (app/src/ecsDrain.ts)", function () {
  this.timeout(20_000);
  let fake: FakeEcs;
  let watch: EcsStopWatch | undefined;
  beforeEach(async () => {
    fake = await startFakeEcs();
  });
  afterEach(async () => {
    watch?.close();
    watch = undefined;
    await fake.close();
  });

  const describeTask = () =>
    ecsDescribeTask({
      endpoint: fake.apiUrl,
      credentials: {
        accessKeyId: FAKE_CREDENTIALS.AccessKeyId,
        secretAccessKey: FAKE_CREDENTIALS.SecretAccessKey,
      },
    });

  it("keeps polling while ECS reports RUNNING, and fires once when it reports DEACTIVATING", async () => {
    const reasons: string[] = [];
    watch = watchEcsStop({
      metadataUri: fake.metadataUri,
      describeTask: describeTask(),
      intervalMs: 50,
      onStopping: (reason) => reasons.push(reason),
      logger: silent,
    });
    await waitFor("three DescribeTasks calls", () => describeTasksCalls(fake).length >= 3);
    assert.deepEqual(reasons, []);
    // What DescribeTasks reports while the target group drains the task; the metadata
    // endpoint still says RUNNING (the agent learns of the stop only at SIGTERM).
    fake.control.lastStatus = "DEACTIVATING";
    fake.control.desiredStatus = "STOPPED";
    assert.equal(await watch.stopping, "ECS: lastStatus DEACTIVATING, desiredStatus STOPPED");
    const calls = describeTasksCalls(fake).length;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(describeTasksCalls(fake).length, calls, "no polling after it fired");
    assert.deepEqual(reasons, ["ECS: lastStatus DEACTIVATING, desiredStatus STOPPED"]);

    // The request the SDK sent: this task of this cluster, SigV4-signed for ECS in the task's
    // own region (from its ARN).
    const call = describeTasksCalls(fake)[0];
    assert.deepEqual(JSON.parse(call.body), {
      cluster: FAKE_TASK.cluster,
      tasks: [FAKE_TASK.taskArn],
    });
    assert.match(
      String(call.headers.authorization),
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${FAKE_CREDENTIALS.AccessKeyId}/\\d{8}/us-east-1/ecs/aws4_request, SignedHeaders=`,
      ),
    );
  });

  it("fires on the metadata endpoint's DesiredStatus STOPPED without asking ECS", async () => {
    fake.metadata.DesiredStatus = "STOPPED";
    watch = watchEcsStop({
      metadataUri: fake.metadataUri,
      describeTask: describeTask(),
      intervalMs: 50,
      onStopping: () => undefined,
      logger: silent,
    });
    assert.equal(await watch.stopping, "task metadata: DesiredStatus STOPPED");
    assert.equal(describeTasksCalls(fake).length, 0);
  });

  it("survives a refused DescribeTasks (e.g. a missing permission): logs it, no drain, keeps polling", async () => {
    fake.control.failWith = 400;
    const warnings: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });
    let fired = false;
    watch = watchEcsStop({
      metadataUri: fake.metadataUri,
      describeTask: describeTask(),
      intervalMs: 50,
      onStopping: () => (fired = true),
      logger,
    });
    await waitFor("five refused calls", () => describeTasksCalls(fake).length >= 5);
    assert.equal(fired, false);
    assert.equal(warnings.length, 1, "the first failure is logged, not every one");
    assert.match(warnings[0], /cannot read the ECS task status/);
    delete fake.control.failWith;
    fake.control.lastStatus = "DEACTIVATING";
    await watch.stopping;
    assert.equal(fired, true);
  });

  it("does nothing outside ECS (no ECS_CONTAINER_METADATA_URI_V4)", () => {
    const fleet = { drain: () => Promise.reject(new Error("must not drain")), logger: silent };
    assert.equal(drainWhenEcsStops({}, fleet), undefined);
    assert.equal(drainWhenEcsStops({ ECS_CONTAINER_METADATA_URI_V4: " " }, fleet), undefined);
    assert.equal(fake.requests.length, 0);
  });

  it("drainWhenEcsStops drains the fleet once the task is stopping", async () => {
    let drains = 0;
    const fleet = { drain: async () => void drains++, logger: silent };
    watch = drainWhenEcsStops({ ECS_CONTAINER_METADATA_URI_V4: fake.metadataUri }, fleet, {
      describeTask: describeTask(),
      intervalMs: 50,
    });
    assert.ok(watch);
    await waitFor("a DescribeTasks call", () => describeTasksCalls(fake).length >= 1);
    assert.equal(drains, 0);
    fake.control.lastStatus = "DEACTIVATING";
    await watch.stopping;
    assert.equal(drains, 1);
  });
});
