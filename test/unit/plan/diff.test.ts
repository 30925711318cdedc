import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { diffPlans, urnOf } from "../../../stacks/plan/diff";
import { COMMENT_MARKER, diffMarkdown } from "../../../stacks/plan/markdown";
import { diffSince } from "../../../stacks/plan/plans";
import { COMPUTED, type Plan, type PlanResource } from "../../../stacks/plan/types";
import { committedPlan, removeProject, scratchProject } from "./projects";

const K8S = () => structuredClone(committedPlan("k8s-dev"));
const AWS = () => structuredClone(committedPlan("aws-dev"));

function find(plan: Plan, type: string): PlanResource {
  const found = plan.resources.find((r) => r.type === type);
  assert.ok(found, `no ${type} in ${plan.stack}`);
  return found;
}

/** Renames `resource` (a child keeps its parent), as a program change would. */
function rename(plan: Plan, resource: PlanResource, name: string): void {
  resource.urn = urnOf(plan.stack, plan.project, resource.type, name, resource.parent);
  resource.name = name;
}

const md = (plan: Plan, before: Plan, maxChars = 1_000_000) =>
  diffMarkdown([diffPlans(plan.stack, before, plan)], { since: "origin/main", maxChars });

describe("plan: the diff summary", () => {
  it("no change says so, and says it is not a cloud preview", () => {
    const text = diffMarkdown([diffPlans("k8s-dev", K8S(), K8S())], { since: "main" });
    assert.ok(text.startsWith(`${COMMENT_MARKER}\n## Plan changes since \`main\`\n`));
    assert.match(text, /\*\*Intent, not a cloud preview\.\*\*/);
    assert.match(text, /No plan changes in 1 stack\(s\)\./);
  });

  it("a replica count: one update with the path, old → new", () => {
    const after = K8S();
    (find(after, "kubernetes:apps/v1:Deployment").inputs.spec as { replicas: number }).replicas = 5;
    const diff = diffPlans("k8s-dev", K8S(), after);
    assert.deepEqual(
      diff.updates.map((u) => [u.resource.name, u.changes]),
      [["socketio", [{ path: "spec.replicas", before: 3, after: 5 }]]],
    );
    assert.deepEqual([diff.creates, diff.deletes, diff.warnings], [[], [], []]);
    const text = md(after, K8S());
    assert.match(text, /### k8s-dev: 0 to create, 1 to update, 0 to delete\n/);
    assert.match(text, /\| `kubernetes:apps\/v1:Deployment` \| 0 \| 1 \| 0 \|/);
    assert.match(
      text,
      /<summary>~ kubernetes:apps\/v1:Deployment socketio \(1 path\(s\)\)<\/summary>/,
    );
    assert.match(text, /\| `spec.replicas` \| `3` \| `5` \|/);
  });

  it("a changed field inside a JSON document (an IAM policy) is named by its path in the JSON", () => {
    const after = AWS();
    const policy = after.resources.find((r) => r.name === "sio-dev-task-describe");
    assert.ok(policy);
    const doc = (policy.inputs.policy as { "[json]": { Statement: { Effect: string }[] } })[
      "[json]"
    ];
    doc.Statement[0].Effect = "Deny";
    const [update] = diffPlans("aws-dev", AWS(), after).updates;
    assert.deepEqual(
      update.changes.map((c) => c.path),
      ["policy.[json].Statement[0].Effect"],
    );
  });

  it("a new resource: a create, counted by type, with its inputs", () => {
    const after = K8S();
    const pdb = structuredClone(find(after, "kubernetes:core/v1:Service"));
    rename(after, pdb, "socketio-extra");
    after.resources.push(pdb);
    const diff = diffPlans("k8s-dev", K8S(), after);
    assert.deepEqual(
      diff.creates.map((r) => r.name),
      ["socketio-extra"],
    );
    assert.deepEqual(diff.warnings, [], "a create next to no delete is no rename");
    const text = md(after, K8S());
    assert.match(text, /### k8s-dev: 1 to create, 0 to update, 0 to delete/);
    assert.match(text, /\| `kubernetes:core\/v1:Service` \| 1 \| 0 \| 0 \|/);
    assert.match(
      text,
      /<summary>\+ kubernetes:core\/v1:Service socketio-extra \(4 path\(s\)\)<\/summary>/,
    );
  });

  it("a renamed child without an alias is flagged; with an alias it is a move", () => {
    const after = AWS();
    const tg = find(after, "aws:lb/targetGroup:TargetGroup");
    const oldUrn = tg.urn;
    rename(after, tg, "sio-dev-targets");
    const flagged = diffPlans("aws-dev", AWS(), after);
    assert.equal(flagged.creates.length, 1);
    assert.equal(flagged.deletes.length, 1);
    assert.deepEqual(flagged.warnings, [
      "⚠ replaced unless aliased: aws:lb/targetGroup:TargetGroup `sio-dev-tg` → `sio-dev-targets`; " +
        `add \`aliases: [{ urn: "${oldUrn}" }]\` to keep it`,
    ]);
    assert.match(md(after, AWS()), /- ⚠ replaced unless aliased: aws:lb\/targetGroup:TargetGroup/);

    const sdkAliases = tg.options?.aliases as Plan["outputs"][];
    tg.options = { ...tg.options, aliases: [...sdkAliases, { name: "sio-dev-tg" }] };
    const moved = diffPlans("aws-dev", AWS(), after);
    assert.deepEqual([moved.creates, moved.deletes, moved.warnings], [[], [], []]);
    const move = moved.updates.find((u) => u.movedFrom === oldUrn);
    assert.ok(move);
    assert.deepEqual(
      move.changes.map((c) => c.path),
      [`(options).aliases[${sdkAliases.length}]`],
    );
  });

  it("a component re-typed with an alias carries its children (inherited aliases): no warning", () => {
    // The committed plan has the 0.2 token with its alias; "before" is the same stack at 0.1.0.
    const legacy = "socketio-fleet:kubernetes:Fleet";
    const before = K8S();
    const after = K8S();
    const fleet = find(after, "socketio-fleet:index:KubernetesSocketIoFleet");
    assert.deepEqual(fleet.options?.aliases, [{ type: legacy }]);
    const oldFleet = find(before, "socketio-fleet:index:KubernetesSocketIoFleet");
    const oldFleetUrn = urnOf(before.stack, before.project, legacy, oldFleet.name);
    for (const r of before.resources.filter((x) => x.parent === oldFleet.urn)) {
      r.parent = oldFleetUrn;
      r.urn = urnOf(before.stack, before.project, r.type, r.name, oldFleetUrn);
    }
    oldFleet.type = legacy;
    oldFleet.urn = oldFleetUrn;
    delete oldFleet.options;
    const diff = diffPlans("k8s-dev", before, after);
    assert.deepEqual([diff.creates, diff.deletes, diff.warnings], [[], [], []]);
    assert.ok(diff.updates.every((u) => u.movedFrom !== undefined));
    assert.equal(
      diff.updates.length,
      1 + before.resources.filter((r) => r.parent === oldFleetUrn).length,
    );

    delete fleet.options;
    const unaliased = diffPlans("k8s-dev", before, after);
    const children = before.resources.filter((r) => r.parent === oldFleetUrn).length;
    assert.deepEqual(unaliased.warnings.slice(0, 1), [
      "⚠ replaced unless aliased: socketio-fleet:kubernetes:Fleet → socketio-fleet:index:KubernetesSocketIoFleet " +
        `\`socketio\` and the ${children} resource(s) under it; add \`aliases: [{ urn: "${oldFleetUrn}" }]\` to keep it`,
    ]);
    assert.ok(
      unaliased.warnings.includes(
        "⚠ data loss: deletes kubernetes:apps/v1:StatefulSet `socketio-redis` and what it holds",
      ),
    );
  });

  it("a removed Redis is flagged as data loss", () => {
    const after = AWS();
    after.resources = after.resources.filter((r) => !r.type.startsWith("aws:elasticache/"));
    const diff = diffPlans("aws-dev", AWS(), after);
    assert.deepEqual(
      diff.deletes.map((r) => r.type),
      [
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:elasticache/subnetGroup:SubnetGroup",
      ],
    );
    assert.deepEqual(diff.warnings, [
      "⚠ data loss: deletes aws:elasticache/replicationGroup:ReplicationGroup `sio-dev-redis` and what it holds",
    ]);
    const text = md(after, AWS());
    assert.match(text, /### aws-dev: 0 to create, \d+ to update, 2 to delete/);
    assert.match(
      text,
      /- ⚠ data loss: deletes aws:elasticache\/replicationGroup:ReplicationGroup `sio-dev-redis`/,
    );
  });

  it("a new stack is all creates; a budget keeps every count table and says what it cut", () => {
    const diffs = [diffPlans("aws-dev", undefined, AWS()), diffPlans("k8s-dev", undefined, K8S())];
    const full = diffMarkdown(diffs, { since: "v1", maxChars: 1_000_000 });
    const cut = diffMarkdown(diffs, { since: "v1", maxChars: 5_000 });
    assert.ok(full.length > 5_000);
    assert.ok(cut.length <= 5_000, `${cut.length} characters`);
    for (const text of [full, cut]) {
      assert.match(
        text,
        new RegExp(`### aws-dev: ${AWS().resources.length} to create, 0 to update, 0 to delete`),
      );
      assert.match(
        text,
        new RegExp(`### k8s-dev: ${K8S().resources.length} to create, 0 to update, 0 to delete`),
      );
    }
    assert.match(
      cut,
      /_\d+ more section\(s\) not shown \(budget 5000 characters\): see the job summary/,
    );
    assert.ok(!full.includes("not shown"));
  });

  it("a computed value reads 'known after apply'; computed to computed is no change", () => {
    const before = AWS();
    const after = AWS();
    const sg = find(after, "aws:ec2/securityGroup:SecurityGroup");
    assert.equal(sg.inputs.vpcId, COMPUTED, "the committed plan marks the VPC id computed");
    // computed → computed (another resource's id, still unknown before apply): no change.
    sg.inputs.vpcId = COMPUTED;
    assert.deepEqual(diffPlans("aws-dev", before, after).updates, []);
    // A known value becoming computed, and back, are changes that name the computed side.
    sg.inputs.vpcId = "vpc-0abc";
    const toKnown = diffPlans("aws-dev", before, after);
    assert.deepEqual(toKnown.updates[0].changes, [
      { path: "vpcId", before: COMPUTED, after: "vpc-0abc" },
    ]);
    const text = md(after, before);
    assert.match(text, /\| `vpcId` \| _known after apply_ \| `"vpc-0abc"` \|/);
    assert.match(md(before, after), /\| `vpcId` \| `"vpc-0abc"` \| _known after apply_ \|/);
    // A created resource lists its computed inputs as such; a text holding one keeps its known parts.
    const created = diffMarkdown([diffPlans("aws-dev", undefined, AWS())], {
      since: "v1",
      maxChars: 1_000_000,
    });
    assert.match(created, /\| `vpcId` \| {2}\| _known after apply_ \|/);
    assert.ok(!created.includes(`\`"${COMPUTED}"\``), "no whole value shows as the bare marker");
    assert.match(created, /_known after apply_ is a value only the cloud knows/);
  });

  it("values are clipped and escaped for a table", () => {
    const after = K8S();
    const deployment = find(after, "kubernetes:apps/v1:Deployment");
    (deployment.inputs.metadata as Record<string, unknown>).name = `a|b\`c${"x".repeat(300)}`;
    const text = md(after, K8S());
    const row = text.split("\n").find((l) => l.startsWith("| `metadata.name`"));
    assert.ok(row);
    assert.ok(row.includes("a\\|b'c"), row);
    assert.ok(row.includes("x…` |"), row);
    assert.ok(row.length < 300, `${row.length}`);
  });

  it("--diff <rev> compares the plans committed at a git revision with the working tree", () => {
    const root = scratchProject({});
    try {
      const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });
      git("init", "-q", "-b", "main");
      fs.mkdirSync(path.join(root, "plans"));
      const write = (plan: Plan) =>
        fs.writeFileSync(path.join(root, "plans", `${plan.stack}.json`), JSON.stringify(plan));
      write(K8S());
      git("add", "plans");
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base");
      const after = K8S();
      (find(after, "kubernetes:apps/v1:Deployment").inputs.spec as { replicas: number }).replicas =
        2;
      write(after);
      write(AWS());
      const diffs = diffSince(root, "main");
      assert.deepEqual(
        diffs.map((d) => [d.stack, d.creates.length, d.updates.length, d.deletes.length]),
        [
          ["aws-dev", AWS().resources.length, 0, 0],
          ["k8s-dev", 0, 1, 0],
        ],
      );
      assert.throws(() => diffSince(root, "no-such-rev"));
    } finally {
      removeProject(root);
    }
  });
});
