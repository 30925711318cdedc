import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { SocketIoFleetArgs } from "../spec";

/**
 * The ingress controllers (and the Gateway API) this component configures affinity for:
 * - `nginx`: ingress-nginx annotations (cookie or client-IP; never a `*-snippet`). The project is
 *   retired (March 2026): fine locally, prefer another for new production clusters.
 * - `traefik`: sticky-cookie annotations on the Service (cookie only; timeouts are Traefik's
 *   static entry-point config). Traefik v3 only: v2 rejects the `maxage` annotation and with it
 *   the Service's routing.
 * - `gke`: NEG + BackendConfig (`GENERATED_COOKIE` named GCLB, or `CLIENT_IP`); its `timeoutSec`
 *   is the *lifetime* of a websocket on Google Cloud. FrontendConfig redirects to HTTPS with TLS.
 * - `aws-alb`: AWS Load Balancer Controller annotations (`ip` targets, `lb_cookie` or, with a
 *   cookie name, `app_cookie` stickiness; idle timeout 1–4000 s).
 * - `gateway-api`: an HTTPRoute with `sessionPersistence`, an experimental field honoured by only
 *   some implementations (Envoy Gateway; NGINX Gateway Fabric with NGINX Plus) and pruned by the
 *   standard-channel CRDs.
 */
export type IngressController = "nginx" | "traefik" | "gke" | "aws-alb" | "gateway-api";

export const INGRESS_CONTROLLERS: readonly IngressController[] = [
  "nginx",
  "traefik",
  "gke",
  "aws-alb",
  "gateway-api",
];

export interface NamespaceArgs {
  /** Namespace every object of the fleet lives in. */
  name: string;
  /**
   * Whether the component creates the namespace (labelled for the `restricted` Pod Security
   * Standard, which every pod here satisfies).
   * @default true
   */
  create?: boolean;
}

export interface GatewayRefArgs {
  /** Name of the Gateway the HTTPRoute attaches to. Its listener must allow routes from our namespace. */
  name: string;
  namespace: string;
  /**
   * Whether the Gateway's listener for `ingress.host` terminates TLS. The Gateway, not the route,
   * owns TLS, so only you can say; it picks the `url` scheme and the HTTPS-dependent checks.
   * @default undefined — unknown: the url uses http and the TLS checks are skipped.
   */
  tls?: boolean;
}

export interface IngressArgs {
  /** Which controller routes traffic in; decides how stickiness and timeouts are spelt. */
  controller: IngressController;
  /** Public host name. Sets the `url` output; required for `gateway-api`. */
  host?: string;
  /**
   * Ingress class.
   * @default "nginx", "traefik", "gce", "alb" per controller (unused for `gateway-api`).
   */
  className?: string;
  /** Secret (type kubernetes.io/tls) in the fleet namespace: turns HTTPS on (nginx, traefik, gke). */
  tlsSecretName?: string;
  /** ACM certificate ARN: turns HTTPS on (`aws-alb` only). */
  certificateArn?: string;
  /** The Gateway to attach to (`gateway-api` only). */
  gateway?: GatewayRefArgs;
}

/**
 * Redis for the Socket.IO adapter.
 * - `in-cluster`: one Redis pod (StatefulSet) with a generated password, reachable only from the
 *   fleet's pods. Fine for development and small fleets; it is a single point of failure, so
 *   production should use a managed or replicated Redis through `mode: "external"`.
 * - `external`: a Redis you run; `url` (`redis://` or `rediss://`, with the password) is stored
 *   in a Secret and given to the pods through `secretKeyRef`.
 */
export type RedisArgs =
  | {
      mode: "in-cluster";
      /**
       * Size of a persistent volume for Redis data.
       * @default undefined — an `emptyDir`: the adapter's data is transient (pub/sub, a short
       * stream for connection state recovery), so a Redis restart loses nothing the app needs.
       */
      storageGi?: number;
      /** @default "redis:7.4-alpine" */
      image?: string;
    }
  | {
      mode: "external";
      url: pulumi.Input<string>;
      /**
       * TCP port the fleet's NetworkPolicy lets pods reach.
       * @default the port in `url` when `url` is a plain string, else 6379
       */
      port?: number;
    };

/** CPU and memory as Kubernetes quantities, e.g. `{ cpu: "250m", memory: "256Mi" }`. */
export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
}

export interface ResourcesArgs {
  requests?: ResourceQuantities;
  limits?: ResourceQuantities;
}

export interface AutoscalingArgs {
  minReplicas: number;
  maxReplicas: number;
  /**
   * @default 70 — leaves headroom for the burst of reconnections a node's loss causes.
   */
  targetCpuPercent?: number;
}

/** Who may scrape the pods' metrics port (`METRICS_PORT`, never on the Service the ingress routes). */
export interface MonitoringArgs {
  /**
   * Namespaces whose pods may reach the metrics port (e.g. `["monitoring"]` for a Prometheus
   * there), matched by their `kubernetes.io/metadata.name` label.
   * @default [] — no pod outside the fleet can reach the metrics port.
   */
  namespaces: string[];
}

/** Per-child escape hatches: each is called with the args just before the child is created. */
export interface KubernetesFleetTransforms {
  deployment?: (args: k8s.apps.v1.DeploymentArgs) => void;
  service?: (args: k8s.core.v1.ServiceArgs) => void;
  ingress?: (args: k8s.networking.v1.IngressArgs) => void;
  redisStatefulSet?: (args: k8s.apps.v1.StatefulSetArgs) => void;
}

export interface KubernetesSocketIoFleetArgs extends SocketIoFleetArgs {
  /** @default { name: <component name>, create: true } */
  namespace?: NamespaceArgs;
  ingress: IngressArgs;
  /** @default { mode: "in-cluster" } */
  redis?: RedisArgs;
  /** @default see `K8S_DEFAULTS.resources` */
  resources?: ResourcesArgs;
  /** A HorizontalPodAutoscaler (autoscaling/v2) on CPU; `replicas` is then the initial count. */
  autoscaling?: AutoscalingArgs;
  /** @default none — the metrics port admits no traffic (see `MonitoringArgs`). */
  monitoring?: MonitoringArgs;
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
  redisImage: "redis:7.4-alpine",
  redisPort: 6379,
  /** Non-root ids above the range images use for their own users (node is 1000, redis 999). */
  runAsUser: 10001,
  runAsGroup: 10001,
  /** The port the Service exposes (the pods listen on `containerPort`). */
  servicePort: 80,
  className: { nginx: "nginx", traefik: "traefik", gke: "gce", "aws-alb": "alb" },
} as const;
