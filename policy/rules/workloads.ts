/**
 * Where the fleet's app environment lives on each platform, and the facts rules read from it:
 * the transports and the heartbeat (`components/shared/appEnv.ts` is the contract).
 */
import { APP_ENV } from "../../components/shared/appEnv";
import { FLEET_DEFAULTS } from "../../components/shared/defaults";
import type { PolicyResource } from "./types";

export const T = {
  ecsTask: "aws:ecs/taskDefinition:TaskDefinition",
  ecsService: "aws:ecs/service:Service",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  sgIngress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  elasticache: "aws:elasticache/replicationGroup:ReplicationGroup",
  serverlessCache: "aws:elasticache/serverlessCache:ServerlessCache",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  service: "kubernetes:core/v1:Service",
  httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  backendConfig: "kubernetes:cloud.google.com/v1:BackendConfig",
  gcpBackendPolicy: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
  destinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
  backendService: "gcp:compute/backendService:BackendService",
  regionBackendService: "gcp:compute/regionBackendService:RegionBackendService",
  firewall: "gcp:compute/firewall:Firewall",
  instanceTemplate: "gcp:compute/instanceTemplate:InstanceTemplate",
  regionInstanceTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
  memorystore: "gcp:redis/instance:Instance",
  valkey: "gcp:memorystore/instance:Instance",
  cloudRun: "gcp:cloudrunv2/service:Service",
} as const;

export interface EnvVar {
  name: string;
  /** A plain value; absent when the value comes from a secret store or a field reference. */
  value?: string;
}

export interface Container {
  name: string;
  env: EnvVar[];
}

/** Containers of an ECS task definition, a Kubernetes workload or a Cloud Run service. */
export function containersOf(resource: PolicyResource): Container[] {
  const p = resource.props;
  switch (resource.type) {
    case T.ecsTask:
      return parseJsonArray(p.containerDefinitions).map((c) => ({
        name: String(c.name ?? ""),
        env: (c.environment ?? []).map((e: { name: string; value?: unknown }) => ({
          name: e.name,
          value: e.value === undefined ? undefined : String(e.value),
        })),
      }));
    case T.deployment:
    case T.statefulSet:
      return (p.spec?.template?.spec?.containers ?? []).map(
        (c: { name?: string; env?: EnvVar[] }) => ({
          name: c.name ?? "",
          env: (c.env ?? []).map((e) => ({ name: e.name, value: e.value })),
        }),
      );
    case T.cloudRun:
      return (p.template?.containers ?? []).map((c: { name?: string; envs?: EnvVar[] }) => ({
        name: c.name ?? "",
        env: (c.envs ?? []).map((e) => ({ name: e.name, value: e.value })),
      }));
    default:
      return [];
  }
}

/** The fleet's app containers: those that set the Socket.IO adapter (the contract's key). */
export function fleetContainers(
  resources: PolicyResource[],
): { resource: PolicyResource; container: Container }[] {
  return resources.flatMap((resource) =>
    containersOf(resource)
      .filter((container) => container.env.some((e) => e.name === APP_ENV.adapter))
      .map((container) => ({ resource, container })),
  );
}

/** Whether a fleet container accepts long-polling (the default transports do). */
export function usesPolling(container: Container): boolean {
  const transports = envValue(container, APP_ENV.transports);
  return (
    transports === undefined ||
    transports
      .split(",")
      .map((t) => t.trim())
      .includes("polling")
  );
}

/** pingInterval + pingTimeout in seconds: how long a silent client is kept. */
export function heartbeatSeconds(container: Container): number {
  const interval = Number(
    envValue(container, APP_ENV.pingIntervalMs) ?? FLEET_DEFAULTS.heartbeat.pingIntervalMs,
  );
  const timeout = Number(
    envValue(container, APP_ENV.pingTimeoutMs) ?? FLEET_DEFAULTS.heartbeat.pingTimeoutMs,
  );
  return (interval + timeout) / 1000;
}

export function envValue(container: Container, name: string): string | undefined {
  return container.env.find((e) => e.name === name)?.value;
}

/** A JSON array held as a string (ECS container definitions), or already parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseJsonArray(value: unknown): any[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== "string") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
