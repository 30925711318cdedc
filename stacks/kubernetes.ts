/**
 * The kubernetes stack program: reads `socketio-fleet:*` config, builds one
 * `KubernetesSocketIoFleet`, and exports its outputs. `Pulumi.k8s-dev.yaml` runs it on a local
 * kind cluster behind Traefik v3, which it installs from the pinned Helm chart
 * (`installTraefik`, see `kindTraefik.ts` and the README, "Deploying to Kubernetes").
 *
 * Config (namespace `socketio-fleet`): `image` (required), `ingress` (required object), `name`
 * (component name, default "socketio"), `kubeContext` (kubeconfig context; default the current
 * one), `replicas`, `containerPort`, `transports`, `stickiness`, `cors`, `heartbeat`,
 * `connectionTimeoutSeconds`, `healthCheckPath`, `adapter`, `env`, `namespace`, `redis`,
 * `redisUrl` (secret: switches to an external Redis; its port comes from `redis.port`, since a
 * secret URL cannot be read at plan time), `resources`, `autoscaling`, `monitoring`,
 * `installTraefik` (default false: install Traefik for a kind cluster; the fleet waits for it).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  KubernetesSocketIoFleet,
  type KubernetesSocketIoFleetArgs,
} from "../components/kubernetes";
import { kindTraefik } from "./kindTraefik";

export async function program(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("socketio-fleet");
  const kubeContext = config.get("kubeContext");
  const provider =
    kubeContext === undefined ? undefined : new k8s.Provider("k8s", { context: kubeContext });
  const redisUrl = config.getSecret("redisUrl");
  const controller = config.getBoolean("installTraefik") ? kindTraefik(provider) : undefined;
  const args: KubernetesSocketIoFleetArgs = {
    image: config.require("image"),
    replicas: config.getNumber("replicas"),
    containerPort: config.getNumber("containerPort"),
    transports: config.getObject("transports"),
    stickiness: config.getObject("stickiness"),
    cors: config.getObject("cors"),
    heartbeat: config.getObject("heartbeat"),
    connectionTimeoutSeconds: config.getNumber("connectionTimeoutSeconds"),
    healthCheckPath: config.get("healthCheckPath"),
    adapter: config.get("adapter") as KubernetesSocketIoFleetArgs["adapter"],
    env: config.getObject("env"),
    namespace: config.getObject("namespace"),
    ingress: config.requireObject("ingress"),
    redis: redisArgs(config.getObject("redis"), redisUrl),
    resources: config.getObject("resources"),
    autoscaling: config.getObject("autoscaling"),
    monitoring: config.getObject("monitoring"),
  };
  const fleet = new KubernetesSocketIoFleet(
    config.get("name") ?? "socketio",
    withoutUndefined(args),
    { provider, dependsOn: controller ? [controller] : [] },
  );
  return {
    url: fleet.url,
    // For the front-end build: `pulumi stack output clientOptions --json`.
    clientOptions: fleet.clientOptions,
    namespace: fleet.namespace,
    serviceName: fleet.serviceName,
    redisUrl: fleet.redisUrl,
  };
}

/**
 * The `redis` arg: `redis` config as given, or, with the secret `redisUrl`, an external Redis that
 * keeps `redis.port`. The URL is an Output, so the component cannot read its port: without
 * `redis.port` the NetworkPolicy would open 6379 and block a Redis on any other port (e.g. 6380).
 */
function redisArgs(
  redis: KubernetesSocketIoFleetArgs["redis"] | undefined,
  url: pulumi.Output<string> | undefined,
): KubernetesSocketIoFleetArgs["redis"] {
  if (url === undefined) return redis;
  const port = (redis as { port?: number } | undefined)?.port;
  return port === undefined ? { mode: "external", url } : { mode: "external", url, port };
}

/** `args` without the keys config left unset, so the fleet's defaults apply. */
function withoutUndefined<T extends object>(args: T): T {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as T;
}
