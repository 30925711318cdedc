import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
  clientOptionsFor,
  formatProblems,
  resolveFleetSpec,
  type SocketIoClientOptions,
} from "../shared";
import {
  AWS_DEFAULTS,
  type AwsExternalRedisArgs,
  type AwsManagedRedisArgs,
  type AwsServerlessRedisArgs,
  type AwsSocketIoFleetArgs,
  type AwsSocketIoFleetOptions,
} from "./args";
import { createLoadBalancer } from "./loadBalancer";
import { awsPreviewWarnings } from "./warnings";
import { createFleetMonitoring, memberClusterCount } from "./monitoring";
import { AWS_MONITORING_DEFAULTS } from "./monitoringArgs";
import { awsNodeCapacity } from "./validateMonitoring";
import { createNetwork } from "./network";
import { awsPlatform } from "./platform";
import { createRedis } from "./redis";
import { serverlessLimits } from "./serverlessCache";
import { createSecurityGroups } from "./securityGroups";
import { createService } from "./service";
import { validateAwsFleet, validateAwsFleetName, validateAwsFleetTransform } from "./validate";

/** The type token, as Pulumi's component package names it for every language. */
export const AWS_FLEET_TYPE = "socketio-fleet:index:AwsSocketIoFleet";
/**
 * The token before the component package (0.1.0). Registered as an alias, so an existing stack
 * sees the component retyped in place: the engine applies a parent's aliases to each child's
 * URN, so no child is replaced either.
 */
export const AWS_FLEET_LEGACY_TYPE = "socketio-fleet:aws:Fleet";

/**
 * A Socket.IO fleet on AWS: an internet-facing ALB with sticky sessions and an idle timeout above
 * the heartbeat, ECS Fargate tasks in private subnets, and ElastiCache Redis (TLS + AUTH) for the
 * adapter, its URL delivered through Secrets Manager. Security groups open only what the fleet
 * uses (see `securityGroups.ts`).
 */
export class AwsSocketIoFleet extends pulumi.ComponentResource {
  /** Public endpoint: `https://` with a certificate, else `http://`. */
  readonly url: pulumi.Output<string>;
  /** The ALB's own DNS name: point your DNS record (an alias) at it. */
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

  /** The VPC the fleet created (absent with `network`). */
  readonly vpc?: awsx.ec2.Vpc;
  /** The internet-facing Application Load Balancer. */
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** The target group of the tasks, with the stickiness and health check. */
  readonly targetGroup: aws.lb.TargetGroup;
  /** The port-80 listener: forwards, or redirects to HTTPS with a certificate. */
  readonly httpListener: aws.lb.Listener;
  /** The port-443 listener (only with `certificateArn`). */
  readonly httpsListener?: aws.lb.Listener;
  /** The load balancer's security group (the listener ports from anywhere). */
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  /** The tasks' security group (the container port from the load balancer only). */
  readonly tasksSecurityGroup: aws.ec2.SecurityGroup;
  /** The managed Redis's security group (its port from the tasks only). */
  readonly redisSecurityGroup?: aws.ec2.SecurityGroup;
  /** The ECS cluster the fleet created (absent with `clusterArn`). */
  readonly cluster?: aws.ecs.Cluster;
  /** The Fargate task definition of a node. */
  readonly taskDefinition: aws.ecs.TaskDefinition;
  /** The ECS service running the nodes. */
  readonly service: aws.ecs.Service;
  /** The role ECS uses to pull the image, write logs and read the Redis URL secret. */
  readonly executionRole: aws.iam.Role;
  /** The role the app runs as (no permissions of its own). */
  readonly taskRole: aws.iam.Role;
  /** The CloudWatch log group of the nodes. */
  readonly logGroup: aws.cloudwatch.LogGroup;
  /** The ElastiCache replication group (managed Redis only). */
  readonly replicationGroup?: aws.elasticache.ReplicationGroup;
  /** The ElastiCache Serverless cache (`redis.mode: "serverless"` only). */
  readonly serverlessCache?: aws.elasticache.ServerlessCache;
  /** The Secrets Manager secret holding the Redis URL the tasks read. */
  readonly redisSecret: aws.secretsmanager.Secret;
  /** The scaling target of the service (only with `autoscaling`). */
  readonly autoscalingTarget?: aws.appautoscaling.Target;
  /** The log group the metrics collector writes to (only with `monitoring`). */
  readonly metricsLogGroup?: aws.cloudwatch.LogGroup;
  /** The CloudWatch dashboard (only with `monitoring`). */
  readonly dashboard?: aws.cloudwatch.Dashboard;
  /** The alarms' SNS topic (only with `monitoring.createAlarmTopic`). */
  readonly alarmTopic?: aws.sns.Topic;

