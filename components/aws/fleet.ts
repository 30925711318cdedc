import type * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
  clientOptionsFor,
  formatProblems,
  resolveFleetSpec,
  type SocketIoClientOptions,
} from "../spec";
import { AWS_DEFAULTS, type AwsSocketIoFleetArgs } from "./args";
import { createLoadBalancer } from "./loadBalancer";
import { createNetwork } from "./network";
import { awsPlatform } from "./platform";
import { createRedis } from "./redis";
import { createSecurityGroups } from "./securityGroups";
import { createService } from "./service";
import { validateAwsFleet, validateAwsFleetName } from "./validate";

export const AWS_FLEET_TYPE = "socketio-fleet:aws:Fleet";

/** A certificate for some domain, but `url` would name the ALB, which no certificate covers. */
export const CERTIFICATE_WITHOUT_DOMAIN_WARNING =
  "`certificateArn` is set without `domainName`: `url` becomes https://<the ALB's DNS name>, " +
  "which no ACM certificate covers, so browsers reject it; set `domainName` to the name the " +
  "certificate is for and point a DNS record (alias) at `loadBalancerDnsName`";

/**
 * A Socket.IO fleet on AWS: an internet-facing ALB with sticky sessions and an idle timeout above
 * the heartbeat, ECS Fargate tasks in private subnets, and ElastiCache Redis (TLS + AUTH) for the
 * adapter, its URL delivered through Secrets Manager. Security groups open only what the fleet
 * uses (see `securityGroups.ts`).
 */
export class AwsSocketIoFleet extends pulumi.ComponentResource {
  /** Public endpoint: `https://` with a certificate, else `http://`. */
  readonly url: pulumi.Output<string>;
  readonly loadBalancerDnsName: pulumi.Output<string>;
  /** `host:port` of the Redis primary. */
  readonly redisEndpoint: pulumi.Output<string>;
  /** The full Redis URL with credentials (a secret). */
  readonly redisUrl: pulumi.Output<string>;
  /**
   * The Socket.IO client options this fleet needs (`io(url, clientOptions)`): a plain object to
   * export from the stack for the front-end build (see `clientOptionsFor`).
   */
  readonly clientOptions: pulumi.Output<SocketIoClientOptions>;

  readonly vpc?: awsx.ec2.Vpc;
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  readonly httpListener: aws.lb.Listener;
  readonly httpsListener?: aws.lb.Listener;
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  readonly tasksSecurityGroup: aws.ec2.SecurityGroup;
  readonly redisSecurityGroup?: aws.ec2.SecurityGroup;
  readonly cluster?: aws.ecs.Cluster;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly service: aws.ecs.Service;
  readonly executionRole: aws.iam.Role;
  readonly taskRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly replicationGroup?: aws.elasticache.ReplicationGroup;
  readonly redisSecret: aws.secretsmanager.Secret;
  readonly autoscalingTarget?: aws.appautoscaling.Target;

