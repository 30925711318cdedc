import type * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import type * as pulumi from "@pulumi/pulumi";
import { APP_DRAIN_SECONDS, ECS_STATUS_POLL_SECONDS, type SocketIoFleetArgs } from "../shared";
import type { AwsMonitoring } from "./monitoringArgs";
import type { AwsRedis } from "./redisArgs";

export type { AwsMonitoring, AwsMonitoringArgs } from "./monitoringArgs";
export * from "./redisArgs";

/** An existing network to run in. */
export interface AwsNetwork {
  /** The VPC every resource of the fleet lives in. */
  vpcId: pulumi.Input<string>;
  /** Where the load balancer lives: at least two subnets in different availability zones. */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Where the tasks and Redis live; they reach the internet through NAT. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** Target-tracking autoscaling on CPU. */
export interface AwsAutoscaling {
  /** Lowest task count; at most `replicas`. */
  minReplicas: number;
  /** Highest task count; at least `replicas`. */
  maxReplicas: number;
  /**
   * Average CPU the target-tracking policy keeps. Default 60: headroom for reconnect storms.
   */
  targetCpuPercent?: number;
}

/** The TypeScript names before the package schema (same types). */
export type AwsNetworkArgs = AwsNetwork;
export type AwsRedisArgs = AwsRedis;
export type AwsAutoscalingArgs = AwsAutoscaling;

/**
 * SST-style escape hatches: each gets the child's args before it is created and may change them.
 */
export interface AwsFleetTransforms {
  vpc?: (args: awsx.ec2.VpcArgs) => void;
  loadBalancer?: (args: aws.lb.LoadBalancerArgs) => void;
  targetGroup?: (args: aws.lb.TargetGroupArgs) => void;
  listener?: (args: aws.lb.ListenerArgs) => void;
  cluster?: (args: aws.ecs.ClusterArgs) => void;
  taskDefinition?: (args: aws.ecs.TaskDefinitionArgs) => void;
  service?: (args: aws.ecs.ServiceArgs) => void;
  replicationGroup?: (args: aws.elasticache.ReplicationGroupArgs) => void;
  serverlessCache?: (args: aws.elasticache.ServerlessCacheArgs) => void;
  logGroup?: (args: aws.cloudwatch.LogGroupArgs) => void;
}

export interface AwsSocketIoFleetArgs extends SocketIoFleetArgs {
  /**
   * An existing network to run in. Default: a new VPC over 2 availability zones with public and
   * private subnets and NAT.
   */
  network?: AwsNetwork;
  /**
   * The availability zones of the VPC the fleet creates (not with `network`): two or more zone
   * names of the stack's region, e.g. `["us-east-1a", "us-east-1b"]`. A subnet's zone cannot
   * change in place, so these pin the subnets, their NAT gateways and everything in them. Default:
   * the first two zones `DescribeAvailabilityZones` lists at every run (awsx's lookup), with a
   * preview warning: a Local Zone the account opts into sorts before them and the next `up` would
   * replace the whole network, Redis and tasks included.
   */
  availabilityZones?: string[];
  /**
   * ACM certificate for the HTTPS listener. Present: HTTPS on 443 (TLS 1.3 policy) and port 80
   * only redirects; absent: plain HTTP on 80. Its presence (not its value) decides the listeners.
   */
  certificateArn?: pulumi.Input<string>;
  /**
   * Host name in `url` (a DNS record you point at the ALB). Set it with `certificateArn`: no ACM
   * certificate covers the ALB's own `*.elb.amazonaws.com` name, so `https://` + that name fails
   * TLS verification in browsers. Default: the ALB's DNS name.
   */
  domainName?: pulumi.Input<string>;
  /**
   * Fargate CPU units (Linux/x86_64 sizes: 256, 512, 1024, 2048, 4096, 8192, 16384). Default 512,
   * half a vCPU: Node runs one event loop, so more CPU per task buys little; scale out.
   */
  cpu?: number;
  /**
   * Fargate memory in MiB; must pair with `cpu` (e.g. 512 → 1024–4096). Default 1024: the
   * smallest size Fargate pairs with 512 CPU; raise it for many sockets per task.
   */
  memoryMiB?: number;
  /**
   * Target-tracking on CPU, and with `monitoring` (the default) on connections per task with
   * scale-in one task at a time; `replicas` becomes the initial count. Default none (a fixed
   * count).
   */
  autoscaling?: AwsAutoscaling;
  /**
   * Target group deregistration delay (0–3600): how long ECS waits, after it starts stopping a
   * task, before it sends SIGTERM. The app notices the deregistration within 3 s and moves its
   * clients off in batches meanwhile; once the last connection closes the ALB ends the delay
   * early. Shorter than the drain, the ALB cuts the remaining websockets all at once. Default 33:
   * the 3 s status poll + the app's 25 s drain + 5 s margin (`DEREGISTRATION_DELAY_SECONDS`).
   */
  deregistrationDelaySeconds?: number;
  /**
   * CloudWatch Logs retention in days; only the values CloudWatch accepts (1, 3, 5, 7, 14, 30, 60,
   * 90, …, 3653; 0 = never expire). Default 30: a month to debug an incident, then the cost
   * stops.
   */
  logRetentionDays?: number;
  /**
   * S3 bucket for ALB access logs, written under the prefix `name`. The bucket's policy must allow
   * the region's ELB log delivery, or AWS rejects the load balancer at creation. Default none:
   * access logs cost storage; opt in.
   */
  accessLogsBucket?: pulumi.Input<string>;
  /** ALB deletion protection. Default false: dev stacks must be destroyable. */
  deletionProtection?: boolean;
  /**
   * Reuse this ECS cluster (`arn:…:cluster/NAME`). Default: a new cluster (the fleet owns nothing
   * it did not create).
   */
  clusterArn?: pulumi.Input<string>;
  /**
   * Where the adapter's Redis comes from. Default { mode: "managed" }: ElastiCache with TLS, AUTH
   * and failover, reachable only by the tasks.
   */
  redis?: AwsRedis;
  /**
   * The app's metrics in CloudWatch (an ADOT collector sidecar), the fleet's alarms, a dashboard,
   * and with `autoscaling` scaling on connections per task. Default { enabled: true }.
   */
  monitoring?: AwsMonitoring;
}

/**
 * The constructor's options: Pulumi's resource options plus `transform`, the TypeScript-only
 * escape hatch (callbacks cannot cross a language boundary, so they are not args). Other
 * languages reach a child through the engine's `transforms` resource option, matching its type
 * token (e.g. "aws:lb/targetGroup:TargetGroup"); see the README.
 */
export interface AwsSocketIoFleetOptions extends pulumi.ComponentResourceOptions {
  /** Per-child callbacks, each given the child's args just before it is created. */
  transform?: AwsFleetTransforms;
}

/** Status poll + drain + margin: the sequence is in README "Deploying to AWS". */
export const DEREGISTRATION_DELAY_SECONDS = ECS_STATUS_POLL_SECONDS + APP_DRAIN_SECONDS + 5;

/** AWS defaults, each with its reason on the arg's doc comment above. */
export const AWS_DEFAULTS = {
  cpu: 512,
  memoryMiB: 1024,
  deregistrationDelaySeconds: DEREGISTRATION_DELAY_SECONDS,
  logRetentionDays: 30,
  deletionProtection: false,
  targetCpuPercent: 60,
  redis: { nodeType: "cache.t4g.small", replicas: 1, engine: "valkey" },
  externalRedis: { port: 6379 },
  clusterRedis: { shards: 2 },
  serverlessRedis: { maxDataStorageGb: 10, maxEcpuPerSecond: 100_000 },
} as const;

/** Engine versions (7+) and their cluster-mode-disabled default parameter groups. */
export const REDIS_ENGINES = {
  redis: { engineVersion: "7.1", parameterGroupName: "default.redis7" },
  valkey: { engineVersion: "8.0", parameterGroupName: "default.valkey8" },
} as const;

export const REDIS_PORT = 6379;

/** Fargate's stop timeout ceiling; the app drains in `APP_DRAIN_SECONDS`. */
export const MAX_STOP_TIMEOUT_SECONDS = 120;

/** TLS 1.3 (with 1.2 fallback) listener policy. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
