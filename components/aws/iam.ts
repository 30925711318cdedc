import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface FleetRoles {
  /** Used by ECS to pull the image, write logs and read the Redis secret. */
  executionRole: aws.iam.Role;
  /** The app's own role: reads only its own task's status (see `taskPolicy`). */
  taskRole: aws.iam.Role;
  /** The roles' grants; tasks must not start before they exist. */
  executionPolicies: pulumi.Resource[];
}

export interface TaskRoleOptions {
  redisSecretArn: pulumi.Input<string>;
  /** The image reference: an ECR image is granted its one repository, any other image none. */
  image: pulumi.Input<string>;
  /** ARN of the fleet's log group (without the trailing `:*`). */
  logGroupArn: pulumi.Input<string>;
  /** Name of the ECS cluster the tasks run in. */
  clusterName: pulumi.Input<string>;
  region: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  account: pulumi.Input<string>;
}

/**
 * Both roles, each trusted only by this account's ECS in this region (confused-deputy protection,
 * as the ECS task-role and task-execution-role docs recommend):
 * - the execution role may pull from the image's one ECR repository, write to the fleet's one
 *   log group and read the one Redis secret (instead of the managed
 *   AmazonECSTaskExecutionRolePolicy, which grants every repository and log group of the account);
 * - the task role may only describe the tasks of its own cluster, which the app polls to start
 *   draining when ECS starts deregistering it (`app/src/ecsDrain.ts`).
 */
export function createTaskRoles(
  name: string,
  o: TaskRoleOptions,
  parent: pulumi.Resource,
): FleetRoles {
  const trust = pulumi
    .all([o.region, o.partition, o.account])
    .apply(([region, partition, account]) => ecsTasksTrustPolicy({ region, partition, account }));
  const executionRole = new aws.iam.Role(
    `${name}-execution`,
    {
      assumeRolePolicy: trust,
      description: "Pulls the fleet image, writes its logs, reads its Redis secret",
    },
    { parent },
  );
  const execution = new aws.iam.RolePolicy(
    `${name}-execution-access`,
    {
      role: executionRole.name,
      policy: pulumi
        .all([o.redisSecretArn, o.image, o.logGroupArn, o.partition])
        .apply(([secretArn, image, logGroupArn, partition]) =>
          executionPolicy({ secretArn, image, logGroupArn, partition }),
        ),
    },
    { parent },
  );
  const taskRole = new aws.iam.Role(
    `${name}-task`,
    { assumeRolePolicy: trust, description: "Socket.IO fleet tasks (read their own task status)" },
    { parent },
  );
  const task = new aws.iam.RolePolicy(
    `${name}-task-describe`,
    {
      role: taskRole.name,
      policy: pulumi
        .all([o.clusterName, o.region, o.partition, o.account])
        .apply(([clusterName, region, partition, account]) =>
          taskPolicy({ clusterName, region, partition, account }),
        ),
    },
    { parent },
  );
  return { executionRole, taskRole, executionPolicies: [execution, task] };
}

/** Trust policy for ECS tasks: only this account's ECS in this region. */
export function ecsTasksTrustPolicy(scope: {
  region: string;
  partition: string;
  account: string;
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          ArnLike: {
            "aws:SourceArn": `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:*`,
          },
          StringEquals: { "aws:SourceAccount": scope.account },
        },
      },
    ],
  });
}

/** What the execution role needs for this fleet, and nothing of the account's other resources. */
export function executionPolicy(o: {
  secretArn: string;
  image: string;
  logGroupArn: string;
  partition: string;
}): string {
  const statements: Record<string, unknown>[] = [
    { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [o.secretArn] },
    {
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${o.logGroupArn}:*`],
    },
  ];
  const repository = ecrRepositoryOf(o.image);
  if (repository !== undefined) {
    const { region, account, name } = repository;
    statements.push(
      {
        Effect: "Allow",
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
        ],
        Resource: [`arn:${o.partition}:ecr:${region}:${account}:repository/${name}`],
      },
      // ECR's registry login has no resource to scope to (the IAM reference lists none).
      { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
    );
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** The task role: `DescribeTasks` on the tasks of its own cluster only. */
export function taskPolicy(o: {
  clusterName: string;
  region: string;
  partition: string;
  account: string;
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["ecs:DescribeTasks"],
        Resource: [`arn:${o.partition}:ecs:${o.region}:${o.account}:task/${o.clusterName}/*`],
      },
    ],
  });
}

/**
 * The ECR repository of a private ECR image reference
 * (`ACCOUNT.dkr.ecr.REGION.amazonaws.com[.cn]/NAME[:tag|@digest]`), else `undefined` (Docker Hub,
 * GHCR, ECR Public need no execution-role grant).
 */
export function ecrRepositoryOf(
  image: string,
): { account: string; region: string; name: string } | undefined {
  const match = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(.+)$/.exec(
    image,
  );
  if (match === null) return undefined;
  const [, account, region, rest] = match;
  const name = rest.replace(/@sha256:[0-9a-f]+$/, "").replace(/:[^/:]+$/, "");
  return { account, region, name };
}
