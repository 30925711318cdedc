/** The fleet's Deployment, Service, PodDisruptionBudget and HorizontalPodAutoscaler, as args. */
import type * as inputs from "@pulumi/kubernetes/types/input";
import type * as k8s from "@pulumi/kubernetes";
import {
  APP_DRAIN_SECONDS,
  APP_ENV,
  DEFAULT_METRICS_PORT,
  READINESS_PATH,
  renderAppEnv,
} from "../shared";
import { K8S_DEFAULTS } from "./args";
import {
  containerSecurityContext,
  objectLabels,
  podSecurityContext,
  REDIS_SECRET_KEYS,
  selectorLabels,
} from "./common";
import type { FleetContext } from "./context";
import { scaleInBehavior } from "./scaleIn";

/**
 * How long a terminating pod keeps serving before it gets SIGTERM (the preStop hook), so every
 * router stops sending it new requests first: the endpoint removal has to reach kube-proxy and
 * the ingress controller (ingress-nginx applies endpoint changes after a sync of at most ~1 s,
 * then reloads its Lua balancer), a NEG detaches its endpoint, an ALB target starts draining.
 */
export const PRE_STOP_SECONDS = 10;
/**
 * Grace period from the start of termination to SIGKILL; Kubernetes counts the preStop hook in
 * it. preStop + the app's drain (`APP_DRAIN_SECONDS`, it exits by then) + 5 s margin.
 */
export const TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + APP_DRAIN_SECONDS + 5;
export const CONTAINER_NAME = "socketio";
export const PORT_NAME = "http";
/** The metrics listener's port name: declared on the pod, never on the Service. */
export const METRICS_PORT_NAME = "metrics";

export interface WorkloadOptions {
  /** Set for AWS app-cookie stickiness: the app issues this cookie itself. */
  appCookieName?: string;
  /** The app's keep-alive, above the controller's backend reuse window (`IngressPlan`). */
  httpKeepAliveTimeoutMs?: number;
}

export function deploymentArgs(
  ctx: FleetContext,
  options: WorkloadOptions = {},
): k8s.apps.v1.DeploymentArgs {
  const selector = selectorLabels(ctx.name, "server");
  return {
    metadata: {
      name: ctx.names.deployment,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "server"),
    },
    spec: {
      replicas: ctx.replicas,
      selector: { matchLabels: selector },
      strategy: {
        type: "RollingUpdate",
        // Never below `replicas - 1` ready pods; a single pod is replaced surge-first.
        rollingUpdate: { maxUnavailable: ctx.replicas >= 2 ? 1 : 0, maxSurge: 1 },
      },
      template: {
        metadata: { labels: objectLabels(ctx.name, "server") },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(),
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          topologySpreadConstraints: spread(selector),
          containers: [appContainer(ctx, options)],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        },
      },
    },
  };
}

