/**
 * The Kubernetes target's Ingress controllers (nginx, Traefik, GKE, AWS ALB) as conformance
 * flavours, read back in each controller's own spelling: annotations, BackendConfig, ALB
 * attributes (the Gateway API implementations: kubernetesGateway.ts).
 */
import type {
  KubernetesIngressController as IngressController,
  KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";
import type { ResolvedFleetSpec } from "../../../components/shared";
import type { MockRecorder } from "../../helpers/mocks";
import { CERT_ARN, T } from "../kubernetes/fixtures";
import { oneStickiness, type Stickiness, type Timeouts } from "./suite";

export const HOST = "chat.example.com";

/** Every controller with HTTPS on, so https origins and cross-origin cookies are allowed. */
export type IngressFlavour = Exclude<IngressController, "gateway-api">;

/** Every Ingress controller with HTTPS on (the Gateway API ones: kubernetesGateway.ts). */
const TLS_INGRESS: Record<IngressFlavour, KubernetesSocketIoFleetArgs["ingress"]> = {
  nginx: { controller: "nginx", host: HOST, tlsSecretName: "chat-tls" },
  traefik: { controller: "traefik", host: HOST, tlsSecretName: "chat-tls" },
  gke: { controller: "gke", host: HOST, tlsSecretName: "chat-tls" },
  "aws-alb": { controller: "aws-alb", host: HOST, certificateArn: CERT_ARN },
};

/** Modes each controller refuses (the rest it renders). */
const REFUSES: Record<IngressFlavour, "client-ip"[]> = {
  nginx: [],
  traefik: ["client-ip"],
  gke: [],
  "aws-alb": ["client-ip"],
};

const ann = (r: { inputs: { metadata?: { annotations?: Record<string, string> } } }) =>
  r.inputs.metadata?.annotations ?? {};

/** Stickiness as each controller spells it. */
const STICKINESS: Record<IngressFlavour, (mocks: MockRecorder) => Stickiness> = {
  nginx(mocks) {
    const a = ann(mocks.one(T.ingress));
    const P = "nginx.ingress.kubernetes.io/";
    const found: Stickiness[] = [];
    if (a[`${P}affinity`] !== undefined) {
      if (a[`${P}affinity`] !== "cookie") throw new Error(`affinity ${a[`${P}affinity`]}`);
      found.push({
        enabled: true,
        by: "cookie",
        ttlSeconds: Number(a[`${P}session-cookie-max-age`]),
      });
    }
    if (a[`${P}upstream-hash-by`] !== undefined) {
      if (a[`${P}upstream-hash-by`] !== "$remote_addr") {
        throw new Error(`upstream-hash-by ${a[`${P}upstream-hash-by`]}`);
      }
      found.push({ enabled: true, by: "client-ip" });
    }
    return oneStickiness(found);
  },
  traefik(mocks) {
    const a = ann(mocks.named(T.service, "chat"));
    const P = "traefik.ingress.kubernetes.io/service.sticky.cookie";
    const keys = Object.keys(a).filter((k) => k.startsWith(P));
    if (a[P] === "true") {
      return { enabled: true, by: "cookie", ttlSeconds: Number(a[`${P}.maxage`]) };
    }
    if (keys.length > 0) throw new Error(`sticky annotations without ${P}: ${keys.join(", ")}`);
    return { enabled: false };
  },
  gke(mocks) {
    const affinity = mocks.one(T.backendConfig).inputs.spec.sessionAffinity;
    switch (affinity.affinityType) {
      case "GENERATED_COOKIE":
        return { enabled: true, by: "cookie", ttlSeconds: affinity.affinityCookieTtlSec };
      case "CLIENT_IP":
        return { enabled: true, by: "client-ip" };
      case "NONE":
        return { enabled: false };
      default:
        throw new Error(`affinityType ${affinity.affinityType}`);
    }
  },
  "aws-alb"(mocks) {
    const text = ann(mocks.one(T.ingress))["alb.ingress.kubernetes.io/target-group-attributes"];
    const attributes = Object.fromEntries(
      text.split(",").map((kv) => kv.split("=") as [string, string]),
    );
    if (attributes["stickiness.enabled"] === "false") return { enabled: false };
    if (attributes["stickiness.enabled"] !== "true") throw new Error("stickiness.enabled unset");
    const type = attributes["stickiness.type"];
    if (type !== "lb_cookie" && type !== "app_cookie") throw new Error(`stickiness.type ${type}`);
    return {
      enabled: true,
      by: "cookie",
      ttlSeconds: Number(attributes[`stickiness.${type}.duration_seconds`]),
    };
  },
};

/** The timeouts each controller takes (Traefik takes none: see `lacks`). */
const TIMEOUTS: Partial<Record<IngressFlavour, (mocks: MockRecorder) => Timeouts>> = {
  nginx(mocks) {
    const a = ann(mocks.one(T.ingress));
    return {
      connection: {
        "proxy-read-timeout": Number(a["nginx.ingress.kubernetes.io/proxy-read-timeout"]),
        "proxy-send-timeout": Number(a["nginx.ingress.kubernetes.io/proxy-send-timeout"]),
      },
      exchange: {},
    };
  },
  gke: (mocks) => ({
    connection: { "BackendConfig timeoutSec": mocks.one(T.backendConfig).inputs.spec.timeoutSec },
    exchange: {},
  }),
  "aws-alb"(mocks) {
    const attributes = ann(mocks.one(T.ingress))[
      "alb.ingress.kubernetes.io/load-balancer-attributes"
    ];
    const m = /^idle_timeout\.timeout_seconds=(\d+)$/.exec(attributes);
    return { connection: { "idle_timeout.timeout_seconds": Number(m?.[1]) }, exchange: {} };
  },
};

/**
 * How long each controller reuses an idle pod connection where the fleet does not set it: the
 * controller's documented fixed or default value (the ALB's idle timeout is read back instead).
 */
const FIXED_REUSE_WINDOWS: Record<Exclude<IngressFlavour, "aws-alb">, Record<string, number>> = {
  // ingress-nginx ConfigMap `upstream-keepalive-timeout`, default 60 (docs: configmap.md).
  nginx: { "upstream-keepalive-timeout (controller default)": 60 },
  // Traefik servers transport `forwardingTimeouts.idleConnTimeout`, default 90s.
  traefik: { "idleConnTimeout (default servers transport)": 90 },
  // Google front ends: backend keepalive timeout fixed at 600 s.
  gke: { "Google front ends backend keepalive (fixed)": 600 },
};

function reuseWindows(controller: IngressFlavour, mocks: MockRecorder) {
  return controller === "aws-alb"
    ? TIMEOUTS["aws-alb"]!(mocks).connection
    : FIXED_REUSE_WINDOWS[controller];
}

function expectedReuseWindows(controller: IngressFlavour, spec: ResolvedFleetSpec) {
  return controller === "aws-alb"
    ? { "idle_timeout.timeout_seconds": spec.connectionTimeoutSeconds }
    : FIXED_REUSE_WINDOWS[controller];
}

/** The exact app keep-alive per controller: 5 s above the window, 620 s for Google's 600 s. */
const EXPECTED_KEEPALIVE_MS: Record<IngressFlavour, (spec: ResolvedFleetSpec) => number> = {
  nginx: () => 65_000,
  traefik: () => 95_000,
  gke: () => 620_000,
  "aws-alb": (spec) => (spec.connectionTimeoutSeconds + 5) * 1000,
};

/** What differs between controllers (and Gateway API implementations) in an adapter. */
export interface Flavour {
  name: string;
  ingress(spec: Partial<KubernetesSocketIoFleetArgs>): KubernetesSocketIoFleetArgs["ingress"];
  refuses: "client-ip"[];
  stickiness(mocks: MockRecorder): Stickiness;
  timeouts?(mocks: MockRecorder): Timeouts;
  reuseWindows(mocks: MockRecorder): Record<string, number>;
  expectedReuseWindows(spec: ResolvedFleetSpec): Record<string, number>;
  keepAliveMs(spec: ResolvedFleetSpec): number;
}

/**
 * ingress-nginx takes client-IP stickiness only once told how the client's address reaches it
 * (`ingress.clientAddress`, refused with any other mode).
 */
function withClientAddress(
  ingress: KubernetesSocketIoFleetArgs["ingress"],
  spec: Partial<KubernetesSocketIoFleetArgs>,
): KubernetesSocketIoFleetArgs["ingress"] {
  return ingress.controller === "nginx" && spec.stickiness?.mode === "client-ip"
    ? { ...ingress, clientAddress: "external-traffic-policy-local" }
    : ingress;
}

/** The Ingress controller `controller` as a conformance flavour. */
export function ingressFlavour(controller: IngressFlavour): Flavour {
  return {
    name: controller,
    ingress: (spec) => withClientAddress(TLS_INGRESS[controller], spec),
    refuses: REFUSES[controller],
    stickiness: STICKINESS[controller],
    timeouts: TIMEOUTS[controller],
    reuseWindows: (mocks) => reuseWindows(controller, mocks),
    expectedReuseWindows: (spec) => expectedReuseWindows(controller, spec),
    keepAliveMs: EXPECTED_KEEPALIVE_MS[controller],
  };
}
