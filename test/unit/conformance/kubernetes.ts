/**
 * The Kubernetes target, one adapter per ingress controller and Redis mode, read back from the
 * recorded objects in each controller's own spelling (annotations, BackendConfig, HTTPRoute).
 */
import {
  type KubernetesIngressController as IngressController,
  KubernetesSocketIoFleet,
  type KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";
import { KUBERNETES_DEFAULTS } from "../../../components/kubernetes";
import { memoryMiB } from "../../../components/kubernetes/resolveMonitoring";
import {
  APP_ENV,
  maxConnectionsForMemory,
  type ResolvedFleetSpec,
} from "../../../components/shared";
import { isSecretInput, type MockRecorder, setupMocks } from "../../helpers/mocks";
import { unwrap } from "../../helpers/unwrap";
import { CERT_ARN, K8S_OUTPUTS, PASSWORD, T } from "../kubernetes/fixtures";
import {
  type AppEnvironment,
  type ExpectedRedis,
  oneStickiness,
  type RedisWiring,
  type Stickiness,
  type TargetAdapter,
  type Timeouts,
} from "./suite";
import {
  type ConformanceGatewayImplementation,
  GATEWAY_KEEPALIVE_MS,
  GATEWAY_REFUSES,
  GATEWAY_REUSE_WINDOWS,
  gatewayIngress,
  gatewayStickiness,
  gatewayTimeouts,
} from "./kubernetesGateway";

interface Built {
  mocks: MockRecorder;
  fleet: KubernetesSocketIoFleet;
}

const HOST = "chat.example.com";

/** Every controller with HTTPS on, so https origins and cross-origin cookies are allowed. */
type IngressFlavour = Exclude<IngressController, "gateway-api">;

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

export const EXTERNAL_REDIS_URL = "rediss://:Ext3rnal-Redis-Passw0rd@redis.example.com:6380";

export type RedisMode = "in-cluster" | "external rediss://";

const EXPECTED_REDIS: Record<RedisMode, ExpectedRedis> = {
  "in-cluster": {
    reference: { secretKeyRef: { name: "chat-redis", key: "url" } },
    url: `redis://:${PASSWORD}@chat-redis.chat.svc:6379`,
    tls: {
      reason:
        "in-cluster Redis is documented without TLS (components/kubernetes/redis.ts: its traffic stays " +
        "in the cluster behind NetworkPolicies; TLS needs a certificate issuer the component does not assume)",
    },
    server: { tls: false, password: PASSWORD },
  },
  "external rediss://": {
    reference: { secretKeyRef: { name: "chat-redis", key: "url" } },
    url: EXTERNAL_REDIS_URL,
    tls: true,
  },
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

function env({ mocks }: Built): AppEnvironment {
  const containers = mocks.one(T.deployment).inputs.spec.template.spec.containers;
  if (containers.length !== 1) throw new Error(`${containers.length} containers`);
  const plain: Record<string, string> = {};
  const fromSecrets: Record<string, unknown> = {};
  type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown } };
  for (const e of containers[0].env as EnvVar[]) {
    if (e.value !== undefined) plain[e.name] = e.value;
    if (e.valueFrom?.secretKeyRef !== undefined) fromSecrets[e.name] = e.valueFrom;
  }
  return { plain, fromSecrets };
}

function redis({ mocks }: Built): RedisWiring {
  const secret = mocks.one(T.secret);
  if (secret.inputs.metadata.name !== "chat-redis") throw new Error("the Redis Secret's name");
  const raw = secret.rawInputs.stringData as Record<string, unknown>;
  const config: string | undefined = secret.inputs.stringData["redis.conf"];
  return {
    storedUrl: secret.inputs.stringData.url,
    storedAsSecret: isSecretInput(secret.rawInputs.stringData) || isSecretInput(raw.url),
    server:
      config === undefined
        ? undefined
        : {
            tls: /^tls-port /m.test(config),
            password: /^requirepass (\S+)$/m.exec(config)?.[1] ?? "",
          },
  };
}

