import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { planCloud } from "../../../stacks/plan/mockCloud";
import { planCalls, UNKNOWN_VALUE, type StackConfig } from "../../../stacks/plan/mockInvokes";
import { renderAll } from "../../../stacks/plan/plans";
import { planResource } from "../../../stacks/plan/render";
import { COMPUTED, type Plan, type PlanResource } from "../../../stacks/plan/types";
import { redisOnlyFromFleet } from "../../../policy/rules/redis";
import { DEFAULT_RULE_CONFIG } from "../../../policy/rules/types";
import { setupMocks } from "../../helpers/mocks";
import { policyResources } from "../policy/planResources";
import { committedPlan, removeProject, repoStackConfig, scratchProject } from "./projects";

class Thing extends pulumi.CustomResource {}

/** Values the old fake cloud made up, which a plan must never show. */
const MOCK_DEFAULTS = [
  "us-east-1",
  "123456789012",
  "mock-project",
  "us-central1",
  "europe-west1",
  "my-gcp-project",
  "mock",
  "203.0.113.",
  "10.0.0.3",
];

const configOf =
  (values: Record<string, string>): StackConfig =>
  (key) =>
    values[key];

/** Every string in a plan's resources and outputs (not its note), with where it is. */
function strings(plan: Plan): [string, string][] {
  const found: [string, string][] = [];
  const walk = (value: unknown, where: string) => {
    if (typeof value === "string") found.push([where, value]);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
    }
  };
  walk(plan.resources, "resources");
  walk(plan.outputs, "outputs");
  return found;
}

function resource(plan: Plan, type: string, name?: string): PlanResource {
  const found = plan.resources.find((r) => r.type === type && (name ?? r.name) === r.name);
  assert.ok(found, `no ${type} ${name ?? ""} in ${plan.stack}`);
  return found;
}

