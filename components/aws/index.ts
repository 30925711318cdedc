/**
 * The AWS target: `AwsSocketIoFleet` and what its users may need beside it. Names carry an `Aws`
 * (or AWS-only) prefix so `export *` beside the other targets cannot clash.
 */
export { AwsSocketIoFleet, AWS_FLEET_LEGACY_TYPE, AWS_FLEET_TYPE } from "./fleet";
export type {
  AwsAutoscaling,
  AwsAutoscalingArgs,
  AwsExternalRedisArgs,
  AwsFleetTransforms,
  AwsManagedRedisArgs,
  AwsMonitoring,
  AwsMonitoringArgs,
  AwsServerlessRedisArgs,
  AwsNetwork,
  AwsNetworkArgs,
  AwsRedis,
  AwsRedisArgs,
  AwsSocketIoFleetArgs,
  AwsSocketIoFleetOptions,
} from "./args";
export { AWS_DEFAULTS, AwsRedisClusterMode, AwsRedisEngine, AwsRedisMode } from "./args";
export { albBackendReuseSeconds, albKeepAliveMs } from "./keepAlive";
export { AWS_MONITORING_DEFAULTS } from "./monitoringArgs";
export { AWS_TARGET_ARGS, awsPlatform } from "./platform";
export {
  FARGATE_SIZES,
  LOG_RETENTION_DAYS as AWS_LOG_RETENTION_DAYS,
  MAX_FLEET_NAME_LENGTH as MAX_AWS_FLEET_NAME_LENGTH,
  validateAwsFleet,
  validateAwsFleetName,
  validateAwsFleetTransform,
} from "./validate";
