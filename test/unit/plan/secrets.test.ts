import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { diffMarkdown } from "../../../stacks/plan/markdown";
import { diffPlans } from "../../../stacks/plan/diff";
import { MOCK_PASSWORD } from "../../../stacks/plan/mockCloud";
import { planInputs } from "../../../stacks/plan/normalize";
import { renderAll } from "../../../stacks/plan/plans";
import { planResource } from "../../../stacks/plan/render";
import type { Plan } from "../../../stacks/plan/types";
import { setupMocks } from "../../helpers/mocks";
import { removeProject, repoStackConfig, scratchProject } from "./projects";

class Thing extends pulumi.CustomResource {}

/** Values that must never reach a plan or a diff. */
const AWS_SECRET = "rediss://:Aws-Known-Secret-7f3a@redis.example.com:6379";
const K8S_SECRET = "rediss://:K8s-Known-Secret-91c2@r.example.com:6380";
const ROTATED = "rediss://:Rotated-Known-Secret-44d0@redis.example.com:6379";

function stacksWith(awsUrl: string): Record<string, Record<string, unknown>> {
  const aws = repoStackConfig("aws-dev");
  (aws["socketio-fleet:fleet"] as Record<string, unknown>).redis = {
    mode: "external",
    cidrIpv4: "10.1.0.0/16",
  };
  return {
    "aws-secret": {
      ...aws,
      "socketio-fleet:image": "ghcr.io/acme/chat:2.0.0",
      // Under mocks the "ciphertext" is the value the program sees, as a secret.
      "socketio-fleet:redisUrl": { secure: awsUrl },
    },
    "k8s-secret": {
      ...repoStackConfig("k8s-dev"),
      "socketio-fleet:redisUrl": { secure: K8S_SECRET },
      "socketio-fleet:redis": { mode: "external", port: 6380 },
    },
    // Generated passwords (in-cluster Redis, ElastiCache auth) come from the mock cloud.
    "k8s-dev": repoStackConfig("k8s-dev"),
    "aws-dev": repoStackConfig("aws-dev"),
  };
}

function assertNoSecret(text: string, where: string): void {
  for (const secret of [AWS_SECRET, K8S_SECRET, ROTATED, MOCK_PASSWORD]) {
    const password = secret.includes("://:") ? secret.split("://:")[1].split("@")[0] : secret;
    assert.ok(!text.includes(password), `${where} shows a secret (${password.slice(0, 4)}…)`);
  }
}

describe("plan: secrets never appear", function () {
  this.timeout(120_000);

  it("in the plans or the diffs of stacks with known secret config and generated passwords", async () => {
    const root = scratchProject(stacksWith(AWS_SECRET));
    try {
      const plans = await renderAll(root);
      for (const [stack, text] of plans) assertNoSecret(text, `plans/${stack}.json`);
      const aws = JSON.parse(plans.get("aws-secret") ?? "") as Plan;
      const version = aws.resources.find(
        (r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion",
      );
      assert.equal(version?.inputs.secretString, "[secret]");
      const k8s = JSON.parse(plans.get("k8s-dev") ?? "") as Plan;
      assert.equal(
        k8s.resources.find((r) => r.type === "kubernetes:core/v1:Secret")?.inputs.stringData,
        "[secret]",
      );
      assert.equal(k8s.outputs.redisUrl, "[secret]");
      const elasticache = (JSON.parse(plans.get("aws-dev") ?? "") as Plan).resources.find(
        (r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup",
      );
      assert.equal(elasticache?.inputs.authToken, "[secret]");

      // Rotating the secret: the diff is computed over redacted plans, so it cannot show either value.
      const rotatedRoot = scratchProject(stacksWith(ROTATED));
      try {
        const rotated = await renderAll(rotatedRoot);
        assertNoSecret(rotated.get("aws-secret") ?? "", "the rotated plan");
        const diffs = [...plans.keys()].map((stack) =>
          diffPlans(
            stack,
            JSON.parse(plans.get(stack) ?? "") as Plan,
            JSON.parse(rotated.get(stack) ?? "") as Plan,
          ),
        );
        const created = [...plans.keys()].map((stack) =>
          diffPlans(stack, undefined, JSON.parse(plans.get(stack) ?? "") as Plan),
        );
        assertNoSecret(
          diffMarkdown(diffs, { since: "HEAD", maxChars: 1_000_000 }),
          "the rotation diff",
        );
        assertNoSecret(
          diffMarkdown(created, { since: "HEAD", maxChars: 1_000_000 }),
          "the creation diff",
        );
      } finally {
        removeProject(rotatedRoot);
      }
    } finally {
      removeProject(root);
    }
  });

  it("an input the provider marks secret is redacted even when the program passed it in plain", async () => {
    const mocks = await setupMocks();
    // Generated SDKs list schema-secret properties in additionalSecretOutputs (and wrap them).
    new Thing(
      "test:index:Thing",
      "thing",
      { token: "Plain-Known-Token", size: 3 },
      { additionalSecretOutputs: ["token"] },
    );
    await mocks.settled();
    const plan = planResource(mocks.one("test:index:Thing"));
    assert.deepEqual(plan.inputs, { size: 3, token: "[secret]" });
    assert.deepEqual(planInputs({ a: "x", b: undefined }, ["b"]), { a: "x" });
  });
});
