/**
 * One suite over every controller, the way the adapters run one suite over every Redis client:
 * sticky sessions on, the load balancer's timeout above the heartbeat where the controller takes
 * one, Redis wired through the Secret with auth, credentialed CORS.
 */
import { strict as assert } from "node:assert";
import type {
  KubernetesIngressController,
  KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";
import type { MockRecorder } from "../../helpers/mocks";
import { CERT_ARN, deploy, fleetArgs, PASSWORD, T } from "./fixtures";

const HEARTBEAT_SECONDS = (25000 + 20000) / 1000;

const TLS_INGRESS: Record<KubernetesIngressController, KubernetesSocketIoFleetArgs["ingress"]> = {
  nginx: { controller: "nginx", host: "chat.example.com", tlsSecretName: "chat-tls" },
  traefik: { controller: "traefik", host: "chat.example.com", tlsSecretName: "chat-tls" },
  gke: { controller: "gke", host: "chat.example.com", tlsSecretName: "chat-tls" },
  "aws-alb": { controller: "aws-alb", host: "chat.example.com", certificateArn: CERT_ARN },
  "gateway-api": {
    controller: "gateway-api",
    host: "chat.example.com",
    gateway: { name: "public", namespace: "gateway", tls: true },
  },
};

/** The sticky-cookie setting and the timeout (seconds) each controller renders, or undefined. */
function affinityOf(
  controller: KubernetesIngressController,
  mocks: MockRecorder,
): { sticky: boolean; timeout?: number } {
  const ingress = () => mocks.one(T.ingress).inputs.metadata.annotations as Record<string, string>;
  switch (controller) {
    case "nginx":
      return {
        sticky: ingress()["nginx.ingress.kubernetes.io/affinity"] === "cookie",
        timeout: Number(ingress()["nginx.ingress.kubernetes.io/proxy-read-timeout"]),
      };
    case "traefik":
      return {
        sticky:
          mocks.named(T.service, "chat").inputs.metadata.annotations[
            "traefik.ingress.kubernetes.io/service.sticky.cookie"
          ] === "true",
      };
    case "gke": {
      const spec = mocks.one(T.backendConfig).inputs.spec;
      return {
        sticky: spec.sessionAffinity.affinityType === "GENERATED_COOKIE",
        timeout: spec.timeoutSec,
      };
    }
    case "aws-alb":
      return {
        sticky: ingress()["alb.ingress.kubernetes.io/target-group-attributes"].startsWith(
          "stickiness.enabled=true,",
        ),
        timeout: Number(
          /idle_timeout\.timeout_seconds=(\d+)/.exec(
            ingress()["alb.ingress.kubernetes.io/load-balancer-attributes"],
          )?.[1],
        ),
      };
    case "gateway-api": {
      const rule = mocks.one(T.httpRoute).inputs.spec.rules[0];
      return {
        sticky: rule.sessionPersistence?.type === "Cookie",
        timeout: Number(/^(\d+)s$/.exec(rule.timeouts.request)?.[1]),
      };
    }
  }
}

describe("KubernetesSocketIoFleet conformance, every controller", () => {
  for (const controller of Object.keys(TLS_INGRESS) as KubernetesIngressController[]) {
    it(`${controller}: sticky, timeout (where it takes one) above the heartbeat, Redis auth from the Secret, credentialed CORS, https url`, async () => {
      const { mocks, fleet } = await deploy(fleetArgs({ ingress: TLS_INGRESS[controller] }));
      const { sticky, timeout } = affinityOf(controller, mocks);
      assert.equal(sticky, true, "cookie stickiness is configured");
      if (controller !== "traefik") {
        assert.ok(
          timeout !== undefined && timeout > HEARTBEAT_SECONDS,
          `timeout ${timeout} above the heartbeat`,
        );
      }
      const env = mocks.one(T.deployment).inputs.spec.template.spec.containers[0].env as {
        name: string;
        value?: string;
        valueFrom?: unknown;
      }[];
      const byName = Object.fromEntries(env.map((e) => [e.name, e]));
      assert.deepEqual(byName.REDIS_URL, {
        name: "REDIS_URL",
        valueFrom: { secretKeyRef: { name: "chat-redis", key: "url" } },
      });
      assert.equal(byName.CORS_CREDENTIALS.value, "true");
      assert.equal(byName.CORS_ORIGINS.value, "https://app.example.com");
      assert.match(mocks.one(T.secret).inputs.stringData.url, new RegExp(`^redis://:${PASSWORD}@`));
      const { unwrap } = await import("../../helpers/unwrap");
      assert.equal(await unwrap(fleet.url), "https://chat.example.com");
    });
  }
});
