import { strict as assert } from "node:assert";
import { AwsSocketIoFleet } from "../../../components/aws";
import { T, allRules, awsMocks, baseArgs, build } from "./fixtures";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc";

describe("AwsSocketIoFleet: security groups", () => {
  it("default (HTTP, managed Redis): exactly these rules", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    assert.deepEqual(allRules(mocks), [
      "fleet-alb-sg in tcp 80-80 0.0.0.0/0",
      "fleet-alb-sg in tcp 80-80 ::/0",
      "fleet-alb-sg out tcp 3000-3000 fleet-tasks-sg",
      "fleet-redis-sg in tcp 6379-6379 fleet-tasks-sg",
      "fleet-tasks-sg in tcp 3000-3000 fleet-alb-sg",
      "fleet-tasks-sg out tcp 443-443 0.0.0.0/0",
      "fleet-tasks-sg out tcp 6379-6379 fleet-redis-sg",
    ]);
  });

  it("with a certificate and a custom port: 80 and 443 in, the container port between ALB and tasks", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () => new AwsSocketIoFleet("fleet", baseArgs({ certificateArn: CERT, containerPort: 8080 })),
    );
    assert.deepEqual(allRules(mocks), [
      "fleet-alb-sg in tcp 443-443 0.0.0.0/0",
      "fleet-alb-sg in tcp 443-443 ::/0",
      "fleet-alb-sg in tcp 80-80 0.0.0.0/0",
      "fleet-alb-sg in tcp 80-80 ::/0",
      "fleet-alb-sg out tcp 8080-8080 fleet-tasks-sg",
      "fleet-redis-sg in tcp 6379-6379 fleet-tasks-sg",
      "fleet-tasks-sg in tcp 8080-8080 fleet-alb-sg",
      "fleet-tasks-sg out tcp 443-443 0.0.0.0/0",
      "fleet-tasks-sg out tcp 6379-6379 fleet-redis-sg",
    ]);
  });

  it("external Redis: no Redis group; tasks reach its port in the given range", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            redis: {
              mode: "external",
              url: "rediss://:pw@redis.internal:6380",
              port: 6380,
              cidrIpv4: "10.1.0.0/16",
            },
          }),
        ),
    );
    assert.deepEqual(
      mocks.ofType(T.sg).map((g) => g.name),
      ["fleet-alb-sg", "fleet-tasks-sg"],
    );
    assert.deepEqual(allRules(mocks), [
      "fleet-alb-sg in tcp 80-80 0.0.0.0/0",
      "fleet-alb-sg in tcp 80-80 ::/0",
      "fleet-alb-sg out tcp 3000-3000 fleet-tasks-sg",
      "fleet-tasks-sg in tcp 3000-3000 fleet-alb-sg",
      "fleet-tasks-sg out tcp 443-443 0.0.0.0/0",
      "fleet-tasks-sg out tcp 6380-6380 10.1.0.0/16",
    ]);
  });

  it("the groups carry no inline rules (rule resources only) and sit in the fleet's VPC", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs({ certificateArn: CERT })));
    const groups = mocks.ofType(T.sg);
    assert.deepEqual(
      groups.map((g) => g.name),
      ["fleet-alb-sg", "fleet-tasks-sg", "fleet-redis-sg"],
    );
    for (const g of groups) {
      assert.equal(g.inputs.ingress, undefined, `${g.name} has inline ingress`);
      assert.equal(g.inputs.egress, undefined, `${g.name} has inline egress`);
      assert.equal(g.inputs.vpcId, "vpc-123");
    }
  });

  it("opens nothing to 0.0.0.0/0 or ::/0 but the listener ports (in) and HTTPS egress of the tasks", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs({ certificateArn: CERT })));
    const open = allRules(mocks).filter((r) => r.endsWith(" 0.0.0.0/0") || r.endsWith(" ::/0"));
    assert.deepEqual(open, [
      "fleet-alb-sg in tcp 443-443 0.0.0.0/0",
      "fleet-alb-sg in tcp 443-443 ::/0",
      "fleet-alb-sg in tcp 80-80 0.0.0.0/0",
      "fleet-alb-sg in tcp 80-80 ::/0",
      "fleet-tasks-sg out tcp 443-443 0.0.0.0/0",
    ]);
    for (const rule of [...mocks.ofType(T.ingress), ...mocks.ofType(T.egress)]) {
      assert.notEqual(rule.inputs.ipProtocol, "-1", `${rule.name} allows every protocol`);
      assert.equal(rule.inputs.fromPort, rule.inputs.toPort, `${rule.name} opens a port range`);
    }
  });

  it("group and rule descriptions use only the characters EC2 accepts (an em dash fails at create)", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs({ certificateArn: CERT })));
    // CreateSecurityGroup / rule descriptions: a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
    const allowed = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
    const described = [
      ...mocks.ofType(T.sg),
      ...mocks.ofType(T.ingress),
      ...mocks.ofType(T.egress),
    ];
    assert.equal(described.length, 3 + 9);
    for (const r of described) {
      assert.match(String(r.inputs.description), allowed, `${r.name}: ${r.inputs.description}`);
    }
  });

  it("the ALB and the service use their groups; Redis uses its own", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    assert.deepEqual(mocks.one(T.lb).inputs.securityGroups, ["fleet-alb-sg-id"]);
    assert.deepEqual(mocks.one(T.service).inputs.networkConfiguration.securityGroups, [
      "fleet-tasks-sg-id",
    ]);
    assert.deepEqual(mocks.one(T.replicationGroup).inputs.securityGroupIds, ["fleet-redis-sg-id"]);
  });
});