  constructor(name: string, args: AwsSocketIoFleetArgs, opts: AwsSocketIoFleetOptions = {}) {
    const { transform: transformOption, ...resourceOptions } = opts;
    super(
      AWS_FLEET_TYPE,
      name,
      {},
      {
        ...resourceOptions,
        aliases: [...(resourceOptions.aliases ?? []), { type: AWS_FLEET_LEGACY_TYPE }],
      },
    );

    // 1. Validate everything (shared + AWS rules) and report every problem at once.
    const problems = [
      ...validateAwsFleetName(name),
      ...validateAwsFleet(args),
      ...validateAwsFleetTransform(transformOption),
    ];
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
    for (const warning of awsPreviewWarnings(args, a.deregistrationDelaySeconds)) {
      pulumi.log.warn(warning, this);
    }
    // Validated above: the fields of the other mode are absent, the required ones present.
    const redisArgs = (args.redis ?? { mode: "managed" }) as
      AwsManagedRedisArgs | AwsExternalRedisArgs | AwsServerlessRedisArgs;
    const transform = transformOption ?? {};
    const monitoring = { ...AWS_MONITORING_DEFAULTS, ...defined(args.monitoring ?? {}) };
    // The node's capacity from the memory the app keeps beside the collector (`validateMonitoring.ts`).
    const capacity = awsNodeCapacity({
      memoryMiB: a.memoryMiB,
      monitoring: args.monitoring,
      connectionsPerNode: spec.connectionsPerNode,
      maxConnectionsPerNode: spec.maxConnectionsPerNode,
    });

    // 2. Network and security groups.
    const network = createNetwork(name, args.network, args.availabilityZones, transform, this);
    const groups = createSecurityGroups(
      name,
      {
        vpcId: network.vpcId,
        containerPort: spec.containerPort,
        listenerPorts: args.certificateArn === undefined ? [80] : [80, 443],
        redis:
          redisArgs.mode !== "external"
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
        redisSecretVersionId: redis.secretVersion.versionId,
        redisTlsCa: redisArgs.mode === "external" ? redisArgs.tlsCa : undefined,
        redisMode: redis.redisMode,
        autoscaling: args.autoscaling,
        cpuScaleIn: !monitoring.enabled,
        monitoring: monitoring.enabled ? monitoring : undefined,
        maxConnections: capacity.maxConnections,
        dependsOn: [
          lb.httpListener,
          ...(lb.httpsListener ? [lb.httpsListener] : []),
          redis.secretVersion,
        ],
        transform,
      },
      this,
    );

    // 6. Alarms, dashboard and connection scaling.
    const observed = monitoring.enabled
      ? createFleetMonitoring(
          name,
          {
            monitoring,
            connectionsPerNode: capacity.connectionsPerNode,
            region: aws.getRegionOutput({}, { parent: this }).region,
            clusterName: svc.clusterName,
            family: svc.family,
            serviceName: svc.service.name,
            loadBalancerArnSuffix: lb.loadBalancer.arnSuffix,
            targetGroupArnSuffix: lb.targetGroup.arnSuffix,
            redis:
              redis.replicationGroup === undefined || redisArgs.mode !== "managed"
                ? undefined
                : {
                    memberClusters: redis.replicationGroup.memberClusters,
                    memberCount: memberClusterCount(redisArgs),
                  },
            serverless:
              redis.serverlessCache === undefined || redisArgs.mode !== "serverless"
                ? undefined
                : { cacheName: redis.serverlessCache.name, ...serverlessLimits(redisArgs) },
            autoscaling:
              args.autoscaling === undefined || svc.autoscalingTarget === undefined
                ? undefined
                : { args: args.autoscaling, target: svc.autoscalingTarget },
            deregistrationDelaySeconds: a.deregistrationDelaySeconds,
          },
          this,
        )
      : undefined;

    // 7. Public outputs.
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
    this.serverlessCache = redis.serverlessCache;
    this.redisSecret = redis.secret;
    this.autoscalingTarget = svc.autoscalingTarget;
    this.metricsLogGroup = svc.collector?.logGroup;
    this.dashboard = observed?.dashboard;
    this.alarmTopic = observed?.alarmTopic;

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
      serverlessCache: this.serverlessCache,
      redisSecret: this.redisSecret,
      autoscalingTarget: this.autoscalingTarget,
      metricsLogGroup: this.metricsLogGroup,
      dashboard: this.dashboard,
      alarmTopic: this.alarmTopic,
    });
  }
}

/** `obj` without its `undefined` members, so spreading it over defaults keeps the defaults. */
function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