describe("plan: the fake cloud answers from the stack's config, and marks what only the cloud knows", function () {
  this.timeout(120_000);

  it("a stack with region X / project P: the plan holds X and P and none of the mock defaults", async () => {
    const awsDev = repoStackConfig("aws-dev");
    const awsConfig = {
      ...awsDev,
      "aws:region": "eu-north-1",
      "aws:allowedAccountIds": ["210987654321"],
      // The stack's pinned zones move with its region.
      "socketio-fleet:fleet": {
        ...(awsDev["socketio-fleet:fleet"] as object),
        availabilityZones: ["eu-north-1a", "eu-north-1b"],
      },
    };
    const gcpConfig = {
      ...repoStackConfig("gcp-dev"),
      "gcp:project": "acme-chat-prod",
      "gcp:region": "asia-east1",
      "socketio-fleet:image":
        "asia-east1-docker.pkg.dev/acme-chat-prod/socketio/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    const noAccount = {
      ...awsDev,
      "aws:region": "ap-southeast-2",
      "socketio-fleet:fleet": {
        ...(awsDev["socketio-fleet:fleet"] as object),
        availabilityZones: ["ap-southeast-2a", "ap-southeast-2b"],
      },
    };
    const root = scratchProject({ aws: awsConfig, gcp: gcpConfig, "aws-any": noAccount });
    try {
      const plans = new Map(
        [...(await renderAll(root))].map(([stack, text]) => [stack, JSON.parse(text) as Plan]),
      );
      const awsPlan = plans.get("aws") as Plan;
      const gcpPlan = plans.get("gcp") as Plan;
      for (const plan of plans.values()) {
        for (const [where, text] of strings(plan)) {
          for (const fake of MOCK_DEFAULTS) {
            assert.ok(!text.includes(fake), `${plan.stack} ${where} shows ${fake}: ${text}`);
          }
          assert.ok(!/-id$/.test(text), `${plan.stack} ${where} shows a mock id: ${text}`);
          assert.ok(!text.includes(UNKNOWN_VALUE), `${plan.stack} ${where}: raw unknown`);
        }
      }

      // AWS: the configured region and account; what the account runs is computed.
      const describe = resource(awsPlan, "aws:iam/rolePolicy:RolePolicy", "sio-dev-task-describe");
      assert.deepEqual(
        (describe.inputs.policy as { "[json]": { Statement: { Resource: string[] }[] } })["[json]"]
          .Statement[0].Resource,
        ["arn:aws:ecs:eu-north-1:210987654321:task/[computed]/*"],
      );
      const trust = JSON.stringify(resource(awsPlan, "aws:iam/role:Role").inputs);
      assert.match(trust, /"aws:SourceAccount":"210987654321"/);
      const anyTrust = JSON.stringify(resource(plans.get("aws-any") as Plan, "aws:iam/role:Role"));
      assert.match(anyTrust, /"aws:SourceAccount":"\[computed\]"/);
      assert.match(anyTrust, /"aws:SourceArn":"arn:aws:ecs:ap-southeast-2:\[computed\]:\*"/);
      // Ids, ARNs, generated names, DNS names: computed, never made up.
      const service = resource(awsPlan, "aws:ecs/service:Service");
      assert.equal(service.inputs.cluster, COMPUTED);
      assert.equal(service.inputs.taskDefinition, COMPUTED);
      assert.equal(
        resource(awsPlan, "aws:appautoscaling/target:Target").inputs.resourceId,
        "service/[computed]/[computed]",
      );
      assert.equal(awsPlan.outputs.url, "http://[computed]");
      assert.equal(awsPlan.outputs.redisEndpoint, "[computed]:6379");

      // GCP: the configured project and region everywhere; zones are left to the API (never a
      // live lookup feeding a replace-on-change field), so the plan shows none.
      const group = resource(
        gcpPlan,
        "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
      );
      assert.equal(group.inputs.region, "asia-east1");
      assert.equal(group.inputs.distributionPolicyZones, undefined);
      const gcpText = JSON.stringify(gcpPlan.resources);
      assert.ok(gcpText.includes('"project":"acme-chat-prod"'), "the configured project");
      for (const r of gcpPlan.resources.filter((x) => x.type.endsWith("IamMember"))) {
        assert.equal(r.inputs.member, COMPUTED, `${r.name}: the service account is the cloud's`);
      }
      assert.equal(gcpPlan.outputs.ipAddress, COMPUTED);
    } finally {
      removeProject(root);
    }
  });

  it("invokes only the cloud can answer yield the computed marker", () => {
    const bare = planCalls(configOf({}));
    const call = (token: string, inputs = {}) => bare[token](inputs);
    assert.deepEqual(call("aws:index/getCallerIdentity:getCallerIdentity"), {
      accountId: COMPUTED,
      id: COMPUTED,
      arn: COMPUTED,
      userId: COMPUTED,
    });
    assert.equal(call("aws:index/getRegion:getRegion").region, COMPUTED);
    assert.equal(call("aws:index/getPartition:getPartition").partition, COMPUTED);
    assert.equal(call("gcp:organizations/getClientConfig:getClientConfig").project, COMPUTED);
    assert.equal(call("gcp:organizations/getProject:getProject").number, COMPUTED);
    assert.equal(call("gcp:compute/getZones:getZones").names, UNKNOWN_VALUE);

    const configured = planCalls(
      configOf({
        "aws:region": "cn-northwest-1",
        "aws:allowedAccountIds": '["210987654321"]',
        "gcp:project": "acme-chat-prod",
        "gcp:region": "asia-east1",
      }),
    );
    assert.deepEqual(configured["aws:index/getPartition:getPartition"]({}), {
      partition: "aws-cn",
      id: "aws-cn",
      dnsSuffix: "amazonaws.com.cn",
      reverseDnsPrefix: "cn.com.amazonaws",
    });
    assert.equal(
      configured["aws:index/getCallerIdentity:getCallerIdentity"]({}).accountId,
      "210987654321",
    );
    // Two allowed accounts: which one the credentials reach is the cloud's answer.
    const two = planCalls(configOf({ "aws:allowedAccountIds": '["210987654321","310987654321"]' }));
    assert.equal(two["aws:index/getCallerIdentity:getCallerIdentity"]({}).accountId, COMPUTED);
    const client = configured["gcp:organizations/getClientConfig:getClientConfig"]({});
    assert.deepEqual(
      [client.project, client.region, client.zone],
      ["acme-chat-prod", "asia-east1", COMPUTED],
    );
    assert.equal(
      configured["gcp:compute/getZones:getZones"]({ region: "asia-east1" }).names,
      UNKNOWN_VALUE,
    );
    // A region the partition table does not list has no partition to answer.
    const unlisted = planCalls(configOf({ "aws:region": "xx-nowhere-9" }));
    assert.equal(unlisted["aws:index/getPartition:getPartition"]({}).partition, COMPUTED);
  });

  it("in a rendered plan: outputs and invoke answers only the cloud knows read [computed], never absent", async () => {
    const mocks = await setupMocks({
      preview: true,
      calls: planCalls(configOf({ "gcp:project": "acme-chat-prod", "gcp:region": "asia-east1" })),
      cloud: planCloud,
    });
    const zones = gcp.compute.getZonesOutput({ region: "asia-east1" }).names;
    const client = gcp.organizations.getClientConfigOutput();
    const identity = aws.getCallerIdentityOutput();
    const group = new aws.ec2.SecurityGroup("sg", { description: "d" });
    const named = new aws.ec2.SecurityGroup("named", { name: "given-name", description: "d" });
    new Thing("test:index:Thing", "consumer", {
      zones,
      project: client.project,
      account: identity.accountId,
      arn: pulumi.interpolate`arn:aws:iam::${identity.accountId}:role/x`,
      groupId: group.id,
      generated: group.name,
      given: named.name,
      // An output the fake cloud lists nowhere: unknown, never silently absent.
      owner: group.ownerId,
      ownerText: pulumi.interpolate`owner ${group.ownerId}`,
      description: group.description,
    });
    await mocks.settled();
    const plan = planResource(mocks.one("test:index:Thing"));
    assert.deepEqual(plan.inputs, {
      account: COMPUTED,
      arn: "arn:aws:iam::[computed]:role/x",
      description: "d",
      generated: COMPUTED,
      given: "given-name",
      groupId: COMPUTED,
      owner: COMPUTED,
      ownerText: COMPUTED,
      project: "acme-chat-prod",
      zones: COMPUTED,
    });
  });

  it("policy rules over a plan never take two computed ids for the same resource", () => {
    const plan = structuredClone(committedPlan("aws-dev"));
    const rules = plan.resources.filter(
      (r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    );
    // Every group id is computed: only the dependency edges tell the groups apart.
    assert.ok(rules.length > 2 && rules.every((r) => r.inputs.securityGroupId === COMPUTED));
    assert.deepEqual(redisOnlyFromFleet.check(policyResources(plan), DEFAULT_RULE_CONFIG), []);
    const redisGroup = plan.resources.find(
      (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name.endsWith("-redis-sg"),
    );
    assert.ok(redisGroup);
    const open = structuredClone(rules[0]);
    open.urn = `${open.urn}-open`;
    open.inputs = { securityGroupId: COMPUTED, cidrIpv4: "10.0.0.0/8", ipProtocol: "tcp" };
    open.dependencies = [redisGroup.urn];
    plan.resources.push(open);
    assert.deepEqual(
      redisOnlyFromFleet.check(policyResources(plan), DEFAULT_RULE_CONFIG).map((v) => v.urn),
      [open.urn],
    );
  });
});
