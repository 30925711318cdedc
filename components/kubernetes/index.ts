/** The Kubernetes target: `KubernetesSocketIoFleet` and what its callers need beside it. */
export { KubernetesSocketIoFleet, KUBERNETES_FLEET_TYPE } from "./fleet";
export {
  INGRESS_CONTROLLERS,
  K8S_DEFAULTS,
  type AutoscalingArgs,
  type GatewayRefArgs,
  type IngressArgs,
  type IngressController,
  type KubernetesFleetTransforms,
  type KubernetesSocketIoFleetArgs,
  type NamespaceArgs,
  type RedisArgs,
  type ResourceQuantities,
  type ResourcesArgs,
} from "./args";
export { kubernetesPlatform } from "./platform";
export { validateKubernetesFleet } from "./validate";
