import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  clientOptionsFor,
  formatProblems,
  resolveFleetSpec,
  type SocketIoClientOptions,
} from "../shared";
import type { KubernetesSocketIoFleetArgs, KubernetesSocketIoFleetOptions } from "./args";
import { namespaceLabels } from "./common";
import { type FleetContext, resolveContext } from "./context";
import { ingressPlan } from "./ingress";
import { fleetNetworkPolicyArgs, redisNetworkPolicyArgs } from "./networkPolicy";
import { kubernetesPlatform } from "./platform";
import { createRedis } from "./redis";
import { validateKubernetesFleet, validateKubernetesFleetTransform } from "./validate";
import { kubernetesFleetWarnings } from "./warnings";
import { deploymentArgs, hpaArgs, pdbArgs, serviceArgs } from "./workload";
import { createAutoscaler, createMonitoring } from "./fleetMonitoring";

/** The type token, as Pulumi's component package names it for every language. */
export const KUBERNETES_FLEET_TYPE = "socketio-fleet:index:KubernetesSocketIoFleet";
/**
 * The token before the component package (0.1.0). Registered as an alias, so an existing stack
 * sees the component retyped in place: the engine applies a parent's aliases to each child's
 * URN, so no child is replaced either.
 */
export const KUBERNETES_FLEET_LEGACY_TYPE = "socketio-fleet:kubernetes:Fleet";

/**
 * A Socket.IO fleet on Kubernetes: a hardened Deployment behind a ClusterIP Service, routed in by
 * the chosen ingress controller with sticky sessions and websocket timeouts spelt its way, a
 * PodDisruptionBudget, an optional HorizontalPodAutoscaler, NetworkPolicies, and Redis for the
 * adapter (in-cluster or external). Pass a Kubernetes provider through `opts.provider`.
 */
export class KubernetesSocketIoFleet extends pulumi.ComponentResource {
  /** The public endpoint: `ingress.host` (https with TLS), else the Ingress's load balancer address. */
  readonly url: pulumi.Output<string>;
  /** The name of the namespace the fleet lives in. */
  readonly namespace: pulumi.Output<string>;
  /** The fleet's ClusterIP Service. */
  readonly serviceName: pulumi.Output<string>;
  /** The `redis://` URL the pods use (a secret). */
  readonly redisUrl: pulumi.Output<string>;
  /**
   * The Socket.IO client options this fleet needs (`io(url, clientOptions)`): a plain object to
   * export from the stack for the front-end build (see `clientOptionsFor`).
   */
  readonly clientOptions: pulumi.Output<SocketIoClientOptions>;

