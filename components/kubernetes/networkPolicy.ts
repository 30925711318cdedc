/**
 * NetworkPolicies: the fleet's pods accept traffic only on their port and reach only Redis and
 * DNS; in-cluster Redis accepts only the fleet's pods and reaches nothing. They take effect only
 * where the CNI enforces NetworkPolicy (Calico, Cilium, GKE Dataplane V2, kind ≥ v0.24, …).
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import type * as k8s from "@pulumi/kubernetes";
import { objectLabels, selectorLabels } from "./common";
import type { FleetContext } from "./context";

/** CoreDNS / kube-dns pods carry `k8s-app: kube-dns` on kubeadm, kind, GKE, EKS and AKS. */
export const DNS_PEER: inputs.networking.v1.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/**
 * Node-local resolvers no pod selector can match (they are host-network or not pods at all):
 * NodeLocal DNSCache's link-local address (on by default on GKE Autopilot and recent GKE
 * Standard, an add-on elsewhere) and GKE's Cloud DNS data plane on the node's metadata server.
 * Without them every lookup of the Redis host times out on those clusters. Port 53 only, so the
 * metadata server's other endpoints stay closed.
 */
export const NODE_LOCAL_DNS_PEERS: inputs.networking.v1.NetworkPolicyPeer[] = [
  { ipBlock: { cidr: "169.254.20.10/32" } },
  { ipBlock: { cidr: "169.254.169.254/32" } },
];

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
      // From anywhere (the ingress controller, or the cloud load balancer's health checks and
      // traffic straight to pod IPs with NEG / ALB ip targets), but only on the app's port.
      ingress: [{ ports: [{ protocol: "TCP", port: ctx.spec.containerPort }] }],
      egress: [
        redisEgress,
        {
          to: [DNS_PEER, ...NODE_LOCAL_DNS_PEERS],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    },
  };
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
      ],
      // Redis needs no connections of its own (no replication, no DNS).
      egress: [],
    },
  };
}