function appContainer(ctx: FleetContext, options: WorkloadOptions): inputs.core.v1.Container {
  const { spec } = ctx;
  return {
    name: CONTAINER_NAME,
    image: spec.image,
    ports: [
      { name: PORT_NAME, containerPort: spec.containerPort, protocol: "TCP" },
      { name: METRICS_PORT_NAME, containerPort: DEFAULT_METRICS_PORT, protocol: "TCP" },
    ],
    env: appEnv(ctx, options),
    resources: {
      requests: { ...ctx.resources.requests },
      limits: { ...ctx.resources.limits },
    },
    readinessProbe: {
      httpGet: { path: READINESS_PATH, port: PORT_NAME },
      periodSeconds: 5,
      failureThreshold: 2,
      timeoutSeconds: 2,
    },
    livenessProbe: {
      httpGet: { path: spec.healthCheckPath, port: PORT_NAME },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      failureThreshold: 3,
      timeoutSeconds: 2,
    },
    // The kubelet's own sleep (KEP-3960: beta and on by default since Kubernetes 1.30, GA in
    // 1.34), not `exec: sleep`, which would need a shell binary in the image.
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
    securityContext: containerSecurityContext(),
    // The root filesystem is read-only; Node and its libraries may still write temp files.
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
}

/**
 * The app environment: the shared contract (plain values), `NODE_ID` from the pod name,
 * `REDIS_URL` from the Secret (never a plain value), then the user's extra variables.
 */
export function appEnv(ctx: FleetContext, options: WorkloadOptions = {}): inputs.core.v1.EnvVar[] {
  const contract = renderAppEnv(ctx.spec, {
    stickyCookieName: options.appCookieName,
    httpKeepAliveTimeoutMs: options.httpKeepAliveTimeoutMs,
    // The in-cluster Valkey is one standalone pod; an external one is what the user says.
    redisMode: ctx.redis.mode === "external" && ctx.redis.cluster ? "cluster" : "standalone",
    // `maxConnectionsPerNode`, else what the memory limit holds (`resolveCapacity`).
    maxConnections: ctx.capacity.maxConnections,
  });
  return [
    ...Object.entries(contract).map(([name, value]) => ({ name, value })),
    { name: APP_ENV.nodeId, valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    {
      name: APP_ENV.redisUrl,
      valueFrom: { secretKeyRef: { name: ctx.names.redisSecret, key: REDIS_SECRET_KEYS.url } },
    },
    ...Object.entries(ctx.spec.env).map(([name, value]) => ({ name, value })),
  ];
}

/**
 * Spread across nodes and zones, preferring but never blocking scheduling.
 *
 * `matchLabelKeys: ["pod-template-hash"]` counts only the pods of the same ReplicaSet (the
 * Deployment controller labels each revision's pods with its hash). Without it a rolling update
 * spreads the new pods against the old ones still running, and once those are gone the new
 * revision can sit skewed on a few nodes (KEP-3243, "Respect PodTopologySpread after rolling
 * upgrades"). Alpha in Kubernetes 1.25, beta and on by default since 1.27, GA in 1.35 (its
 * kep.yaml); the pods already need 1.30+ for the preStop `sleep`. An API server with the
 * `MatchLabelKeysInPodTopologySpread` gate off drops the field and spreads as before.
 */
export function spread(
  selector: Record<string, string>,
): inputs.core.v1.TopologySpreadConstraint[] {
  return ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ["pod-template-hash"],
  }));
}

export function serviceArgs(
  ctx: FleetContext,
  annotations: Record<string, string>,
): k8s.core.v1.ServiceArgs {
  return {
    metadata: {
      name: ctx.names.service,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "server"),
      annotations,
    },
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(ctx.name, "server"),
      ports: [
        { name: PORT_NAME, port: K8S_DEFAULTS.servicePort, targetPort: PORT_NAME, protocol: "TCP" },
      ],
    },
  };
}

export function pdbArgs(ctx: FleetContext): k8s.policy.v1.PodDisruptionBudgetArgs {
  return {
    metadata: {
      name: ctx.names.pdb,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "server"),
    },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(ctx.name, "server") } },
  };
}

export function hpaArgs(
  ctx: FleetContext,
  autoscaling: NonNullable<FleetContext["autoscaling"]>,
): k8s.autoscaling.v2.HorizontalPodAutoscalerArgs {
  return deploymentHpaArgs(ctx, autoscaling, [
    {
      type: "Resource",
      resource: {
        name: "cpu",
        target: { type: "Utilization", averageUtilization: autoscaling.targetCpuPercent },
      },
    },
  ]);
}

/**
 * The fleet's one HPA on its Deployment for `metrics` (CPU here, connections through
 * prometheus-adapter in `autoscaling.ts`), with the shared scale-in bound (`scaleIn.ts`).
 */
export function deploymentHpaArgs(
  ctx: FleetContext,
  autoscaling: { minReplicas: number; maxReplicas: number },
  metrics: k8s.types.input.autoscaling.v2.MetricSpec[],
): k8s.autoscaling.v2.HorizontalPodAutoscalerArgs {
  return {
    metadata: {
      name: ctx.names.hpa,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "server"),
    },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: ctx.names.deployment },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics,
      behavior: {
        scaleDown: scaleInBehavior(ctx.capacity.connectionsPerNode, autoscaling.minReplicas),
      },
    },
  };
}