  constructor(
    name: string,
    args: KubernetesSocketIoFleetArgs,
    opts: KubernetesSocketIoFleetOptions = {},
  ) {
    const { transform: transformOption, ...resourceOptions } = opts;
    super(
      KUBERNETES_FLEET_TYPE,
      name,
      {},
      {
        ...resourceOptions,
        aliases: [...(resourceOptions.aliases ?? []), { type: KUBERNETES_FLEET_LEGACY_TYPE }],
      },
    );

    // 1. Validate everything (shared and Kubernetes rules) and resolve the plain spec.
    const problems = [
      ...validateKubernetesFleet(name, args),
      ...validateKubernetesFleetTransform(transformOption),
    ];
    if (problems.length > 0) throw new pulumi.ResourceError(formatProblems(problems), this);
    const spec = resolveFleetSpec(args, kubernetesPlatform(args.ingress));

    // 2. The namespace.
    const nsName = args.namespace?.name ?? name;
    const namespace =
      (args.namespace?.create ?? true)
        ? new k8s.core.v1.Namespace(
            name,
            {
              metadata: {
                name: nsName,
                labels: namespaceLabels(args.ingress.controller),
              },
            },
            { parent: this },
          ).metadata.name
        : pulumi.output(nsName);
    const ctx = resolveContext(name, args, spec, namespace);
    const transform = transformOption ?? {};
    for (const warning of kubernetesFleetWarnings(ctx)) void pulumi.log.warn(warning, this);

    // 3. Redis (or the Secret holding the external URL).
    const redis = createRedis(ctx, this, transform.redisStatefulSet);

    // 4. Controller objects (BackendConfig, HTTPRoute, GCPBackendPolicy, …) before what names them.
    const plan = ingressPlan(ctx);
    const customResources = plan.customResources.map(
      (cr) => new k8s.apiextensions.CustomResource(cr.name, cr.args, { parent: this }),
    );

    // 5. The workload.
    const svcArgs = serviceArgs(ctx, plan.serviceAnnotations);
    transform.service?.(svcArgs);
    const service = new k8s.core.v1.Service(name, svcArgs, {
      parent: this,
      dependsOn: customResources,
    });
    const depArgs = deploymentArgs(ctx, {
      appCookieName: plan.appCookieName,
      httpKeepAliveTimeoutMs: plan.backendReuse.appKeepAliveMs,
    });
    transform.deployment?.(depArgs);
    const deployment = new k8s.apps.v1.Deployment(name, depArgs, {
      parent: this,
      dependsOn: [redis.secret, ...(redis.statefulSet ? [redis.statefulSet] : [])],
      // With an autoscaler, `replicas` is only the initial count: do not fight the HPA.
      ignoreChanges: ctx.autoscaling ? ["spec.replicas"] : [],
    });
    if (ctx.pdb) new k8s.policy.v1.PodDisruptionBudget(name, pdbArgs(ctx), { parent: this });
    if (ctx.autoscaling && ctx.autoscaling.connections === undefined) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, hpaArgs(ctx, ctx.autoscaling), {
        parent: this,
      });
    }
    // Connection-based scaling (KEDA or prometheus-adapter) instead of the CPU HPA, never both.
    createAutoscaler(ctx, this, deployment);

    // 6. NetworkPolicies.
    new k8s.networking.v1.NetworkPolicy(name, fleetNetworkPolicyArgs(ctx), { parent: this });
    if (ctx.redis.mode === "in-cluster") {
      new k8s.networking.v1.NetworkPolicy(`${name}-redis`, redisNetworkPolicyArgs(ctx), {
        parent: this,
      });
    }

    // 7. Monitors, the fleet's alerts and the Grafana dashboard (with a collector).
    createMonitoring(ctx, this);

    // 8. The Ingress.
    let ingress: k8s.networking.v1.Ingress | undefined;
    if (plan.ingress) {
      const ingArgs = plan.ingress;
      transform.ingress?.(ingArgs);
      ingress = new k8s.networking.v1.Ingress(name, ingArgs, {
        parent: this,
        dependsOn: [service, ...customResources],
      });
    }

    // 9. Outputs.
    this.url = publicUrl(ctx, ingress);
    this.namespace = pulumi.output(namespace);
    this.serviceName = service.metadata.name;
    this.redisUrl = pulumi.secret(redis.url);
    this.clientOptions = pulumi.output(clientOptionsFor(spec));
    this.registerOutputs({
      url: this.url,
      namespace: this.namespace,
      serviceName: this.serviceName,
      redisUrl: this.redisUrl,
      clientOptions: this.clientOptions,
    });
  }
}

/** `ingress.host` when given, else the first load-balancer address the controller published. */
function publicUrl(
  ctx: FleetContext,
  ingress: k8s.networking.v1.Ingress | undefined,
): pulumi.Output<string> {
  const scheme = ctx.tls ? "https" : "http";
  if (ctx.ingress.host !== undefined || ingress === undefined) {
    return pulumi.output(`${scheme}://${ctx.ingress.host ?? ""}`);
  }
  return ingress.status.apply((status) => {
    const lb = status?.loadBalancer?.ingress?.[0];
    const address = lb?.hostname ?? lb?.ip;
    // Empty until the controller publishes an address (it appears on the next `pulumi up`).
    return address ? `${scheme}://${address}` : "";
  });
}
