import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { renderAll } from "../../../stacks/plan/plans";
import { renderStack } from "../../../stacks/plan/render";
import { discoverStacks, readProject } from "../../../stacks/plan/stacks";
import type { Plan } from "../../../stacks/plan/types";
import { REPO_ROOT, removeProject, repoStackConfig, scratchProject } from "./projects";

describe("plan: rendering every stack under mocks", function () {
  this.timeout(90_000);

  it("discovers the stacks from the Pulumi.<stack>.yaml files", () => {
    const stacks = discoverStacks(REPO_ROOT);
    assert.ok(stacks.includes("aws-dev") && stacks.includes("k8s-dev"), stacks.join(", "));
    const files = fs.readdirSync(REPO_ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
    assert.equal(stacks.length, files.length);
    const root = scratchProject({ "gcp-like": repoStackConfig("aws-dev"), "b-stack": {} });
    try {
      assert.deepEqual(discoverStacks(root), ["b-stack", "gcp-like"]);
    } finally {
      removeProject(root);
    }
  });

  it("renders each stack twice to byte-identical text", async () => {
    const first = await renderAll(REPO_ROOT);
    const second = await renderAll(REPO_ROOT);
    assert.deepEqual([...first.keys()], discoverStacks(REPO_ROOT));
    for (const [stack, text] of first) assert.equal(second.get(stack), text, stack);
  });

  it("a plan lists resources by URN with sorted keys, edges and options, and no machine-specific value", async () => {
    const plan = await renderStack(readProject(REPO_ROOT), "k8s-dev");
    const urns = plan.resources.map((r) => r.urn);
    assert.deepEqual(urns, [...urns].sort());
    assert.equal(new Set(urns).size, urns.length);
    const deployment = plan.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    assert.ok(deployment);
    assert.equal(
      deployment.parent,
      "urn:pulumi:k8s-dev::socketio-fleet::socketio-fleet:index:KubernetesSocketIoFleet::socketio",
    );
    assert.equal(
      deployment.provider,
      // A provider's id, like every id, is known only after apply.
      "urn:pulumi:k8s-dev::socketio-fleet::pulumi:providers:kubernetes::k8s::[computed]",
    );
    assert.deepEqual(deployment.dependencies, [...deployment.dependencies].sort());
    assert.ok(
      deployment.dependencies.some((d) => d.endsWith("kubernetes:core/v1:Secret::socketio-redis")),
    );
    assert.deepEqual(Object.keys(deployment.inputs), ["apiVersion", "kind", "metadata", "spec"]);
    assert.equal((deployment.inputs.spec as { replicas: number }).replicas, 3);
    // Provider SDK aliases (old apiVersions) are options the engine uses: they are kept.
    assert.ok(Array.isArray(deployment.options?.aliases));
    assertSortedKeys(plan);
    const text = JSON.stringify(plan);
    for (const local of [REPO_ROOT, process.env.HOME ?? "/nonexistent-home", "undefined"]) {
      assert.ok(!text.includes(local), `the plan mentions ${local}`);
    }
  });

  it("expands JSON documents in strings (ECS container definitions) so a diff can name the field", async () => {
    // A ready image: the definitions of a stack that builds one are `[computed]` (its digest).
    const root = scratchProject({
      "aws-image": {
        ...repoStackConfig("aws-dev"),
        "socketio-fleet:image": "ghcr.io/acme/chat:2.0.0",
      },
    });
    let plan: Plan;
    try {
      plan = await renderStack(readProject(root), "aws-image");
    } finally {
      removeProject(root);
    }
    const task = plan.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
    assert.ok(task);
    const definitions = (
      task.inputs.containerDefinitions as { "[json]": { name: string; image: string }[] }
    )["[json]"];
    // The app and the metrics collector sidecar (`monitoring`, on by default).
    assert.deepEqual(
      definitions.map((d) => d.name),
      ["app", "metrics-collector"],
    );
    const service = plan.resources.find((r) => r.type === "aws:ecs/service:Service");
    assert.deepEqual(service?.options, { ignoreChanges: ["desiredCount"] });
    assert.equal(definitions[0].image, "ghcr.io/acme/chat:2.0.0");
    // The load balancer's DNS name is the cloud's: the URL keeps only what the program knows.
    assert.equal(plan.outputs.url, "http://[computed]");
  });

  it("names the stack that fails to render", async () => {
    const root = scratchProject({ broken: { "socketio-fleet:cloud": "mars" } });
    try {
      await assert.rejects(renderAll(root), (err: Error) => {
        assert.match(err.message, /^plan: stack broken \(Pulumi\.broken\.yaml\) did not render: /);
        assert.match(
          err.message,
          /socketio-fleet:cloud \("mars"\) must be one of aws, gcp, kubernetes/,
        );
        return true;
      });
    } finally {
      removeProject(root);
    }
  });
});

function assertSortedKeys(plan: Plan): void {
  const walk = (value: unknown, where: string) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${where}[${i}]`));
    if (typeof value !== "object" || value === null) return;
    const keys = Object.keys(value);
    assert.deepEqual(keys, [...keys].sort(), `keys of ${where}`);
    for (const k of keys) walk((value as Record<string, unknown>)[k], `${where}.${k}`);
  };
  for (const r of plan.resources) walk(r.inputs, r.urn);
}