  constructor(name: string, args: AwsSocketIoFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(AWS_FLEET_TYPE, name, {}, opts);

    // 1. Validate everything (shared + AWS rules) and report every problem at once.
    const problems = [...validateAwsFleetName(name), ...validateAwsFleet(args)];
    if (problems.length > 0) throw new pulumi.ResourceError(formatProblems(problems), this);
    const spec = resolveFleetSpec(args, awsPlatform(args));
    const a = {
      ...AWS_DEFAULTS,
      ...defined({
        cpu: args.cpu,
        memoryMiB: args.memoryMiB,
        deregistrationDelaySeconds: args.deregistrationDelaySeconds,
        logRetentionDays: args.logRetentionDays,
        deletionProtection: args.deletionProtection,
      }),
    };
    if (args.certificateArn !== undefined && args.domainName === undefined) {
      pulumi.log.warn(CERTIFICATE_WITHOUT_DOMAIN_WARNING, this);
    }
    const redisArgs = args.redis ?? { mode: "managed" };
    const transform = args.transform ?? {};

    // 2. Network and security groups.
    const network = createNetwork(name, args.network, transform, this);
    const groups = createSecurityGroups(
      name,
      {
        vpcId: network.vpcId,
        containerPort: spec.containerPort,
        listenerPorts: args.certificateArn === undefined ? [80] : [80, 443],
        redis:
          redisArgs.mode === "managed"
            ? { mode: "managed" }
            : {
                mode: "external",
                port: redisArgs.port ?? AWS_DEFAULTS.externalRedis.port,
                cidrIpv4: redisArgs.cidrIpv4,
              },
      },
      this,
    );

    // 3. Redis and its URL secret.
    const redis = createRedis(
      name,
      {
        redis: redisArgs,
        privateSubnetIds: network.privateSubnetIds,
        securityGroupId: groups.redis?.id,
        transform,
      },
      this,
    );

    // 4. Load balancer.
    const lb = createLoadBalancer(
      name,
      {
        spec,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        securityGroupId: groups.alb.id,
        certificateArn: args.certificateArn,
        deregistrationDelaySeconds: a.deregistrationDelaySeconds,
        accessLogsBucket: args.accessLogsBucket,
        deletionProtection: a.deletionProtection,
        transform,
      },
      this,
    );

    // 5. ECS service.
    const svc = createService(
      name,
      {
        spec,
        cpu: a.cpu,
        memoryMiB: a.memoryMiB,
        logRetentionDays: a.logRetentionDays,
        clusterArn: args.clusterArn,
        privateSubnetIds: network.privateSubnetIds,
        securityGroupId: groups.tasks.id,
        targetGroupArn: lb.targetGroup.arn,
        redisSecretArn: redis.secret.arn,
        autoscaling: args.autoscaling,
        dependsOn: [
          lb.httpListener,
          ...(lb.httpsListener ? [lb.httpsListener] : []),
          redis.secretVersion,
        ],
        transform,
      },
      this,
    );

    // 6. Public outputs.
    const scheme = args.certificateArn === undefined ? "http" : "https";
    this.loadBalancerDnsName = lb.loadBalancer.dnsName;
    this.url = pulumi
      .all([args.domainName ?? lb.loadBalancer.dnsName])
      .apply(([host]) => `${scheme}://${host}`);
    this.redisEndpoint = redis.endpoint;
    this.redisUrl = pulumi.secret(redis.url);
    this.clientOptions = pulumi.output(clientOptionsFor(spec));
    this.vpc = network.vpc;
    this.loadBalancer = lb.loadBalancer;
    this.targetGroup = lb.targetGroup;
    this.httpListener = lb.httpListener;
    this.httpsListener = lb.httpsListener;
    this.albSecurityGroup = groups.alb;
    this.tasksSecurityGroup = groups.tasks;
    this.redisSecurityGroup = groups.redis;
    this.cluster = svc.cluster;
    this.taskDefinition = svc.taskDefinition;
    this.service = svc.service;
    this.executionRole = svc.executionRole;
    this.taskRole = svc.taskRole;
    this.logGroup = svc.logGroup;
    this.replicationGroup = redis.replicationGroup;
    this.redisSecret = redis.secret;
    this.autoscalingTarget = svc.autoscalingTarget;

    this.registerOutputs({
      url: this.url,
      loadBalancerDnsName: this.loadBalancerDnsName,
      redisEndpoint: this.redisEndpoint,
      redisUrl: this.redisUrl,
      clientOptions: this.clientOptions,
      vpc: this.vpc,
      loadBalancer: this.loadBalancer,
      targetGroup: this.targetGroup,
      httpListener: this.httpListener,
      httpsListener: this.httpsListener,
      albSecurityGroup: this.albSecurityGroup,
      tasksSecurityGroup: this.tasksSecurityGroup,
      redisSecurityGroup: this.redisSecurityGroup,
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      service: this.service,
      executionRole: this.executionRole,
      taskRole: this.taskRole,
      logGroup: this.logGroup,
      replicationGroup: this.replicationGroup,
      redisSecret: this.redisSecret,
      autoscalingTarget: this.autoscalingTarget,
    });
  }
}

/** `obj` without its `undefined` members, so spreading it over defaults keeps the defaults. */
function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
