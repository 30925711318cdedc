import type * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import type * as pulumi from "@pulumi/pulumi";
import type { SocketIoFleetArgs } from "../spec";

/** An existing network to run in. Omitted: the fleet creates its own VPC. */
export interface AwsNetworkArgs {
  vpcId: pulumi.Input<string>;
  /** Where the load balancer lives: at least two subnets in different availability zones. */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Where the tasks and Redis live; they reach the internet through NAT. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * An ElastiCache replication group the fleet creates (cluster mode disabled: the pub/sub adapter
 * needs one keyspace, and ElastiCache Serverless is not offered because it rejects PSUBSCRIBE).
 */
export interface AwsManagedRedisArgs {
  mode: "managed";
  /** @default "cache.t4g.small" — the smallest burstable node with enough memory for pub/sub buffers. */
  nodeType?: string;
  /**
   * Read replicas beside the primary (0–5). With at least one, the group gets automatic
   * failover and multi-AZ.
   * @default 1 — survives the loss of the primary's availability zone.
   */
  replicas?: number;
  /** @default "valkey" — Redis-compatible, cheaper on ElastiCache, encrypted at rest by default. */
  engine?: "redis" | "valkey";
}

/** A Redis the fleet does not manage. Its URL still reaches the tasks only through Secrets Manager. */
export interface AwsExternalRedisArgs {
  mode: "external";
  /** `redis://` or `rediss://` URL with credentials. Treated as a secret. */
  url: pulumi.Input<string>;
  /** @default 6379 — the port the tasks may reach (the URL is a secret, so it is not parsed). */
  port?: number;
  /** @default "0.0.0.0/0" — IPv4 range the tasks may reach on `port`; narrow it to the Redis network. */
  cidrIpv4?: string;
}

export type AwsRedisArgs = AwsManagedRedisArgs | AwsExternalRedisArgs;

export interface AwsAutoscalingArgs {
  /** Lowest task count; at most `replicas`. */
  minReplicas: number;
  /** Highest task count; at least `replicas`. */
  maxReplicas: number;
  /** @default 60 — average CPU the target-tracking policy keeps, with headroom for reconnect storms. */
  targetCpuPercent?: number;
}

/** SST-style escape hatches: each gets the child's args before it is created and may change them. */
export interface AwsFleetTransforms {
  vpc?: (args: awsx.ec2.VpcArgs) => void;
  loadBalancer?: (args: aws.lb.LoadBalancerArgs) => void;
  targetGroup?: (args: aws.lb.TargetGroupArgs) => void;
  listener?: (args: aws.lb.ListenerArgs) => void;
  cluster?: (args: aws.ecs.ClusterArgs) => void;
  taskDefinition?: (args: aws.ecs.TaskDefinitionArgs) => void;
  service?: (args: aws.ecs.ServiceArgs) => void;
  replicationGroup?: (args: aws.elasticache.ReplicationGroupArgs) => void;
  logGroup?: (args: aws.cloudwatch.LogGroupArgs) => void;
}

export interface AwsSocketIoFleetArgs extends SocketIoFleetArgs {
  /** @default a new VPC over 2 availability zones with public and private subnets and NAT. */
  network?: AwsNetworkArgs;
  /**
   * ACM certificate for the HTTPS listener. Present: HTTPS on 443 (TLS 1.3 policy) and port 80
   * only redirects; absent: plain HTTP on 80. Its presence (not its value) decides the listeners.
   */
  certificateArn?: pulumi.Input<string>;
  /** Host name in `url` (a DNS record you point at the ALB). @default the ALB's DNS name. */
  domainName?: pulumi.Input<string>;
  /** Fargate CPU units. @default 512 */
  cpu?: number;
  /** Fargate memory in MiB; must pair with `cpu`. @default 1024 */
  memoryMiB?: number;
  /** Target-tracking on CPU; `replicas` becomes the initial count. @default none (fixed count) */
  autoscaling?: AwsAutoscalingArgs;
  /** Target group deregistration delay (0–3600). @default 30 — above the app's 25 s drain. */
  deregistrationDelaySeconds?: number;
  /** CloudWatch Logs retention (a value CloudWatch accepts). @default 30 */
  logRetentionDays?: number;
  /** S3 bucket for ALB access logs (its policy must allow the ELB service). @default none */
  accessLogsBucket?: pulumi.Input<string>;
  /** ALB deletion protection. @default false — dev stacks must be destroyable. */
  deletionProtection?: boolean;
  /** Reuse this ECS cluster (`arn:…:cluster/NAME`). @default a new cluster */
  clusterArn?: pulumi.Input<string>;
  /** @default { mode: "managed" } */
  redis?: AwsRedisArgs;
  transform?: AwsFleetTransforms;
}

/** AWS defaults, each with its reason on the arg's doc comment above. */
export const AWS_DEFAULTS = {
  cpu: 512,
  memoryMiB: 1024,
  deregistrationDelaySeconds: 30,
  logRetentionDays: 30,
  deletionProtection: false,
  targetCpuPercent: 60,
  redis: { nodeType: "cache.t4g.small", replicas: 1, engine: "valkey" },
  externalRedis: { port: 6379, cidrIpv4: "0.0.0.0/0" },
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
