/** Names, labels and the pod hardening shared by the fleet's and Redis's pods. */
import type * as inputs from "@pulumi/kubernetes/types/input";
import { type IngressController, K8S_DEFAULTS } from "./args";

/** The names of every child object, derived once from the component name. */
export function objectNames(name: string) {
  return {
    deployment: name,
    service: name,
    ingress: name,
    pdb: name,
    hpa: name,
    redisSecret: `${name}-redis`,
    redis: `${name}-redis`,
    redisConfig: `${name}-redis-config`,
    fleetPolicy: name,
    redisPolicy: `${name}-redis`,
    backendConfig: name,
    frontendConfig: name,
    route: name,
    backendPolicy: name,
    healthCheckPolicy: name,
    destinationRule: name,
    podMonitor: name,
    redisMonitor: `${name}-redis`,
    rules: name,
    scaledObject: name,
  };
}

export type ObjectNames = ReturnType<typeof objectNames>;

/** Secret keys: the app reads `url`; in-cluster Redis reads its config file. */
export const REDIS_SECRET_KEYS = {
  url: "url",
  config: "redis.conf",
  /**
   * In-cluster with monitoring only: the redis exporter's password file (`--redis.password-file`,
   * JSON `{ "<redis URL>": "<password>" }`), so the password stays out of its environment too.
   */
  exporterPasswords: "redis-exporter-passwords.json",
} as const;

/** Selector labels: stable (a Deployment's selector is immutable), so only name and component. */
export function selectorLabels(
  name: string,
  component: "server" | "redis",
): Record<string, string> {
  return {
    "app.kubernetes.io/name": "socketio-fleet",
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/component": component,
  };
}

export function objectLabels(name: string, component: "server" | "redis"): Record<string, string> {
  return { ...selectorLabels(name, component), "app.kubernetes.io/managed-by": "pulumi" };
}

/**
 * Labels of the namespace the component creates:
 * - the `restricted` Pod Security Standard, enforced (every pod here meets it);
 * - with `aws-alb`, `elbv2.k8s.aws/pod-readiness-gate-inject: enabled`, so the AWS Load Balancer
 *   Controller gives each pod a readiness gate that turns true only once its `ip` target is healthy
 *   in the target group. Without it a rolling update can retire the old pods while the new ones
 *   are still `initial` in the target group, and the ALB has no healthy target (an outage). The
 *   controller only reads this label from the namespace; set it yourself with `create: false`.
 */
export function namespaceLabels(controller: IngressController): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "pulumi",
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    ...(controller === "aws-alb" ? { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } : {}),
  };
}

/**
 * Pod-level hardening: non-root ids above any image's own users, a group that owns the writable
 * volumes, and the runtime's default seccomp profile (the `restricted` Pod Security Standard).
 */
export function podSecurityContext(): inputs.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: K8S_DEFAULTS.runAsUser,
    runAsGroup: K8S_DEFAULTS.runAsGroup,
    fsGroup: K8S_DEFAULTS.runAsGroup,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level hardening: read-only root, no privilege escalation, no capabilities. */
export function containerSecurityContext(): inputs.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: K8S_DEFAULTS.runAsUser,
    runAsGroup: K8S_DEFAULTS.runAsGroup,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}
