/**
 * The GCP target: `GcpSocketIoFleet` and what its users may need beside it. Names carry a `Gcp`
 * (or GCP-only) prefix so `export *` beside the other targets cannot clash.
 */
export { GcpSocketIoFleet, GCP_FLEET_TYPE } from "./fleet";
export {
  GCP_DEFAULTS,
  GcpComputeMode,
  GcpRedisConnectMode,
  GcpRedisMode,
  GcpSecurityPolicyMode,
  GcpValkeyClusterMode,
  type GcpAutoscaling,
  type GcpCompute,
  type GcpFleetTransforms,
  type GcpNetwork,
  type GcpRedis,
  type GcpSecurityPolicy,
  type GcpSocketIoFleetArgs,
  type GcpSocketIoFleetOptions,
} from "./args";
export { GCP_TARGET_ARGS, GOOGLE_FRONT_END_RANGES, gcpPlatform } from "./platform";
export {
  GCP_COLLECTOR_IMAGES,
  GCP_MONITORING_DEFAULTS,
  type GcpMonitoring,
} from "./monitoringArgs";
export {
  MAX_FLEET_NAME_LENGTH as MAX_GCP_FLEET_NAME_LENGTH,
  validateGcpFleet,
  validateGcpFleetName,
} from "./validate";
export { renderCloudConfig as renderGcpCloudConfig } from "./cloudInit";
