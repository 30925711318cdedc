import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { SocketIoFleetArgs } from "../shared";
import type { KubernetesGateway } from "./gatewayArgs";
import type { KubernetesIngress, KubernetesIngressController } from "./ingressArgs";
import type {
  KubernetesAutoscalingMetric,
  KubernetesConnectionScaling,
  KubernetesMonitoring,
} from "./monitoringArgs";

export * from "./gatewayArgs";
export * from "./ingressArgs";
export * from "./monitoringArgs";

/** The namespace the fleet lives in. */
export interface KubernetesNamespace {
  /** Namespace every object of the fleet lives in. */
  name: string;
  /**
   * Whether the component creates the namespace (labelled for the `restricted` Pod Security
   * Standard, which every pod here satisfies). Default true.
   */
  create?: boolean;
}

/** Where the adapter's Redis comes from. */
export const KubernetesRedisMode = {
  /**
   * One Valkey pod (StatefulSet) with a generated password, reachable only from the fleet's pods.
   * Fine for development and small fleets; it is a single point of failure, so production should
   * use a managed or replicated Redis/Valkey through "external".
   */
  InCluster: "in-cluster",
  /**
   * A Redis you run; `url` (`redis://` or `rediss://`, with the password) is stored in a Secret
   * and given to the pods through `secretKeyRef`.
   */
  External: "external",
} as const;
export type KubernetesRedisMode = (typeof KubernetesRedisMode)[keyof typeof KubernetesRedisMode];

/**
 * Redis for the Socket.IO adapter. `mode` decides which other fields apply: `storageGi` and
 * `image` only with "in-cluster"; `url` (required) and `port` only with "external". Fields of the
 * other mode are refused.
 */
export interface KubernetesRedis {
  /** "in-cluster" (a Redis pod the fleet runs) or "external" (a Redis you run). */
  mode: KubernetesRedisMode;
  /**
   * In-cluster only: size in GiB of a persistent volume for Valkey data, which turns the
   * append-only file on. Default none, an `emptyDir` and no persistence at all: the adapter's
   * data is transient (pub/sub, a short stream and recovery sessions for connection state
   * recovery), so a restart loses at most the recovery window of the clients connected then.
   */
  storageGi?: number;
  /**
   * In-cluster only: the Valkey image; it must provide `valkey-server`. Default
   * "valkey/valkey:9.1.1-alpine" (BSD-3-Clause; Redis 7.4 is source-available only, Redis 8+
   * AGPLv3).
   */
  image?: string;
  /** External only (required): `redis://` or `rediss://` URL with the password. A secret. */
  url?: pulumi.Input<string>;
  /**
   * External only: TCP port the fleet's NetworkPolicy lets pods reach. Default: the port in `url`
   * when `url` is a plain string, else 6379.
   */
  port?: number;
  /**
   * External only: the Redis/Valkey runs in cluster mode (`cluster-enabled yes`: ElastiCache or
   * MemoryDB with cluster mode, Memorystore Cluster, a Valkey cluster), so the app connects with
   * a cluster client (`REDIS_MODE=cluster`). Use `adapter: "redis-sharded"` with it. Default
   * false (standalone).
   */
  cluster?: boolean;
}

/** TypeScript only: `KubernetesRedis` narrowed to an in-cluster Redis. */
export interface KubernetesInClusterRedisArgs extends KubernetesRedis {
  mode: typeof KubernetesRedisMode.InCluster;
  url?: undefined;
  port?: undefined;
  cluster?: undefined;
}

/** TypeScript only: `KubernetesRedis` narrowed to an external Redis. */
export interface KubernetesExternalRedisArgs extends KubernetesRedis {
  mode: typeof KubernetesRedisMode.External;
  url: pulumi.Input<string>;
  storageGi?: undefined;
  image?: undefined;
}

