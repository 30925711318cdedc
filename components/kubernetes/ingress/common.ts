/** What every ingress flavour returns, and the Ingress object most of them share. */
import type * as k8s from "@pulumi/kubernetes";
import { DEFAULT_PROXY_COOKIE_NAME, keepAliveAboveMs } from "../../shared";
import { K8S_DEFAULTS } from "../args";
import { objectLabels } from "../common";
import type { FleetContext } from "../context";

export interface CustomResourcePlan {
  /** Pulumi name of the child (derived from the component name). */
  name: string;
  args: k8s.apiextensions.CustomResourceArgs;
}

/** How one controller gets affinity, timeouts and health checks: plain data, no resources. */
export interface IngressPlan {
  /** Annotations on the fleet's Service (Traefik stickiness, GKE NEG and BackendConfig). */
  serviceAnnotations: Record<string, string>;
  /** The Ingress, unless the flavour routes through something else (an HTTPRoute). */
  ingress?: k8s.networking.v1.IngressArgs;
  /** Objects of controller CRDs, created before the Service and the Ingress that name them. */
  customResources: CustomResourcePlan[];
  /** Set when the app must issue the sticky cookie itself (`STICKY_COOKIE_NAME`). */
  appCookieName?: string;
  /** How long the controller's proxy reuses an idle pod connection, and the app keep-alive. */
  backendReuse: BackendReuse;
}

/**
 * The controller's backend reuse window (how long its proxy keeps an idle connection to a pod
 * open for the next request) and the app keep-alive above it (`HTTP_KEEPALIVE_TIMEOUT_MS`), so
 * the pod never closes a connection the proxy is about to reuse (see `shared/keepAlive.ts`).
 */
export interface BackendReuse {
  windowSeconds: number;
  appKeepAliveMs: number;
}

/** A reuse window with the app keep-alive the shared margin above it. */
export function reuseWindow(windowSeconds: number): BackendReuse {
  return { windowSeconds, appKeepAliveMs: keepAliveAboveMs(windowSeconds) };
}

/** The sticky cookie's name where the controller lets us choose it. */
export function cookieName(ctx: FleetContext): string {
  return ctx.spec.stickiness.cookieName ?? DEFAULT_PROXY_COOKIE_NAME;
}

/** Whether the controller must pin sessions by cookie. */
export function cookieSticky(ctx: FleetContext): boolean {
  return ctx.spec.stickiness.mode === "cookie";
}

/** An Ingress routing every path of `ingress.host` (or any host) to the fleet's Service. */
export function ingressArgs(
  ctx: FleetContext,
  { className, annotations }: { className?: string; annotations: Record<string, string> },
): k8s.networking.v1.IngressArgs {
  const { host, tlsSecretName } = ctx.ingress;
  return {
    metadata: {
      name: ctx.names.ingress,
      namespace: ctx.namespace,
      labels: objectLabels(ctx.name, "server"),
      annotations,
    },
    spec: {
      ingressClassName: className,
      tls:
        tlsSecretName === undefined
          ? undefined
          : [{ hosts: host === undefined ? undefined : [host], secretName: tlsSecretName }],
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: {
                  service: { name: ctx.names.service, port: { number: K8S_DEFAULTS.servicePort } },
                },
              },
            ],
          },
        },
      ],
    },
  };
}
