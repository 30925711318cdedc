/**
 * What `monitoring` adds once the service exists: the SNS topic (optional), the alarms, the
 * dashboard and, with `autoscaling`, connection-based scaling. The collector sidecar itself is part
 * of the task definition (`service.ts`, `metricsCollector.ts`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fleetAlerts } from "../shared";
import { AWS_DEFAULTS, type AwsAutoscalingArgs, type AwsManagedRedisArgs } from "./args";
import { type AlarmTargets, fleetAlarmDefinitions } from "./alarms";
import { type ConnectionScaling, createConnectionScaling } from "./connectionScaling";
import { createDashboard, dashboardNameOf } from "./dashboard";
import { appMetricDimensions } from "./metricsCollector";
import type { ServerlessCacheTarget } from "./serverlessAlarms";
import { AWS_MONITORING_DEFAULTS, type AwsMonitoring } from "./monitoringArgs";

export interface FleetMonitoringResources {
  alarmTopic?: aws.sns.Topic;
  alarms: aws.cloudwatch.MetricAlarm[];
  dashboard: aws.cloudwatch.Dashboard;
  connectionScaling?: ConnectionScaling;
}

export interface MonitoringOptions {
  monitoring: AwsMonitoring;
  connectionsPerNode: number;
  region: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  /** The task family (plain): the app metrics' `TaskFamily`, the start of the dashboard's name. */
  family: string;
  serviceName: pulumi.Input<string>;
  loadBalancerArnSuffix: pulumi.Input<string>;
  targetGroupArnSuffix: pulumi.Input<string>;
  redis?: { memberClusters: pulumi.Input<string[]>; memberCount: number };
  /** The ElastiCache Serverless cache and its limits (`redis.mode: "serverless"`). */
  serverless?: ServerlessCacheTarget;
  autoscaling?: { args: AwsAutoscalingArgs; target: aws.appautoscaling.Target };
  deregistrationDelaySeconds: number;
}

export function createFleetMonitoring(
  name: string,
  o: MonitoringOptions,
  parent: pulumi.Resource,
): FleetMonitoringResources {
  const namespace = o.monitoring.namespace ?? AWS_MONITORING_DEFAULTS.namespace;
  // An unencrypted topic on purpose: with the AWS-managed SNS key, CloudWatch cannot publish
  // (its key policy does not admit cloudwatch.amazonaws.com; AWS "Amazon SNS security").
  const alarmTopic =
    o.monitoring.createAlarmTopic === true
      ? new aws.sns.Topic(`${name}-alarms`, {}, { parent })
      : undefined;
  const topicArn = alarmTopic?.arn ?? o.monitoring.alarmTopicArn;
  const appDimensions = {
    ClusterName: o.clusterName,
    TaskFamily: o.family,
  } satisfies Record<keyof ReturnType<typeof appMetricDimensions>, pulumi.Input<string>>;
  const ecs = { ClusterName: o.clusterName, ServiceName: o.serviceName };
  const targets: AlarmTargets = {
    namespace,
    appDimensions,
    ecs,
    loadBalancer: o.loadBalancerArnSuffix,
    targetGroup: o.targetGroupArnSuffix,
    redis: o.redis,
    serverless: o.serverless,
    actions: topicArn === undefined ? [] : [topicArn],
  };
  const alarms = fleetAlarmDefinitions(
    fleetAlerts({ connectionsPerNode: o.connectionsPerNode }),
    targets,
  ).map((d) => new aws.cloudwatch.MetricAlarm(`${name}-${d.suffix}`, d.args, { parent }));

  const dashboard = createDashboard(
    name,
    dashboardNameOf(o.family, pulumi.getProject(), pulumi.getStack(), name),
    pulumi
      .all([
        o.region,
        o.clusterName,
        o.serviceName,
        o.loadBalancerArnSuffix,
        o.targetGroupArnSuffix,
        o.redis?.memberClusters ?? [],
        o.serverless?.cacheName ?? "",
      ])
      .apply(
        ([region, clusterName, serviceName, loadBalancer, targetGroup, members, cacheName]) => ({
          region,
          namespace,
          appDimensions: appMetricDimensions({ clusterName, taskFamily: o.family }),
          ecs: { ClusterName: clusterName, ServiceName: serviceName },
          loadBalancer,
          targetGroup,
          redisMembers: [...(members ?? [])].sort(),
          serverlessCache:
            o.serverless === undefined
              ? undefined
              : {
                  name: cacheName,
                  maxDataStorageGb: o.serverless.maxDataStorageGb,
                  maxEcpuPerSecond: o.serverless.maxEcpuPerSecond,
                },
          connectionsPerNode: o.connectionsPerNode,
        }),
      ),
    parent,
  );

  const connectionScaling =
    o.autoscaling === undefined
      ? undefined
      : createConnectionScaling(
          name,
          {
            target: o.autoscaling.target,
            connectionsPerNode: o.connectionsPerNode,
            targetCpuPercent: o.autoscaling.args.targetCpuPercent ?? AWS_DEFAULTS.targetCpuPercent,
            deregistrationDelaySeconds: o.deregistrationDelaySeconds,
            minReplicas: o.autoscaling.args.minReplicas,
            namespace,
            appDimensions,
            ecs,
          },
          parent,
        );
  return { alarmTopic, alarms, dashboard, connectionScaling };
}

/** Member clusters of a managed replication group: a plain count from the args. */
export function memberClusterCount(redis: AwsManagedRedisArgs): number {
  const nodes = 1 + (redis.replicas ?? AWS_DEFAULTS.redis.replicas);
  return redis.clusterMode === "enabled"
    ? (redis.shards ?? AWS_DEFAULTS.clusterRedis.shards) * nodes
    : nodes;
}
