/**
 * Cluster mode of the managed ElastiCache replication group (`redis.clusterMode: "enabled"`).
 *
 * What the provider replaces and what it updates (hashicorp/terraform-provider-aws
 * `internal/service/elasticache/replication_group.go`): `cluster_mode`, `num_node_groups`,
 * `replicas_per_node_group`, `engine_version` and `parameter_group_name` are updated in place
 * (online resharding, replica changes, upgrades); `engine` forces a new group except for
 * redis → valkey (`customizeDiffEngineForceNewOnDowngrade`), so the existing cluster-mode-disabled
 * group moves from Redis OSS 7.1 to Valkey 8.0 in place; `port`, `subnet_group_name`,
 * `at_rest_encryption_enabled` force a new group.
 *
 * Turning cluster mode on for an existing fleet does NOT modify its group: AWS changes a group's
 * cluster mode only through "compatible" with every client able to speak both modes, and
 * `num_cache_clusters` cannot become `num_node_groups` in one step. The cluster-mode group is a
 * child of its own (`${name}-valkey`): Pulumi creates it, points the URL secret and the tasks at it
 * (`REDIS_MODE=cluster`), then deletes the old `${name}-redis` group. While ECS replaces the tasks,
 * old and new tasks sit on different groups and do not see each other's broadcasts.
 */
import type * as aws from "@pulumi/aws";
import { type AwsRedisEngine, AWS_DEFAULTS, REDIS_ENGINES } from "./args";
import type { RedisMode } from "../shared/appEnvKeys";

/**
 * Default parameter groups with `cluster-enabled yes`, one per engine family. The typings say a
 * cluster-mode group needs one; AWS names them `default.<family>.cluster.on` (AWS "Engine
 * specific parameters" lists family `valkey8`; `default.valkey8.cluster.on` is the name public
 * Terraform/CDK code deploys with).
 */
export const CLUSTER_PARAMETER_GROUPS = {
  redis: "default.redis7.cluster.on",
  valkey: "default.valkey8.cluster.on",
} as const satisfies Record<AwsRedisEngine, string>;

/** The child name of the cluster-mode group: a new identity, so switching modes never modifies. */
export function clusterGroupName(name: string): string {
  return `${name}-valkey`;
}

export interface ClusterModeSettings {
  engine: AwsRedisEngine;
  replicas: number;
  shards?: number;
}

/**
 * The replication group args that differ in cluster mode: `numNodeGroups` shards of 1 +
 * `replicasPerNodeGroup` nodes (`numCacheClusters` conflicts with both), and automatic failover,
 * which cluster mode requires (the validator asks for at least one replica per shard).
 */
export function clusterModeArgs(
  s: ClusterModeSettings,
): Pick<
  aws.elasticache.ReplicationGroupArgs,
  | "engineVersion"
  | "parameterGroupName"
  | "clusterMode"
  | "numNodeGroups"
  | "replicasPerNodeGroup"
  | "automaticFailoverEnabled"
  | "multiAzEnabled"
> {
  return {
    engineVersion: REDIS_ENGINES[s.engine].engineVersion,
    parameterGroupName: CLUSTER_PARAMETER_GROUPS[s.engine],
    clusterMode: "enabled",
    numNodeGroups: s.shards ?? AWS_DEFAULTS.clusterRedis.shards,
    replicasPerNodeGroup: s.replicas,
    automaticFailoverEnabled: true,
    multiAzEnabled: s.replicas > 0,
  };
}

/** `REDIS_MODE` for a managed or serverless Redis: cluster unless a cluster-mode-disabled group. */
export function awsRedisMode(redis: { mode: string; clusterMode?: string }): RedisMode {
  if (redis.mode === "serverless") return "cluster";
  return redis.mode === "managed" && redis.clusterMode === "enabled" ? "cluster" : "standalone";
}
