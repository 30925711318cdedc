/**
 * The fleet's security groups. Every rule is its own resource (`aws.vpc.SecurityGroup*Rule`);
 * the groups carry no inline `ingress`/`egress`, and the provider removes AWS's default
 * allow-all egress from a new group, so nothing is open that is not listed here:
 *
 * | group | direction | port | peer |
 * |---|---|---|---|
 * | ALB | in | 80 (and 443 with a certificate) | 0.0.0.0/0, ::/0 |
 * | ALB | out | containerPort | tasks |
 * | tasks | in | containerPort | ALB |
 * | tasks | out | 6379 | Redis (managed) — or `redis.port` to `redis.cidrIpv4` (external) |
 * | tasks | out | 443 | 0.0.0.0/0 |
 * | Redis | in | 6379 | tasks |
 *
 * Trade-off: tasks need HTTPS egress to pull the image from ECR, read the Redis secret from
 * Secrets Manager and ship logs to CloudWatch. Those are public AWS endpoints reached through
 * the NAT gateways, and their addresses are not fixed, so the rule is 443 to 0.0.0.0/0. To close
 * it, add VPC interface endpoints (ecr.api, ecr.dkr, secretsmanager, logs) and the S3 gateway
 * endpoint, then replace the rule with one to the endpoints' security group and S3 prefix list.
 * DNS needs no rule: security groups do not filter the VPC resolver.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { REDIS_PORT } from "./args";

export const ANYWHERE_IPV4 = "0.0.0.0/0";
export const ANYWHERE_IPV6 = "::/0";

export interface FleetSecurityGroups {
  alb: aws.ec2.SecurityGroup;
  tasks: aws.ec2.SecurityGroup;
  /** Only with managed Redis. */
  redis?: aws.ec2.SecurityGroup;
  rules: (aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule)[];
}

export interface SecurityGroupOptions {
  vpcId: pulumi.Input<string>;
  containerPort: number;
  /** Listener ports open to the internet. */
  listenerPorts: number[];
  /** Managed Redis: a group of its own. External: the port and range the tasks may reach. */
  redis: { mode: "managed" } | { mode: "external"; port: number; cidrIpv4: string };
}

export function createSecurityGroups(
  name: string,
  o: SecurityGroupOptions,
  parent: pulumi.Resource,
): FleetSecurityGroups {
  const group = (suffix: string, description: string) =>
    new aws.ec2.SecurityGroup(
      `${name}-${suffix}`,
      { vpcId: o.vpcId, description, tags: { Name: `${name}-${suffix}` } },
      { parent },
    );
  const alb = group("alb-sg", "Socket.IO fleet load balancer: listener ports in, app port out");
  const tasks = group("tasks-sg", "Socket.IO fleet tasks: app port from the load balancer only");
  const redis =
    o.redis.mode === "managed"
      ? group("redis-sg", "Socket.IO fleet Redis: 6379 from the fleet tasks only")
      : undefined;

  const rules: FleetSecurityGroups["rules"] = [];
  const tcp = (port: number) => ({ ipProtocol: "tcp", fromPort: port, toPort: port });
  const ingress = (
    suffix: string,
    args: Omit<aws.vpc.SecurityGroupIngressRuleArgs, "ipProtocol">,
  ) =>
    rules.push(
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${suffix}`,
        { ipProtocol: "tcp", ...args },
        { parent },
      ),
    );
  const egress = (suffix: string, args: Omit<aws.vpc.SecurityGroupEgressRuleArgs, "ipProtocol">) =>
    rules.push(
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${suffix}`,
        { ipProtocol: "tcp", ...args },
        { parent },
      ),
    );

  for (const port of o.listenerPorts) {
    const base = { securityGroupId: alb.id, ...tcp(port) };
    ingress(`alb-in-${port}-v4`, {
      ...base,
      cidrIpv4: ANYWHERE_IPV4,
      description: `listener ${port}`,
    });
    ingress(`alb-in-${port}-v6`, {
      ...base,
      cidrIpv6: ANYWHERE_IPV6,
      description: `listener ${port}`,
    });
  }
  egress("alb-out-tasks", {
    securityGroupId: alb.id,
    referencedSecurityGroupId: tasks.id,
    ...tcp(o.containerPort),
    description: "to the fleet tasks",
  });
  ingress("tasks-in-alb", {
    securityGroupId: tasks.id,
    referencedSecurityGroupId: alb.id,
    ...tcp(o.containerPort),
    description: "from the load balancer",
  });
  if (redis !== undefined) {
    egress("tasks-out-redis", {
      securityGroupId: tasks.id,
      referencedSecurityGroupId: redis.id,
      ...tcp(REDIS_PORT),
      description: "to Redis",
    });
    ingress("redis-in-tasks", {
      securityGroupId: redis.id,
      referencedSecurityGroupId: tasks.id,
      ...tcp(REDIS_PORT),
      description: "from the fleet tasks",
    });
  } else if (o.redis.mode === "external") {
    egress("tasks-out-redis", {
      securityGroupId: tasks.id,
      cidrIpv4: o.redis.cidrIpv4,
      ...tcp(o.redis.port),
      description: "to the external Redis",
    });
  }
  egress("tasks-out-https", {
    securityGroupId: tasks.id,
    cidrIpv4: ANYWHERE_IPV4,
    ...tcp(443),
    description: "HTTPS to ECR, Secrets Manager and CloudWatch Logs through NAT",
  });
  return { alb, tasks, redis, rules };
}
