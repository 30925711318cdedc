import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  APP_DRAIN_SECONDS,
  DEFAULT_METRICS_PORT,
  renderAppEnv,
  type ResolvedFleetSpec,
} from "../shared";
import {
  type AwsAutoscalingArgs,
  type AwsFleetTransforms,
  AWS_DEFAULTS,
  MAX_STOP_TIMEOUT_SECONDS,
} from "./args";
import { CONTAINER_NAME, containerDefinition, secretVersionRef } from "./container";
import { createTaskRoles, type FleetRoles } from "./iam";
import { albKeepAliveMs } from "./keepAlive";
import {
  collectorConfigYaml,
  collectorContainerDefinition,
  createMetricsCollector,
  type MetricsCollector,
} from "./metricsCollector";

export { CONTAINER_NAME } from "./container";
/** Grace before ALB health checks count: the app connects to Redis before it is healthy. */
export const HEALTH_CHECK_GRACE_SECONDS = 60;
/** SIGTERM → SIGKILL: the app's drain plus margin, within Fargate's 120 s ceiling. */
export const STOP_TIMEOUT_SECONDS = Math.min(APP_DRAIN_SECONDS + 5, MAX_STOP_TIMEOUT_SECONDS);

/** Fargate on Linux/x86_64 (AWS's own enum values). */
export const RUNTIME_PLATFORM = { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" };

export interface FleetService extends FleetRoles {
  logGroup: aws.cloudwatch.LogGroup;
  cluster?: aws.ecs.Cluster;
  taskDefinition: aws.ecs.TaskDefinition;
  service: aws.ecs.Service;
  autoscalingTarget?: aws.appautoscaling.Target;
  autoscalingPolicy?: aws.appautoscaling.Policy;
  /** The metrics sidecar's log group and grant (with `monitoring`). */
  collector?: MetricsCollector;
  /** The task definition family: plain, and the app metrics' `TaskFamily` dimension. */
  family: string;
  /** The cluster's name (the app metrics' `ClusterName` dimension). */
  clusterName: pulumi.Output<string>;
}

export interface ServiceOptions {
  spec: ResolvedFleetSpec;
  /** `cluster` when the Redis is a cluster (the app's `REDIS_MODE`). Default "standalone". */
  redisMode?: "standalone" | "cluster";
  cpu: number;
  memoryMiB: number;
  logRetentionDays: number;
  clusterArn?: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  targetGroupArn: pulumi.Input<string>;
  redisSecretArn: pulumi.Input<string>;
  /** The secret version holding the current URL; its id pins what the tasks read. */
  redisSecretVersionId: pulumi.Input<string>;
  /** PEM of an external Redis's private CA (`REDIS_TLS_CA`), when it has one. */
  redisTlsCa?: pulumi.Input<string>;
  autoscaling?: AwsAutoscalingArgs;
  /** Whether the CPU policy may scale in (false when connection scaling owns scale-in). */
  cpuScaleIn?: boolean;
  /** The metrics collector sidecar (`monitoring` on); absent: none. */
  monitoring?: { namespace: string; metricsLogRetentionDays: number };
  /** The node's hard ceiling of connections (`MAX_CONNECTIONS`). */
  maxConnections?: number;
  /** What must exist before tasks start: listeners, the secret's value. */
  dependsOn: pulumi.Resource[];
  transform: AwsFleetTransforms;
}

export function createService(
  name: string,
  o: ServiceOptions,
  parent: pulumi.Resource,
): FleetService {
  const invoke = { parent };
  const region = aws.getRegionOutput({}, invoke).region;
  const partition = aws.getPartitionOutput({}, invoke).partition;
  const account = aws.getCallerIdentityOutput({}, invoke).accountId;

  const logArgs: aws.cloudwatch.LogGroupArgs = { retentionInDays: o.logRetentionDays };
  o.transform.logGroup?.(logArgs);
  const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, logArgs, { parent });

  let cluster: aws.ecs.Cluster | undefined;
  if (o.clusterArn === undefined) {
    const clusterArgs: aws.ecs.ClusterArgs = {};
    o.transform.cluster?.(clusterArgs);
    cluster = new aws.ecs.Cluster(`${name}-cluster`, clusterArgs, { parent });
  }
  const clusterArn = cluster?.arn ?? pulumi.output(o.clusterArn as pulumi.Input<string>);
  const clusterName = cluster?.name ?? clusterArn.apply(clusterNameOf);

  const roles = createTaskRoles(
    name,
    {
      redisSecretArn: o.redisSecretArn,
      image: o.spec.image,
      logGroupArn: logGroup.arn,
      clusterName,
      region,
      partition,
      account,
    },
    parent,
  );
  const collector =
    o.monitoring === undefined
      ? undefined
      : createMetricsCollector(
          name,
          {
            retentionDays: o.monitoring.metricsLogRetentionDays,
            taskRoleName: roles.taskRole.name,
          },
          parent,
        );
  const family = taskFamily(name);

  // STICKY_COOKIE_NAME only for `app_cookie` stickiness (cookie mode with a name).
  const env = (redisTlsCa: string | undefined) =>
    renderAppEnv(o.spec, {
      stickyCookieName:
        o.spec.stickiness.mode === "cookie" ? o.spec.stickiness.cookieName : undefined,
      httpKeepAliveTimeoutMs: albKeepAliveMs(o.spec),
      redisTlsCa,
      redisMode: o.redisMode,
      maxConnections: o.maxConnections,
    });
  const containerDefinitions = pulumi
    .all([
      o.spec.image,
      pulumi.output(o.spec.env),
      o.redisSecretArn,
      o.redisSecretVersionId,
      logGroup.name,
      region,
      o.redisTlsCa,
      pulumi.all([clusterName, collector?.logGroup.name ?? ""]),
    ])
    .apply(
      ([
        image,
        userEnv,
        secretArn,
        versionId,
        logGroupName,
        r,
        redisTlsCa,
        [cluster, metricsLogGroup],
      ]) =>
        JSON.stringify([
          containerDefinition({
            spec: o.spec,
            image,
            environment: { ...userEnv, ...env(redisTlsCa) },
            redisUrlFrom: secretVersionRef(secretArn, versionId),
            logGroupName,
            region: r,
            stopTimeoutSeconds: STOP_TIMEOUT_SECONDS,
          }),
          ...(o.monitoring === undefined
            ? []
            : [
                collectorContainerDefinition({
                  configYaml: collectorConfigYaml({
                    metricsPort: DEFAULT_METRICS_PORT,
                    namespace: o.monitoring.namespace,
                    clusterName: cluster,
                    taskFamily: family,
                    logGroupName: metricsLogGroup,
                    region: r,
                  }),
                  logGroupName,
                  region: r,
                }),
              ]),
        ]),
    );
  const taskArgs: aws.ecs.TaskDefinitionArgs = {
    family,
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: String(o.cpu),
    memory: String(o.memoryMiB),
    // Explicit: `FARGATE_SIZES` are the Linux sizes, and the aws stack builds linux/amd64 images.
    runtimePlatform: RUNTIME_PLATFORM,
    executionRoleArn: roles.executionRole.arn,
    taskRoleArn: roles.taskRole.arn,
    containerDefinitions,
    // Every change registers a new revision (the provider replaces the resource), and deleting
    // the old one deregisters it: INACTIVE, and "you can't update an existing service to
    // reference an INACTIVE task definition" (ECS DeregisterTaskDefinition API reference), so a
    // rollback to the previous revision (update-service, a later circuit-breaker rollback) would
    // be refused. Kept ACTIVE, it stays a rollback target; its image (the repository keeps 20)
    // and its Redis URL version (retained, see `SECRET_VERSION_RETAINED`) stay readable too.
    skipDestroy: true,
  };
  o.transform.taskDefinition?.(taskArgs);
  const taskDefinition = new aws.ecs.TaskDefinition(`${name}-task`, taskArgs, { parent });

  const serviceArgs: aws.ecs.ServiceArgs = {
    cluster: clusterArn,
    taskDefinition: taskDefinition.arn,
    desiredCount: o.spec.replicas,
    launchType: "FARGATE",
    networkConfiguration: {
      subnets: o.privateSubnetIds,
      securityGroups: [o.securityGroupId],
      assignPublicIp: false,
    },
    loadBalancers: [
      {
        targetGroupArn: o.targetGroupArn,
        containerName: CONTAINER_NAME,
        containerPort: o.spec.containerPort,
      },
    ],
    deploymentCircuitBreaker: { enable: true, rollback: true },
    deploymentMinimumHealthyPercent: 100,
    deploymentMaximumPercent: 200,
    healthCheckGracePeriodSeconds: HEALTH_CHECK_GRACE_SECONDS,
    propagateTags: "SERVICE",
    enableEcsManagedTags: true,
    // `pulumi up` waits until the new tasks are steady: a rollout the circuit breaker rolls back
    // fails the update instead of reporting success and rolling back afterwards.
    waitForSteadyState: true,
  };
  o.transform.service?.(serviceArgs);
  const service = new aws.ecs.Service(`${name}-service`, serviceArgs, {
    parent,
    dependsOn: [
      ...o.dependsOn,
      ...roles.executionPolicies,
      ...(collector === undefined ? [] : [collector.policy]),
    ],
    // Autoscaling owns the task count after creation.
    ignoreChanges: o.autoscaling === undefined ? [] : ["desiredCount"],
  });

  if (o.autoscaling === undefined) {
    return { logGroup, ...roles, cluster, taskDefinition, service, collector, family, clusterName };
  }
  const autoscalingTarget = new aws.appautoscaling.Target(
    `${name}-scaling`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.all([clusterName, service.name]).apply(([c, s]) => `service/${c}/${s}`),
      minCapacity: o.autoscaling.minReplicas,
      maxCapacity: o.autoscaling.maxReplicas,
    },
    { parent },
  );
  const autoscalingPolicy = new aws.appautoscaling.Policy(
    `${name}-cpu`,
    {
      policyType: "TargetTrackingScaling",
      serviceNamespace: autoscalingTarget.serviceNamespace,
      scalableDimension: autoscalingTarget.scalableDimension,
      resourceId: autoscalingTarget.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: o.autoscaling.targetCpuPercent ?? AWS_DEFAULTS.targetCpuPercent,
        // With connection scaling, scale-in is one task at a time (`connectionScaling.ts`).
        ...(o.cpuScaleIn === false ? { disableScaleIn: true } : {}),
        // Scale in slowly: every removed task drops its sockets, which reconnect elsewhere.
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    },
    { parent },
  );
  return {
    logGroup,
    ...roles,
    cluster,
    taskDefinition,
    service,
    autoscalingTarget,
    autoscalingPolicy,
    collector,
    family,
    clusterName,
  };
}

/** The task definition family (also the app metrics' `TaskFamily`): plain, unique per stack. */
export function taskFamily(name: string): string {
  return `${name}-${pulumi.getStack()}`.replace(/[^A-Za-z0-9_-]/g, "-");
}

/** `NAME` of `arn:…:cluster/NAME` (a plain name is returned as is). */
export function clusterNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}
