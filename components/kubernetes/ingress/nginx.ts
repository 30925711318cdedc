/**
 * ingress-nginx (kubernetes/ingress-nginx). Cookie affinity with the controller's own annotations,
 * never a `*-snippet` annotation (the Socket.IO docs' recipe uses `configuration-snippet`, which
 * current controllers refuse unless `allow-snippet-annotations` is turned on, a known risk).
 * - `affinity-mode: persistent`: sessions stay on their pod when the fleet scales (the default
 *   `balanced` moves some, which breaks their long-polling session).
 * - `session-cookie-change-on-failure: "true"`: when the pinned pod is gone the cookie is
 *   re-pinned instead of failing every request.
 * - With TLS the cookie is `Secure; SameSite=None`, so credentialed cross-origin pages send it.
 * - `client-ip`: consistent hashing of `$remote_addr` (`upstream-hash-by`), only once the user
 *   has said how the client's address reaches the controller (`ingress.clientAddress`).
 *
 * **Unmaintained.** The kubernetes/ingress-nginx project was retired: announced 2025-11-11
 * (SIG Network), maintenance ended March 2026 (last releases v1.15.1 / v1.14.5 / v1.13.9,
 * 2026-03-19), repository read-only; InGate, its intended successor, was archived on 2026-06-30.
 * The component warns at every preview (`INGRESS_NGINX_RETIRED_WARNING`).
 */
import { K8S_DEFAULTS, type KubernetesClientAddress } from "../args";
import type { FleetContext } from "../context";
import { cookieName, type IngressPlan, ingressArgs, reuseWindow } from "./common";

/**
 * ingress-nginx keeps idle upstream connections for `upstream-keepalive-timeout`: "Sets a timeout
 * during which an idle keepalive connection to an upstream server will stay open", default 60
 * (seconds; kubernetes/ingress-nginx `docs/user-guide/nginx-configuration/configmap.md`). It is a
 * controller ConfigMap key, not an Ingress annotation: raise the keep-alive with it if your
 * controller's ConfigMap sets it higher.
 */
export const INGRESS_NGINX_UPSTREAM_KEEPALIVE_SECONDS = 60;

const P = "nginx.ingress.kubernetes.io/";

/** Logged on the component (`pulumi.log.warn`) at every preview and update with `nginx`. */
export const INGRESS_NGINX_RETIRED_WARNING =
  '`ingress.controller: "nginx"`: ingress-nginx is unmaintained since March 2026 (retirement ' +
  "announced 2025-11-11; no releases or security fixes, repository read-only; its successor " +
  'InGate is archived too). Migrate to the Gateway API (`ingress.controller: "gateway-api"`; ' +
  'ingress2gateway converts existing Ingresses), Traefik v3 (`"traefik"`; its NGINX provider ' +
  "also accepts the nginx affinity annotations), the F5 NGINX Ingress Controller, or the " +
  'cloud\'s own balancer (`"gke"`, `"aws-alb"`).';

/**
 * What the controller must be set up for, per `ingress.clientAddress`, so that `$remote_addr` is
 * the client. The component owns only the Ingress; these are the controller's Service and
 * ConfigMap. With `use-forwarded-headers` or `use-proxy-protocol` ingress-nginx turns nginx's
 * real-ip module on (`real_ip_header` = the PROXY header or `forwarded-for-header`,
 * `real_ip_recursive on`, `set_real_ip_from` = `proxy-real-ip-cidr`; rootfs/etc/nginx/template/
 * nginx.tmpl), which rewrites `$remote_addr` before the balancer hashes it. Hashing
 * `$http_x_forwarded_for` instead would hash the whole header, which the client can prepend to.
 */
export const CLIENT_ADDRESS_REQUIREMENTS: Record<KubernetesClientAddress, string> = {
  "external-traffic-policy-local":
    "the controller's Service has `externalTrafficPolicy: Local`, so kube-proxy keeps the source address",
  "proxy-protocol":
    'the balancer sends the PROXY protocol (e.g. `service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: "*"` on the controller\'s Service) and the controller ConfigMap sets `use-proxy-protocol: "true"`',
  "forwarded-headers":
    "the controller ConfigMap sets `use-forwarded-headers: \"true\"` and `proxy-real-ip-cidr` to your balancer's addresses (the default 0.0.0.0/0 trusts any client's X-Forwarded-For)",
};

export function nginxAnnotations(ctx: FleetContext): Record<string, string> {
  const timeout = String(ctx.spec.connectionTimeoutSeconds);
  const annotations: Record<string, string> = {
    [`${P}proxy-read-timeout`]: timeout,
    [`${P}proxy-send-timeout`]: timeout,
  };
  const mode = ctx.spec.stickiness.mode;
  if (mode === "cookie") {
    Object.assign(annotations, {
      [`${P}affinity`]: "cookie",
      [`${P}affinity-mode`]: "persistent",
      [`${P}session-cookie-name`]: cookieName(ctx),
      [`${P}session-cookie-max-age`]: String(ctx.spec.stickiness.ttlSeconds),
      [`${P}session-cookie-change-on-failure`]: "true",
    });
    if (ctx.tls) {
      annotations[`${P}session-cookie-secure`] = "true";
      annotations[`${P}session-cookie-samesite`] = "None";
    }
  } else if (mode === "client-ip") {
    // The client's address in every `clientAddress` mode (see CLIENT_ADDRESS_REQUIREMENTS).
    annotations[`${P}upstream-hash-by`] = "$remote_addr";
  }
  return annotations;
}

export function nginxPlan(ctx: FleetContext): IngressPlan {
  return {
    serviceAnnotations: {},
    ingress: ingressArgs(ctx, {
      className: ctx.ingress.className ?? K8S_DEFAULTS.className.nginx,
      annotations: nginxAnnotations(ctx),
    }),
    customResources: [],
    backendReuse: reuseWindow(INGRESS_NGINX_UPSTREAM_KEEPALIVE_SECONDS),
  };
}
