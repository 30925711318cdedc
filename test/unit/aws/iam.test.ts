import { strict as assert } from "node:assert";
import { AwsSocketIoFleet } from "../../../components/aws";
import { ecrRepositoryOf } from "../../../components/aws/iam";
import { ACCOUNT, T, awsMocks, baseArgs, build, containers } from "./fixtures";

const ECR_IMAGE = "210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/chat:1.2.3";
const SCOPED_TRUST = {
  ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:*` },
  StringEquals: { "aws:SourceAccount": ACCOUNT },
};

describe("AwsSocketIoFleet: IAM roles", () => {
  it("no managed policy: the execution role reads the one secret and writes the one log group (no ECR for a non-ECR image)", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    assert.equal(mocks.ofType(T.attachment).length, 0, "no AmazonECSTaskExecutionRolePolicy");
    const policy = mocks.named(T.rolePolicy, "fleet-execution-access");
    assert.equal(policy.inputs.role, "fleet-execution");
    assert.deepEqual(JSON.parse(policy.inputs.policy), {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: [`arn:mock:${T.secret}:fleet-redis-url`],
        },
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`arn:mock:${T.logGroup}:fleet-logs:*`],
        },
      ],
    });
  });

  it("an ECR image: pulls from its one repository only (the registry login has no resource)", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs({ image: ECR_IMAGE })));
    const statements = JSON.parse(mocks.named(T.rolePolicy, "fleet-execution-access").inputs.policy)
      .Statement as { Action: string[]; Resource: string[] }[];
    assert.deepEqual(statements.slice(2), [
      {
        Effect: "Allow",
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
        ],
        Resource: ["arn:aws:ecr:eu-west-1:210987654321:repository/team/chat"],
      },
      { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    ]);
    assert.equal(containers(mocks)[0].image, ECR_IMAGE);
  });

  it("reads the repository from tag, digest and China-partition ECR references, nothing from others", () => {
    assert.deepEqual(
      ecrRepositoryOf("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ab12"),
      {
        account: "123456789012",
        region: "us-east-1",
        name: "app",
      },
    );
    assert.deepEqual(ecrRepositoryOf("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/a/b:v1"), {
      account: "123456789012",
      region: "cn-north-1",
      name: "a/b",
    });
    assert.equal(ecrRepositoryOf("ghcr.io/acme/chat:1.2.3"), undefined);
    assert.equal(ecrRepositoryOf("public.ecr.aws/acme/chat:1"), undefined);
  });

  it("both roles are trusted only by this account's ECS in this region", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    for (const role of ["fleet-execution", "fleet-task"]) {
      assert.deepEqual(JSON.parse(mocks.named(T.role, role).inputs.assumeRolePolicy), {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "ecs-tasks.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: SCOPED_TRUST,
          },
        ],
      });
    }
  });

  it("the task role may only describe the tasks of its own cluster (for the ECS drain)", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const grants = mocks.ofType(T.rolePolicy).filter((p) => p.inputs.role === "fleet-task");
    assert.deepEqual(
      grants
        .map((g) => [g.name, JSON.parse(g.inputs.policy)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
      [
        [
          "fleet-task-describe",
          {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["ecs:DescribeTasks"],
                Resource: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/fleet-cluster/*`],
              },
            ],
          },
        ],
        [
          // The metrics collector: EMF events into its own log group only.
          "fleet-task-metrics",
          {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: [`arn:mock:${T.logGroup}:fleet-metrics:*`],
              },
            ],
          },
        ],
      ],
    );
    const shared = await awsMocks();
    const arn = "arn:aws:ecs:us-east-1:123456789012:cluster/shared";
    await build(shared, () => new AwsSocketIoFleet("fleet", baseArgs({ clusterArn: arn })));
    assert.deepEqual(
      JSON.parse(shared.named(T.rolePolicy, "fleet-task-describe").inputs.policy).Statement[0]
        .Resource,
      [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/shared/*`],
    );
  });

  it("builds ARNs from the partition it runs in (GovCloud, China), never a hard-coded arn:aws", async () => {
    const mocks = await awsMocks({
      calls: {
        "aws:index/getPartition:getPartition": () => ({
          partition: "aws-us-gov",
          dnsSuffix: "amazonaws.com",
          id: "aws-us-gov",
        }),
        "aws:index/getRegion:getRegion": () => ({
          name: "us-gov-west-1",
          region: "us-gov-west-1",
          id: "us-gov-west-1",
        }),
      },
    });
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const trust = JSON.parse(mocks.named(T.role, "fleet-task").inputs.assumeRolePolicy);
    assert.deepEqual(trust.Statement[0].Condition.ArnLike, {
      "aws:SourceArn": `arn:aws-us-gov:ecs:us-gov-west-1:${ACCOUNT}:*`,
    });
    const describe = JSON.parse(mocks.named(T.rolePolicy, "fleet-task-describe").inputs.policy);
    assert.deepEqual(describe.Statement[0].Resource, [
      `arn:aws-us-gov:ecs:us-gov-west-1:${ACCOUNT}:task/fleet-cluster/*`,
    ]);
    assert.equal(containers(mocks)[0].logConfiguration.options["awslogs-region"], "us-gov-west-1");
  });
});
