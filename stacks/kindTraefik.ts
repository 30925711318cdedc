/**
 * The ingress controller the k8s-dev stack installs on its kind cluster (config
 * `socketio-fleet:installTraefik: true`): Traefik v3 from its Helm chart at a pinned version.
 * Not ingress-nginx, which has been unmaintained since March 2026.
 *
 * The chart version is pinned (a Helm chart's default app version moves with every chart
 * release); 41.3.0 ships Traefik v3.7.11, and its `values.yaml` is what the values below were
 * checked against (traefik/traefik-helm-chart, tag v41.3.0; the values schema sets
 * `additionalProperties: false` on most objects, so a misspelt key fails the install). Newer
 * charts exist (42.4.3, Traefik v3.7.20, 2026-11-24): bump after reading their upgrade notes.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export const KIND_TRAEFIK_CHART = {
  chart: "traefik",
  repo: "https://traefik.github.io/charts",
  version: "41.3.0",
} as const;

export const KIND_TRAEFIK_NAMESPACE = "traefik";

/**
 * Values for a one-node kind cluster created as the README shows (the node labelled
 * `ingress-ready=true`, its ports 80 and 443 mapped to the host):
 * - host ports 80/443 on Traefik's web/websecure entry points (container ports 8000/8443, so it
 *   runs unprivileged), on the labelled node; kind has no load balancer, so a ClusterIP Service;
 * - the Ingress status is set to `localhost` (`providers.kubernetesIngress.ingressEndpoint`)
 *   instead of copied from that Service, so the fleet's `url` output is `http://localhost`;
 * - its IngressClass `traefik` (the fleet's default `className`), not the cluster default.
 */
export const KIND_TRAEFIK_VALUES = {
  deployment: { replicas: 1 },
  nodeSelector: { "ingress-ready": "true" },
  tolerations: [
    { key: "node-role.kubernetes.io/control-plane", operator: "Equal", effect: "NoSchedule" },
  ],
  ports: { web: { hostPort: 80 }, websecure: { hostPort: 443 } },
  service: { spec: { type: "ClusterIP" } },
  providers: {
    kubernetesIngress: {
      publishedService: { enabled: false },
      ingressEndpoint: { hostname: "localhost" },
    },
  },
  ingressClass: { enabled: true, isDefaultClass: false },
};

/** The Helm release of Traefik for the kind cluster. */
export function kindTraefik(provider: k8s.Provider | undefined): pulumi.Resource {
  return new k8s.helm.v3.Release(
    "traefik",
    {
      name: "traefik",
      chart: KIND_TRAEFIK_CHART.chart,
      version: KIND_TRAEFIK_CHART.version,
      repositoryOpts: { repo: KIND_TRAEFIK_CHART.repo },
      namespace: KIND_TRAEFIK_NAMESPACE,
      createNamespace: true,
      values: KIND_TRAEFIK_VALUES,
    },
    { provider },
  );
}
