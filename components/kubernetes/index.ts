/**
 * The Kubernetes target: `KubernetesSocketIoFleet` and what its users may need beside it. Names
 * carry a `Kubernetes` prefix so `export *` beside the other targets cannot clash.
 */
export {
  KubernetesSocketIoFleet,
  KUBERNETES_FLEET_LEGACY_TYPE,
  KUBERNETES_FLEET_TYPE,
} from "./fleet";
export type {
  AutoscalingArgs as KubernetesAutoscalingArgs,
  GatewayRefArgs as KubernetesGatewayRefArgs,
  IngressArgs as KubernetesIngressArgs,
  KubernetesAutoscaling,
  KubernetesExternalRedisArgs,
  KubernetesFleetTransforms,
  KubernetesGateway,
  KubernetesConnectionScaling,
  KubernetesGrafanaDashboard,
  KubernetesInClusterRedisArgs,
  KubernetesIngress,
  KubernetesMonitoring,
  KubernetesNamespace,
  KubernetesRedis,
  KubernetesResourceQuantities,
  KubernetesResources,
  KubernetesSocketIoFleetArgs,
  KubernetesSocketIoFleetOptions,
  NamespaceArgs as KubernetesNamespaceArgs,
  RedisArgs as KubernetesRedisArgs,
  ResourcesArgs as KubernetesResourcesArgs,
} from "./args";
export {
  KubernetesAutoscalingMetric,
  KubernetesClientAddress,
  KubernetesConnectionScaler,
  KubernetesGatewayChannel,
  KubernetesGatewayImplementation,
  KubernetesGatewayRelease,
  KubernetesIngressController,
  KubernetesMonitoringCollector,
  KubernetesRedisMode,
  INGRESS_CONTROLLERS as KUBERNETES_INGRESS_CONTROLLERS,
  K8S_DEFAULTS as KUBERNETES_DEFAULTS,
  K8S_TARGET_ARGS as KUBERNETES_TARGET_ARGS,
} from "./args";
export { kubernetesPlatform } from "./platform";
export { kubernetesFleetWarnings } from "./warnings";
export {
  MAX_NAME_LENGTH as MAX_KUBERNETES_FLEET_NAME_LENGTH,
  validateKubernetesFleet,
  validateKubernetesFleetTransform,
} from "./validate";
