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
});
