import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const TASK_EXECUTION_POLICY = "AmazonECSTaskExecutionRolePolicy";

export interface FleetRoles {
  /** Used by ECS to pull the image, write logs and read the Redis secret. */
  executionRole: aws.iam.Role;
  /** The app's own role: no permissions. */
  taskRole: aws.iam.Role;
  /** The execution role's grants; tasks must not start before they exist. */
  executionPolicies: pulumi.Resource[];
}

export interface TaskRoleOptions {
  redisSecretArn: pulumi.Input<string>;
  region: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  account: pulumi.Input<string>;
}

/**
 * The execution role (the managed task-execution policy, plus `secretsmanager:GetSecretValue` on
 * the one Redis secret) and an empty task role.
 */
export function createTaskRoles(
  name: string,
  o: TaskRoleOptions,
  parent: pulumi.Resource,
): FleetRoles {
  const executionRole = new aws.iam.Role(
    `${name}-execution`,
    {
      assumeRolePolicy: ecsTasksTrustPolicy(),
      description: "Pulls the fleet image, writes its logs, reads its Redis secret",
    },
    { parent },
  );
  const managed = new aws.iam.RolePolicyAttachment(
    `${name}-execution-managed`,
    {
      role: executionRole.name,
      policyArn: pulumi.interpolate`arn:${o.partition}:iam::aws:policy/service-role/${TASK_EXECUTION_POLICY}`,
    },
    { parent },
  );
  const secret = new aws.iam.RolePolicy(
    `${name}-execution-secret`,
    {
      role: executionRole.name,
      policy: pulumi.output(o.redisSecretArn).apply((arn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [arn] },
          ],
        }),
      ),
    },
    { parent },
  );
  // The app calls no AWS API: its task role has no permissions at all. Its trust is limited to
  // this account's ECS (confused-deputy protection, as the ECS task-role docs recommend).
  const taskRoleTrust = pulumi
    .all([o.region, o.partition, o.account])
    .apply(([region, partition, account]) => ecsTasksTrustPolicy({ region, partition, account }));
  const taskRole = new aws.iam.Role(
    `${name}-task`,
    { assumeRolePolicy: taskRoleTrust, description: "Socket.IO fleet tasks (no permissions)" },
    { parent },
  );
  return { executionRole, taskRole, executionPolicies: [managed, secret] };
}

/** Trust policy for ECS tasks; with `scope`, only this account's ECS in this region. */
export function ecsTasksTrustPolicy(scope?: {
  region: string;
  partition: string;
  account: string;
}): string {
  const statement: Record<string, unknown> = {
    Effect: "Allow",
    Principal: { Service: "ecs-tasks.amazonaws.com" },
    Action: "sts:AssumeRole",
  };
  if (scope !== undefined) {
    statement.Condition = {
      ArnLike: { "aws:SourceArn": `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:*` },
      StringEquals: { "aws:SourceAccount": scope.account },
    };
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}
