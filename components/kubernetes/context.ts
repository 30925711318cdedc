/** The plain, fully defaulted plan every builder reads (built after validation passed). */
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedFleetSpec } from "../shared";
import {
  type GatewayRefArgs,
  type IngressArgs,
  type KubernetesExternalRedisArgs,
  type KubernetesInClusterRedisArgs,
  type KubernetesSocketIoFleetArgs,
  K8S_DEFAULTS,
  type ResourceQuantities,
} from "./args";
import { type ObjectNames, objectNames } from "./common";
import {
  type ResolvedCapacity,
  type ResolvedConnectionScaling,
  type ResolvedMonitoring,
  resolveCapacity,
  resolveConnectionScaling,
  resolveMonitoring,
  resolveMonitoringNamespaces,
  monitoringWithoutCollector,
} from "./resolveMonitoring";

export type ResolvedRedis =
  | { mode: "in-cluster"; storageGi?: number; image: string; port: number }
  | { mode: "external"; url: pulumi.Input<string>; port: number; cluster: boolean };

/** The Gateway a `gateway-api` route attaches to, with its defaults applied. */
export interface ResolvedGateway {
  name: string;
  namespace: string;
  implementation: GatewayRefArgs["implementation"];
  listener?: string;
  channel: NonNullable<GatewayRefArgs["channel"]>;
  release: NonNullable<GatewayRefArgs["release"]>;
}

export interface FleetContext {
  name: string;
  /** The namespace name (an Output of the Namespace when the component creates it). */
  namespace: pulumi.Input<string>;
  spec: ResolvedFleetSpec;
  ingress: IngressArgs;
  /** With `gateway-api`: the Gateway, defaults applied. */
  gateway?: ResolvedGateway;
  /** Whether clients reach the fleet over HTTPS. */
  tls: boolean;
  names: ObjectNames;
  redis: ResolvedRedis;
  resources: { requests: ResourceQuantities; limits: ResourceQuantities };
  autoscaling?: {
    minReplicas: number;
    maxReplicas: number;
    targetCpuPercent: number;
    /** Set with `metric: "connections"`: the scaler that follows connections per pod. */
    connections?: ResolvedConnectionScaling;
  };
  /** Initial replica count (clamped into the autoscaling range when `replicas` was left out). */
  replicas: number;
  /** Whether the Deployment keeps at least one pod through a voluntary disruption. */
  pdb: boolean;
  /** Namespaces admitted to the metrics ports (none by default; `gmp-system` with GKE's collector). */
  monitoringNamespaces: string[];
  /** The collector, rules and dashboard; unset when monitoring is off or has no collector. */
  monitoring?: ResolvedMonitoring;
  /** Monitoring is on (the default) but no collector was named or implied: warned at preview. */
  monitoringWithoutCollector: boolean;
  /** Connections per node and the hard ceiling, from the memory limit unless given. */
  capacity: ResolvedCapacity;
}

export function resolveContext(
  name: string,
  args: KubernetesSocketIoFleetArgs,
  spec: ResolvedFleetSpec,
  namespace: pulumi.Input<string>,
): FleetContext {
  const d = K8S_DEFAULTS;
  const ingress = args.ingress;
  const autoscaling = args.autoscaling && {
    minReplicas: args.autoscaling.minReplicas,
    maxReplicas: args.autoscaling.maxReplicas,
    targetCpuPercent: args.autoscaling.targetCpuPercent ?? d.targetCpuPercent,
    connections: resolveConnectionScaling(args),
  };
  const replicas =
    autoscaling && args.replicas === undefined
      ? Math.min(Math.max(spec.replicas, autoscaling.minReplicas), autoscaling.maxReplicas)
      : spec.replicas;
  const limits = { ...d.resources.limits, ...args.resources?.limits };
  return {
    name,
    namespace,
    spec,
    ingress,
    gateway: ingress.gateway && resolveGateway(ingress.gateway),
    tls: frontTls(ingress),
    names: objectNames(name),
    redis: resolveRedis(args.redis),
    resources: {
      requests: { ...d.resources.requests, ...args.resources?.requests },
      limits,
    },
    autoscaling,
    replicas,
    pdb: (autoscaling?.minReplicas ?? replicas) >= 2,
    monitoringNamespaces: resolveMonitoringNamespaces(args),
    monitoring: resolveMonitoring(name, args, args.namespace?.name ?? name, namespace),
    monitoringWithoutCollector: monitoringWithoutCollector(args),
    capacity: resolveCapacity(spec, limits.memory),
  };
}

function frontTls(ingress: IngressArgs): boolean {
  switch (ingress.controller) {
    case "aws-alb":
      return ingress.certificateArn !== undefined;
    case "gateway-api":
      return ingress.gateway?.tls === true;
    default:
      return ingress.tlsSecretName !== undefined;
  }
}

export function resolveGateway(gateway: GatewayRefArgs): ResolvedGateway {
  return {
    name: gateway.name,
    namespace: gateway.namespace,
    implementation: gateway.implementation,
    listener: gateway.listener,
    channel: gateway.channel ?? K8S_DEFAULTS.gatewayChannel[gateway.implementation],
    release: gateway.release ?? K8S_DEFAULTS.gatewayRelease,
  };
}

function resolveRedis(args: KubernetesSocketIoFleetArgs["redis"]): ResolvedRedis {
  // Validated: the fields of the other mode are absent, the required ones present.
  const redis = args as KubernetesInClusterRedisArgs | KubernetesExternalRedisArgs | undefined;
  if (redis?.mode === "external") {
    return {
      mode: "external",
      url: redis.url,
      port: redis.port ?? portOf(redis.url),
      cluster: redis.cluster ?? false,
    };
  }
  return {
    mode: "in-cluster",
    storageGi: redis?.storageGi,
    image: redis?.image ?? K8S_DEFAULTS.redisImage,
    port: K8S_DEFAULTS.redisPort,
  };
}

/** The port of a plain `redis(s)://` URL, else Redis's default. */
function portOf(url: pulumi.Input<string>): number {
  if (typeof url !== "string") return K8S_DEFAULTS.redisPort;
  try {
    const port = new URL(url).port;
    return port === "" ? K8S_DEFAULTS.redisPort : Number(port);
  } catch {
    return K8S_DEFAULTS.redisPort;
  }
}
