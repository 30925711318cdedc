/**
 * The plain plan of monitoring, node capacity and connection-based autoscaling, resolved from the
 * args after validation (defaults applied; no `Input` decides which objects exist).
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  defaultConnectionsPerNode,
  maxConnectionsForMemory,
  type ResolvedFleetSpec,
} from "../shared";
import type {
  KubernetesConnectionScaler,
  KubernetesMonitoringCollector,
  KubernetesSocketIoFleetArgs,
} from "./args";
import { parseQuantity } from "./quantity";

/** Where GKE's managed collectors run: the namespace the metrics ports must admit for them. */
export const GMP_COLLECTOR_NAMESPACE = "gmp-system";

export interface ResolvedMonitoring {
  collector: KubernetesMonitoringCollector;
  /** The fleet's namespace as plain text: the rules' and queries' matchers need it. */
  namespaceName: string;
  /** Extra labels on the monitor and rule objects. */
  labels: Record<string, string>;
  /** Where the dashboard ConfigMap goes; unset: no dashboard. */
  dashboardNamespace?: pulumi.Input<string>;
  /**
   * The ConfigMap's name: `<name>-dashboard`, or in a shared Grafana namespace
   * `<fleet namespace>-<name>-dashboard`, so fleets of one name in two namespaces do not collide.
   */
  dashboardName: string;
  /** Whether a redis exporter sidecar runs beside the in-cluster Valkey (and is scraped). */
  redisExporter: boolean;
}

/** The node's capacity in connections and its hard ceiling, from the container's memory limit. */
export interface ResolvedCapacity {
  /** The container memory limit in MiB the defaults derive from. */
  memoryMiB: number;
  /** The autoscaling target and the "clients above capacity" threshold. */
  connectionsPerNode: number;
  /** `MAX_CONNECTIONS`: above it the app answers a new session with 503. */
  maxConnections: number;
}

export interface ResolvedConnectionScaling {
  scaler: KubernetesConnectionScaler;
  prometheusUrl?: string;
  authenticationRef?: string;
}

/** Whether the fleet runs on GKE, as far as its ingress tells: the GKE Ingress or a GKE Gateway. */
export function onGke(args: Pick<KubernetesSocketIoFleetArgs, "ingress">): boolean {
  const ingress = args.ingress;
  return (
    ingress.controller === "gke" ||
    (ingress.controller === "gateway-api" && ingress.gateway?.implementation === "gke")
  );
}

/**
 * The collector: the one named, else Managed Prometheus on GKE (on by default there), else none:
 * the component does not guess a CRD the cluster may lack (`pulumi up` would fail on it).
 */
export function resolveCollector(
  args: Pick<KubernetesSocketIoFleetArgs, "ingress" | "monitoring">,
): KubernetesMonitoringCollector | undefined {
  if (args.monitoring?.enabled === false) return undefined;
  return args.monitoring?.collector ?? (onGke(args) ? "gke-managed-prometheus" : undefined);
}

/** Namespaces admitted to the metrics ports: the ones named, else the GKE collectors' own. */
export function resolveMonitoringNamespaces(
  args: Pick<KubernetesSocketIoFleetArgs, "ingress" | "monitoring">,
): string[] {
  const named = args.monitoring?.namespaces;
  if (named !== undefined) return [...named];
  return resolveCollector(args) === "gke-managed-prometheus" ? [GMP_COLLECTOR_NAMESPACE] : [];
}

export function resolveMonitoring(
  name: string,
  args: KubernetesSocketIoFleetArgs,
  namespaceName: string,
  namespace: pulumi.Input<string>,
): ResolvedMonitoring | undefined {
  const collector = resolveCollector(args);
  if (collector === undefined) return undefined;
  const dashboard = args.monitoring?.dashboard;
  return {
    collector,
    namespaceName,
    labels: { ...args.monitoring?.labels },
    dashboardNamespace:
      (dashboard?.enabled ?? true) ? (dashboard?.namespace ?? namespace) : undefined,
    dashboardName:
      dashboard?.namespace === undefined
        ? `${name}-dashboard`
        : `${namespaceName}-${name}-dashboard`,
    redisExporter: (args.redis?.mode ?? "in-cluster") === "in-cluster",
  };
}

/** Whether monitoring is on (the default) but no collector could be chosen: the warning case. */
export function monitoringWithoutCollector(
  args: Pick<KubernetesSocketIoFleetArgs, "ingress" | "monitoring">,
): boolean {
  return args.monitoring?.enabled !== false && resolveCollector(args) === undefined;
}

/** MiB in a memory quantity ("512Mi" → 512), or undefined when it is not one. */
export function memoryMiB(quantity: string): number | undefined {
  const bytes = parseQuantity(quantity);
  return bytes === undefined ? undefined : bytes / 1024 ** 2;
}

/**
 * Capacity from the container memory limit (`shared/capacity.ts`). The ceiling defaults to what
 * the limit holds at all (`maxConnectionsForMemory`, no headroom): past it the kernel OOM-kills
 * the container and every client on it reconnects at once, so answering the next handshake 503
 * (the client retries and lands on another pod) is better at that point; below it the capacity
 * (half the memory kept as headroom) leaves autoscaling the room to act first. 512 Mi: capacity
 * 9,800, ceiling 19,660.
 */
export function resolveCapacity(spec: ResolvedFleetSpec, memoryLimit: string): ResolvedCapacity {
  const mib = memoryMiB(memoryLimit) ?? 0;
  const maxConnections = spec.maxConnectionsPerNode ?? maxConnectionsForMemory(mib);
  return {
    memoryMiB: mib,
    // A derived capacity never above the ceiling the user set (autoscaling must aim below it).
    connectionsPerNode:
      spec.connectionsPerNode ?? Math.min(defaultConnectionsPerNode(mib), maxConnections),
    maxConnections,
  };
}

export function resolveConnectionScaling(
  args: KubernetesSocketIoFleetArgs,
): ResolvedConnectionScaling | undefined {
  if (args.autoscaling?.metric !== "connections") return undefined;
  const c = args.autoscaling.connections;
  return {
    scaler: c?.scaler ?? "keda",
    prometheusUrl: c?.prometheusUrl,
    authenticationRef: c?.authenticationRef,
  };
}