/** What differs between controllers (and Gateway API implementations) in an adapter. */
interface Flavour {
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
 * The adapter for one controller with one Redis mode; with `gateway-api`, for one implementation
 * running the Gateway (default Envoy Gateway).
 */
export function kubernetesTarget(
  controller: IngressController,
  redisMode: RedisMode,
  implementation: ConformanceGatewayImplementation = "envoy-gateway",
): TargetAdapter<Built> {
  if (controller === "gateway-api") {
    return fleetTarget(redisMode, {
      name: `gateway-api/${implementation}`,
      ingress: () => gatewayIngress(HOST, implementation),
      refuses: GATEWAY_REFUSES[implementation],
      stickiness: (mocks) => gatewayStickiness(implementation, mocks),
      timeouts: (mocks) => gatewayTimeouts(implementation, mocks),
      reuseWindows: () => GATEWAY_REUSE_WINDOWS[implementation],
      expectedReuseWindows: () => GATEWAY_REUSE_WINDOWS[implementation],
      keepAliveMs: () => GATEWAY_KEEPALIVE_MS[implementation],
    });
  }
  return fleetTarget(redisMode, {
    name: controller,
    ingress: (spec) => withClientAddress(TLS_INGRESS[controller], spec),
    refuses: REFUSES[controller],
    stickiness: STICKINESS[controller],
    timeouts: TIMEOUTS[controller],
    reuseWindows: (mocks) => reuseWindows(controller, mocks),
    expectedReuseWindows: (spec) => expectedReuseWindows(controller, spec),
    keepAliveMs: EXPECTED_KEEPALIVE_MS[controller],
  });
}

function fleetTarget(redisMode: RedisMode, flavour: Flavour): TargetAdapter<Built> {
  const timeouts = flavour.timeouts;
  return {
    name: `KubernetesSocketIoFleet (${flavour.name}, ${redisMode} Redis)`,
    refuses: flavour.refuses,
    lacks:
      timeouts === undefined
        ? {
            timeouts:
              "Traefik's timeouts are static entry-point configuration " +
              "(entryPoints.<name>.transport.respondingTimeouts), which no Ingress or Service annotation sets",
          }
        : {},
    async build(spec) {
      const mocks = await setupMocks({ outputs: K8S_OUTPUTS });
      try {
        const fleet = new KubernetesSocketIoFleet("chat", {
          image: "ghcr.io/acme/chat:1.2.3",
          ...spec,
          ingress: flavour.ingress(spec),
          redis:
            redisMode === "in-cluster"
              ? { mode: "in-cluster" }
              : { mode: "external", url: EXTERNAL_REDIS_URL },
        });
        await mocks.settled();
        return { mocks, fleet };
      } catch (err) {
        await mocks.settled();
        throw err;
      }
    },
    read: {
      stickiness: ({ mocks }) => flavour.stickiness(mocks),
      timeouts: timeouts && (({ mocks }) => timeouts(mocks)),
      env,
      redis,
      url: ({ fleet }) => unwrap(fleet.url),
      keepAlive: (built) => ({
        reuseWindows: flavour.reuseWindows(built.mocks),
        appKeepAliveMs: Number(env(built).plain[APP_ENV.httpKeepAliveTimeoutMs]),
      }),
      clientOptions: ({ fleet }) => unwrap(fleet.clientOptions),
    },
    expected: {
      // The ceiling the default memory limit holds (`resolveCapacity`): no spec here sets one.
      appEnv: {
        maxConnections: maxConnectionsForMemory(
          memoryMiB(KUBERNETES_DEFAULTS.resources.limits.memory)!,
        ),
      },
      redis: EXPECTED_REDIS[redisMode],
      url: () => `https://${HOST}`,
      keepAlive: (spec) => ({
        reuseWindows: flavour.expectedReuseWindows(spec),
        appKeepAliveMs: flavour.keepAliveMs(spec),
      }),
    },
  };
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
