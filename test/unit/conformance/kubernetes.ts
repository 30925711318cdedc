/**
 * The Kubernetes target, one adapter per ingress controller and Redis mode, read back from the
 * recorded objects in each controller's own spelling (annotations, BackendConfig, HTTPRoute).
 */
import {
  type KubernetesIngressController as IngressController,
  KubernetesSocketIoFleet,
} from "../../../components/kubernetes";
import { KUBERNETES_DEFAULTS } from "../../../components/kubernetes";
import { memoryMiB } from "../../../components/kubernetes/resolveMonitoring";
import { APP_ENV, maxConnectionsForMemory } from "../../../components/shared";
import { isSecretInput, type MockRecorder, setupMocks } from "../../helpers/mocks";
import { unwrap } from "../../helpers/unwrap";
import { K8S_OUTPUTS, PASSWORD, T } from "../kubernetes/fixtures";
import {
  type AppEnvironment,
  type ExpectedRedis,
  type RedisWiring,
  type TargetAdapter,
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
import { type Flavour, HOST, ingressFlavour } from "./kubernetesIngress";

interface Built {
  mocks: MockRecorder;
  fleet: KubernetesSocketIoFleet;
}

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
  return fleetTarget(redisMode, ingressFlavour(controller));
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
