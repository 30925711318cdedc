/** The ingress args of the Kubernetes target: the controller and how traffic reaches the fleet. */
import type { KubernetesGateway } from "./gatewayArgs";

/**
 * The ingress controller (or the Gateway API) that routes traffic in; each spells affinity its
 * own way.
 */
export const KubernetesIngressController = {
  /**
   * ingress-nginx annotations (cookie or client-IP; never a `*-snippet`). **Unmaintained**: the
   * project was retired (announced 2025-11-11, maintenance ended March 2026, repository
   * read-only): no releases or security fixes. The component warns at every preview; migrate to
   * `gateway-api` (ingress2gateway), `traefik` (v3 reads nginx affinity annotations), F5 NGINX
   * Ingress Controller or the cloud's own balancer.
   */
  Nginx: "nginx",
  /**
   * Sticky-cookie annotations on the Service (cookie only; timeouts are Traefik's static
   * entry-point config). Traefik v3 only: v2 rejects the `maxage` annotation and with it the
   * Service's routing.
   */
  Traefik: "traefik",
  /**
   * GKE Ingress: NEG + BackendConfig (`GENERATED_COOKIE` named GCLB, or `CLIENT_IP`); its
   * `timeoutSec` is the lifetime of a websocket on Google Cloud. FrontendConfig redirects to
   * HTTPS with TLS.
   */
  Gke: "gke",
  /**
   * AWS Load Balancer Controller annotations (`ip` targets, `lb_cookie` or, with a cookie name,
   * `app_cookie` stickiness; idle timeout 1–4000 s).
   */
  AwsAlb: "aws-alb",
  /**
   * An HTTPRoute on your Gateway, with session pinning spelt the way `ingress.gateway.implementation`
   * honours it (`sessionPersistence`, a `GCPBackendPolicy` or a `DestinationRule`).
   */
  GatewayApi: "gateway-api",
} as const;
export type KubernetesIngressController =
  (typeof KubernetesIngressController)[keyof typeof KubernetesIngressController];

/** The controllers, maintained ones first (messages list them in this order; nginx is retired). */
export const INGRESS_CONTROLLERS: readonly KubernetesIngressController[] = [
  "traefik",
  "gateway-api",
  "gke",
  "aws-alb",
  "nginx",
];

/**
 * How the client's own address reaches ingress-nginx, for `stickiness.mode: "client-ip"`. nginx
 * hashes `$remote_addr`: behind a cloud L4 balancer with the controller Service's default
 * `externalTrafficPolicy: Cluster`, kube-proxy SNATs to a node address, so one client's
 * connections land on different pods. Only you know which of these your controller is set up for.
 */
export const KubernetesClientAddress = {
  /**
   * The controller's Service has `externalTrafficPolicy: Local`: kube-proxy keeps the source
   * address (the balancer then sends only to nodes running a controller pod).
   */
  ExternalTrafficPolicyLocal: "external-traffic-policy-local",
  /**
   * The balancer sends the PROXY protocol and the controller ConfigMap has
   * `use-proxy-protocol: "true"`: nginx's real-ip module sets `$remote_addr` from the header.
   */
  ProxyProtocol: "proxy-protocol",
  /**
   * An L7 balancer in front sets `X-Forwarded-For`, and the controller ConfigMap has
   * `use-forwarded-headers: "true"` with `proxy-real-ip-cidr` set to the balancer's addresses
   * (its default, 0.0.0.0/0, trusts a header any client can write).
   */
  ForwardedHeaders: "forwarded-headers",
} as const;
export type KubernetesClientAddress =
  (typeof KubernetesClientAddress)[keyof typeof KubernetesClientAddress];

export const CLIENT_ADDRESS_MODES: readonly KubernetesClientAddress[] =
  Object.values(KubernetesClientAddress);

/** How traffic reaches the fleet. */
export interface KubernetesIngress {
  /** Which controller routes traffic in; decides how stickiness and timeouts are spelt. */
  controller: KubernetesIngressController;
  /** Public host name. Sets the `url` output; required for `gateway-api`. */
  host?: string;
  /**
   * Ingress class. Default "nginx", "traefik", "gce" or "alb" per controller (unused for
   * `gateway-api`).
   */
  className?: string;
  /**
   * Secret (type kubernetes.io/tls) in the fleet namespace: turns HTTPS on (nginx, traefik,
   * gke).
   */
  tlsSecretName?: string;
  /** ACM certificate ARN: turns HTTPS on (`aws-alb` only). */
  certificateArn?: string;
  /** The Gateway to attach to (`gateway-api` only). */
  gateway?: KubernetesGateway;
  /**
   * `nginx` with `stickiness.mode: "client-ip"` only, and then required: how the client's address
   * reaches the controller, so that `$remote_addr` is the client and not a node. Default none:
   * client-ip stickiness on nginx is refused until you say.
   */
  clientAddress?: KubernetesClientAddress;
}
