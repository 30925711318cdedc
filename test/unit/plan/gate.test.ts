import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkPlans, writePlans } from "../../../stacks/plan/plans";
import { REPO_ROOT, removeProject, repoStackConfig, scratchProject, writeStack } from "./projects";

const CLI = path.join(REPO_ROOT, "stacks", "plan", "cli.ts");
const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");

/** `npm run plan -- --root <root> …`, as a process: exit code and output. */
function planCli(root: string, ...args: string[]) {
  const run = spawnSync(TSX, [CLI, "--root", root, ...args], { encoding: "utf8", cwd: REPO_ROOT });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("plan: the --check gate", function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(() => {
    root = scratchProject({ "aws-dev": repoStackConfig("aws-dev") });
  });
  afterEach(() => removeProject(root));

  it("fails naming the stack when a stack config changes, and passes after npm run plan", async () => {
    assert.deepEqual(await writePlans(root), ["aws-dev"]);
    assert.deepEqual(await checkPlans(root), []);

    const config = repoStackConfig("aws-dev");
    (config["socketio-fleet:fleet"] as { replicas: number }).replicas = 4;
    writeStack(root, "aws-dev", config);
    const stale = await checkPlans(root);
    assert.equal(stale.length, 1);
    assert.equal(stale[0].stack, "aws-dev");
    assert.match(
      stale[0].reason,
      /^plans\/aws-dev\.json differs from the code: 0 to create, 1 to update, 0 to delete: /,
    );
    assert.match(stale[0].reason, /~ aws:ecs\/service:Service sio-dev-service desiredCount/);

    const cli = planCli(root, "--check");
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stderr, /stale plan: aws-dev: plans\/aws-dev\.json differs/);
    assert.match(
      cli.stderr,
      /1 stale plan\(s\): aws-dev\. Run `npm run plan` and commit plans\/ with your change\./,
    );

    const write = planCli(root);
    assert.equal(write.status, 0, write.stderr);
    assert.equal(write.stdout, "wrote plans/aws-dev.json\n");
    assert.deepEqual(await checkPlans(root), []);
  });

  it("a new stack file without a plan, and a plan without a stack file, are both stale", async () => {
    await writePlans(root);
    writeStack(root, "k8s-dev", repoStackConfig("k8s-dev"));
    fs.copyFileSync(
      path.join(root, "plans", "aws-dev.json"),
      path.join(root, "plans", "gone.json"),
    );
    assert.deepEqual(await checkPlans(root), [
      { stack: "k8s-dev", reason: "plans/k8s-dev.json is missing" },
      { stack: "gone", reason: "plans/gone.json has no Pulumi.gone.yaml" },
    ]);
    await writePlans(root);
    assert.deepEqual(fs.readdirSync(path.join(root, "plans")).sort(), [
      "aws-dev.json",
      "k8s-dev.json",
    ]);
    assert.deepEqual(await checkPlans(root), []);
  });

  it("refuses unknown arguments with the usage", () => {
    const cli = planCli(root, "--diff");
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /^usage: npm run plan/);
  });
});
