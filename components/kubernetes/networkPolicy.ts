/**
 * NetworkPolicies: the fleet's pods accept traffic only on their port (and, from the namespaces
 * named in `monitoring`, on the metrics port) and reach only Redis and DNS; in-cluster Redis
 * (Valkey) accepts only the fleet's pods (and, from the monitoring namespaces, scrapes of its
 * exporter sidecar) and reaches nothing. They take effect only
 * where the CNI enforces NetworkPolicy (Calico, Cilium, GKE Dataplane V2, kind ≥ v0.24, …).
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import type * as k8s from "@pulumi/kubernetes";
import { DEFAULT_METRICS_PORT } from "../shared";
import { objectLabels, selectorLabels } from "./common";
import type { FleetContext } from "./context";
import { REDIS_EXPORTER_PORT } from "./monitoring";

/**
 * DNS: ports 53 and 5353 (UDP and TCP) to any destination. The resolver a pod reaches is not a
 * pod the policy could select: with NodeLocal DNSCache in its default iptables mode pods keep
 * sending to the kube-dns ClusterIP and a hostNetwork cache on the node answers, which neither a
 * kube-dns pod selector nor the cache's link-local ipBlock matches (the rollout then hangs on the
 * Redis lookup); GKE's Cloud DNS answers from the metadata server. Opening the DNS ports alone is
 * the common choice the NetworkPolicy recipes document; nothing else leaves the pod on them but
 * DNS.
 */
export const DNS_EGRESS: inputs.networking.v1.NetworkPolicyEgressRule = {
  // 5353 as well: OpenShift's DNS pods (openshift-dns/dns-default) listen on 5353 behind a
  // Service on 53, and a NetworkPolicy sees the port after the Service translation.
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
    { protocol: "UDP", port: 5353 },
    { protocol: "TCP", port: 5353 },
  ],
};

export function fleetNetworkPolicyArgs(ctx: FleetContext): k8s.networking.v1.NetworkPolicyArgs {
  const redisEgress: inputs.networking.v1.NetworkPolicyEgressRule =
    ctx.redis.mode === "in-cluster"
      ? {
          to: [{ podSelector: { matchLabels: selectorLabels(ctx.name, "redis") } }],
          ports: [{ protocol: "TCP", port: ctx.redis.port }],
        }
      : // An external Redis is a DNS name whose addresses NetworkPolicy cannot follow: allow its
        // port to any address instead.
        { ports: [{ protocol: "TCP", port: ctx.redis.port }] };
  return {
    metadata: {
      name: ctx.names.fleetPolicy,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "server"),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx.name, "server") },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        // From anywhere (the ingress controller, or the cloud load balancer's health checks and
        // traffic straight to pod IPs with NEG / ALB ip targets), but only on the app's port.
        { ports: [{ protocol: "TCP", port: ctx.spec.containerPort }] },
        ...metricsIngress(ctx.monitoringNamespaces, DEFAULT_METRICS_PORT),
      ],
      egress: [redisEgress, DNS_EGRESS],
    },
  };
}

/** A metrics port, only from pods in the namespaces named for monitoring (none: no rule). */
function metricsIngress(
  namespaces: string[],
  port: number,
): inputs.networking.v1.NetworkPolicyIngressRule[] {
  if (namespaces.length === 0) return [];
  return [
    {
      from: [
        {
          namespaceSelector: {
            matchExpressions: [
              { key: "kubernetes.io/metadata.name", operator: "In", values: namespaces },
            ],
          },
        },
      ],
      ports: [{ protocol: "TCP", port }],
    },
  ];
}

export function redisNetworkPolicyArgs(ctx: FleetContext): k8s.networking.v1.NetworkPolicyArgs {
  return {
    metadata: {
      name: ctx.names.redisPolicy,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "redis"),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx.name, "redis") },
      policyTypes: ["Ingress", "Egress"],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: selectorLabels(ctx.name, "server") } }],
          ports: [{ protocol: "TCP", port: ctx.redis.port }],
        },
        // The redis exporter sidecar's port, from the monitoring namespaces only.
        ...(ctx.monitoring?.redisExporter
          ? metricsIngress(ctx.monitoringNamespaces, REDIS_EXPORTER_PORT)
          : []),
      ],
      // Redis needs no connections of its own (no replication, no DNS).
      egress: [],
    },
  };
}
