/**
 * The real entry point on a pretend ECS task: `node dist/app/src/main.js` with the variables ECS
 * sets (`ECS_CONTAINER_METADATA_URI_V4`, `AWS_CONTAINER_CREDENTIALS_FULL_URI`) pointed at a local
 * server that plays the metadata endpoint, the credentials endpoint and the ECS API. The node
 * starts its drain when ECS reports the task DEACTIVATING (the deregistration delay, long before
 * SIGTERM), keeps running drained, and exits 0 on the SIGTERM that follows.
 */
import assert from "node:assert/strict";
import { ECS_STATUS_POLL_SECONDS } from "../../../components/shared";
import { assertAppBuilt, logLines, startAppNode } from "../../helpers/appNodes";
import {
  describeTasksCalls,
  FAKE_CREDENTIALS,
  FAKE_TASK,
  type FakeEcs,
  startFakeEcs,
} from "../../helpers/fakeEcs";
import { stopAll, waitFor } from "../../helpers/processes";
import { closeClients, connectClient } from "../../helpers/socketClients";

describe("app entry point main.js on ECS: drain on DEACTIVATING", function () {
  this.timeout(60_000);
  let fake: FakeEcs;
  before(assertAppBuilt);
  beforeEach(async () => {
    fake = await startFakeEcs();
  });
  afterEach(async () => {
    closeClients();
    await stopAll();
    await fake.close();
  });

  it("drains within one status poll of DEACTIVATING, stays up drained, exits 0 on SIGTERM", async () => {
    const node = await startAppNode("ecs-task", {
      SOCKETIO_ADAPTER: "memory",
      METRICS_PORT: "0",
      ECS_CONTAINER_METADATA_URI_V4: fake.metadataUri,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: fake.credentialsUri,
      AWS_ENDPOINT_URL_ECS: fake.apiUrl,
    });
    const client = await connectClient(node.url, { transports: ["websocket"] });
    await waitFor("two DescribeTasks calls", () => describeTasksCalls(fake).length >= 2, {
      watch: node.process,
    });
    assert.equal((await fetch(`${node.url}/readyz`)).status, 200, "RUNNING: still ready");

    // The signed call the real process made, with the task role's (container) credentials.
    const call = describeTasksCalls(fake)[0];
    assert.deepEqual(JSON.parse(call.body), {
      cluster: FAKE_TASK.cluster,
      tasks: [FAKE_TASK.taskArn],
    });
    assert.match(
      String(call.headers.authorization),
      new RegExp(`Credential=${FAKE_CREDENTIALS.AccessKeyId}/\\d{8}/us-east-1/ecs/aws4_request`),
    );
    assert.equal(call.headers["x-amz-security-token"], FAKE_CREDENTIALS.Token);

    // ECS starts stopping the task: the target drains, the metadata endpoint still says RUNNING.
    const deactivatedAt = Date.now();
    fake.control.lastStatus = "DEACTIVATING";
    fake.control.desiredStatus = "STOPPED";
    await waitFor(
      "/readyz 503 (draining)",
      async () => (await fetch(`${node.url}/readyz`)).status === 503,
      { watch: node.process, timeoutMs: (ECS_STATUS_POLL_SECONDS + 2) * 1000 },
    );
    const drainStartedMs = Date.now() - deactivatedAt;
    assert.ok(drainStartedMs <= (ECS_STATUS_POLL_SECONDS + 2) * 1000, `${drainStartedMs} ms`);
    await waitFor("the client to be moved off (disconnected)", () => !client.connected, {
      watch: node.process,
    });
    const log = logLines(node.process);
    assert.ok(log.some((l) => l.msg === "ECS is stopping this task"));
    assert.equal(node.process.child.exitCode, null, "drained, but running until SIGTERM");

    node.process.child.kill("SIGTERM");
    assert.equal(await node.process.exited, 0);
  });
});