/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: "250m", memory: "256Mi" }`. */
export interface KubernetesResourceQuantities {
  /** CPU quantity, e.g. "250m" or "1". */
  cpu?: string;
  /** Memory quantity, e.g. "256Mi" or "1Gi". */
  memory?: string;
}

/** Container resource requests and limits. */
export interface KubernetesResources {
  /** Default { cpu: "250m", memory: "256Mi" }: fits a small node. */
  requests?: KubernetesResourceQuantities;
  /**
   * Default { cpu: "1", memory: "512Mi" }: caps a leak. A CPU limit too, because common scanners
   * (kube-score, Checkov CKV_K8S_11) flag its absence.
   */
  limits?: KubernetesResourceQuantities;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU. */
export interface KubernetesAutoscaling {
  /** Lowest pod count. */
  minReplicas: number;
  /** Highest pod count. */
  maxReplicas: number;
  /**
   * Average CPU utilisation the autoscaler keeps. Default 70: leaves headroom for the burst of
   * reconnections a node's loss causes.
   */
  targetCpuPercent?: number;
  /**
   * What the autoscaler follows: "cpu" (an HPA on CPU) or "connections" (connected clients per
   * pod against `connectionsPerNode`, with a scale-in rate bounded for drains). Default "cpu".
   */
  metric?: KubernetesAutoscalingMetric;
  /** With `metric: "connections"`: the scaler. Default { scaler: "keda" }. */
  connections?: KubernetesConnectionScaling;
}

/** The TypeScript names before the package schema (same types). */
export type IngressController = KubernetesIngressController;
export type NamespaceArgs = KubernetesNamespace;
export type GatewayRefArgs = KubernetesGateway;
export type IngressArgs = KubernetesIngress;
export type RedisArgs = KubernetesRedis;
export type ResourceQuantities = KubernetesResourceQuantities;
export type ResourcesArgs = KubernetesResources;
export type AutoscalingArgs = KubernetesAutoscaling;

/** Per-child escape hatches: each is called with the args just before the child is created. */
export interface KubernetesFleetTransforms {
  deployment?: (args: k8s.apps.v1.DeploymentArgs) => void;
  service?: (args: k8s.core.v1.ServiceArgs) => void;
  ingress?: (args: k8s.networking.v1.IngressArgs) => void;
  redisStatefulSet?: (args: k8s.apps.v1.StatefulSetArgs) => void;
}

export interface KubernetesSocketIoFleetArgs extends SocketIoFleetArgs {
  /** The namespace. Default { name: <the component name>, create: true }. */
  namespace?: KubernetesNamespace;
  /** How traffic reaches the fleet. */
  ingress: KubernetesIngress;
  /** Redis for the adapter. Default { mode: "in-cluster" }. */
  redis?: KubernetesRedis;
  /**
   * Container requests and limits. Default requests { cpu: "250m", memory: "256Mi" }, limits
   * { cpu: "1", memory: "512Mi" }.
   */
  resources?: KubernetesResources;
  /**
   * A HorizontalPodAutoscaler (autoscaling/v2) on CPU, or on connections per pod; `replicas` is
   * then the initial count. Default none (a fixed count).
   */
  autoscaling?: KubernetesAutoscaling;
  /**
   * Metrics collection, the fleet's alerts and a Grafana dashboard, and who may scrape the pods.
   * Default { enabled: true }, with the collector chosen by platform (see `collector`).
   */
  monitoring?: KubernetesMonitoring;
}

/**
 * The constructor's options: Pulumi's resource options plus `transform`, the TypeScript-only
 * escape hatch (callbacks cannot cross a language boundary, so they are not args). Other
 * languages reach a child through the engine's `transforms` resource option, matching its type
 * token (e.g. "kubernetes:apps/v1:Deployment"); see the README.
 */
export interface KubernetesSocketIoFleetOptions extends pulumi.ComponentResourceOptions {
  /** Per-child callbacks, each given the child's args just before it is created. */
  transform?: KubernetesFleetTransforms;
}

/** The k8s-only arg names, accepted beside the shared ones by the shared validator. */
export const K8S_TARGET_ARGS = [
  "namespace",
  "ingress",
  "redis",
  "resources",
  "autoscaling",
  "monitoring",
  "transform",
] as const;

/** Every default of the Kubernetes target, in one place. */
export const K8S_DEFAULTS = {
  /**
   * Requests fit a small node; limits cap a leak. A CPU limit too, because common scanners
   * (kube-score, Checkov CKV_K8S_11) flag its absence.
   */
  resources: {
    requests: { cpu: "250m", memory: "256Mi" },
    limits: { cpu: "1", memory: "512Mi" },
  },
  targetCpuPercent: 70,
  /**
   * Valkey, pinned (valkey-io/valkey release 9.1.1, 2026-07-21, a security release: CVE-2026-56684
   * and CVE-2026-63639; the newest release found in the sources), not Redis. The former default,
   * `redis:7.4-alpine`, is licensed RSALv2/SSPLv1 only (redis.io, "Redis adopts dual
   * source-available licensing", 2024-03-20: from 7.4 on, no longer BSD), neither an open-source
   * licence; Redis 8 adds AGPLv3, whose network clause reaches anyone who modifies and serves it.
   * Valkey is the Linux Foundation's BSD-3-Clause fork of Redis 7.2.4, protocol- and
   * config-compatible with everything the adapters use (pub/sub, sharded pub/sub, streams).
   */
  redisImage: "valkey/valkey:9.1.1-alpine",
  redisPort: 6379,
  /** Non-root ids above the range images use for their own users (node is 1000, redis 999). */
  runAsUser: 10001,
  runAsGroup: 10001,
  /** The port the Service exposes (the pods listen on `containerPort`). */
  servicePort: 80,
  className: { nginx: "nginx", traefik: "traefik", gke: "gce", "aws-alb": "alb" },
  /**
   * Gateway API CRDs: Envoy Gateway's Helm chart installs the experimental channel
   * (`crds.gatewayAPI.channel: experimental`, gateway.envoyproxy.io "Gateway Crds Helm Chart");
   * GKE and Istio document the standard channel. v1.6: the newest release, same
   * `sessionPersistence` shape as v1.4 and v1.5.
   */
  gatewayChannel: {
    "envoy-gateway": "experimental",
    gke: "standard",
    istio: "standard",
    generic: "standard",
  },
  gatewayRelease: "v1.6",
} as const;
