/** The Gateway API args of the Kubernetes target (`ingress.gateway`). */

/**
 * The Gateway API implementation running the Gateway: decides how sessions are pinned, since
 * HTTPRoute `sessionPersistence` is experimental and most implementations ignore it.
 */
export const KubernetesGatewayImplementation = {
  /**
   * Envoy Gateway ≥ 1.4.3: HTTPRoute `sessionPersistence` (a cookie carrying name, path and
   * Max-Age, no SameSite). Needs the experimental-channel CRDs, which its Helm chart installs by
   * default.
   */
  EnvoyGateway: "envoy-gateway",
  /**
   * GKE's Gateway controller: a `GCPBackendPolicy` (cookie `GCLB` or client-IP affinity,
   * `timeoutSec`, connection draining) and a `HealthCheckPolicy` on the readiness path.
   */
  Gke: "gke",
  /** Istio: a `DestinationRule` hashing on a cookie Envoy issues (consistent hash). */
  Istio: "istio",
  /**
   * Any other implementation: a standard-channel HTTPRoute only, with no session pinning, so
   * long-polling is refused (websocket-only clients).
   */
  Generic: "generic",
} as const;
export type KubernetesGatewayImplementation =
  (typeof KubernetesGatewayImplementation)[keyof typeof KubernetesGatewayImplementation];

export const GATEWAY_IMPLEMENTATIONS: readonly KubernetesGatewayImplementation[] = Object.values(
  KubernetesGatewayImplementation,
);

/** The Gateway API CRD channel installed on the cluster. */
export const KubernetesGatewayChannel = {
  /** GA and beta fields only (no `sessionPersistence`). */
  Standard: "standard",
  /** Standard plus experimental fields such as `sessionPersistence`. */
  Experimental: "experimental",
} as const;
export type KubernetesGatewayChannel =
  (typeof KubernetesGatewayChannel)[keyof typeof KubernetesGatewayChannel];

export const GATEWAY_CHANNELS: readonly KubernetesGatewayChannel[] =
  Object.values(KubernetesGatewayChannel);

/**
 * The Gateway API release of the CRDs on the cluster (minor). It decides the experimental
 * `sessionPersistence` shape: v1.4–v1.6 `sessionName` + `cookieConfig`, v1.7 `cookie: { name,
 * path, lifetimeType }` (the older fields are gone from v1.7's schema).
 */
export const KubernetesGatewayRelease = {
  /** Gateway API v1.4: `sessionPersistence` with `sessionName` + `cookieConfig`. */
  V1_4: "v1.4",
  /** Gateway API v1.5: `sessionPersistence` with `sessionName` + `cookieConfig`. */
  V1_5: "v1.5",
  /** Gateway API v1.6: `sessionPersistence` with `sessionName` + `cookieConfig`. */
  V1_6: "v1.6",
  /** Gateway API v1.7: `sessionPersistence.cookie: { name, path, lifetimeType }`. */
  V1_7: "v1.7",
} as const;
export type KubernetesGatewayRelease =
  (typeof KubernetesGatewayRelease)[keyof typeof KubernetesGatewayRelease];

export const GATEWAY_RELEASES: readonly KubernetesGatewayRelease[] =
  Object.values(KubernetesGatewayRelease);

/** The Gateway an HTTPRoute attaches to (`gateway-api` only). */
export interface KubernetesGateway {
  /**
   * Name of the Gateway the HTTPRoute attaches to. Its listener must allow routes from our
   * namespace.
   */
  name: string;
  /** Namespace of the Gateway. */
  namespace: string;
  /**
   * Whether the Gateway's listener for `ingress.host` terminates TLS. The Gateway, not the route,
   * owns TLS, so only you can say; it picks the `url` scheme and the HTTPS-dependent checks.
   * Default unset: unknown, so the url uses http and the TLS checks are skipped.
   */
  tls?: boolean;
  /**
   * The Gateway API implementation running the Gateway ("envoy-gateway", "gke", "istio" or
   * "generic"): decides which objects pin sessions. Required.
   */
  implementation: KubernetesGatewayImplementation;
  /**
   * Name of the Gateway listener the route attaches to (`parentRefs[].sectionName`). Required
   * with `tls: true`, so the route never attaches to a plain-HTTP listener. Default unset: every
   * listener that admits the route.
   */
  listener?: string;
  /**
   * The Gateway API CRD channel installed (`gateway.networking.k8s.io/channel` annotation on the
   * httproutes CRD). Server-side apply rejects a field the installed schema lacks, so
   * experimental fields are only sent on "experimental". Default "experimental" for
   * envoy-gateway (its Helm chart installs that channel), else "standard".
   */
  channel?: KubernetesGatewayChannel;
  /**
   * The Gateway API release of the CRDs (`gateway.networking.k8s.io/bundle-version` annotation,
   * minor only): picks the `sessionPersistence` shape on the experimental channel. Default
   * "v1.6" (the v1.4–v1.6 shape).
   */
  release?: KubernetesGatewayRelease;
}
