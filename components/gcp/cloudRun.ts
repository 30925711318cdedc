import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { APP_ENV, type ResolvedFleetSpec } from "../shared";
import type { GcpAutoscaling, GcpFleetTransforms, ResolvedGcpCompute } from "./args";
import { APP_CONTAINER, collectorContainer, collectorVolume } from "./runCollector";
import { CLOUD_RUN_RESERVED_ENV } from "./validateCloudLimits";

export interface FleetCloudRun {
  service: gcp.cloudrunv2.Service;
  endpointGroup: gcp.compute.RegionNetworkEndpointGroup;
}

export interface CloudRunOptions {
  spec: ResolvedFleetSpec;
  compute: ResolvedGcpCompute;
  project?: pulumi.Input<string>;
  region: string;
  networkId: pulumi.Input<string>;
  subnetworkId: pulumi.Input<string>;
  serviceAccountEmail: pulumi.Input<string>;
  env: pulumi.Output<Record<string, string>>;
  redisSecretId: pulumi.Input<string>;
  /** The version number: a new URL makes a new revision. */
  redisSecretVersion: pulumi.Input<string>;
  autoscaling?: GcpAutoscaling;
  /** Concurrent requests per instance: the connections cap (`nodeCapacity.ts`). */
  concurrency: number;
  /** The run-gmp-sidecar and its RunMonitoring secret version (monitoring on). */
  collector?: {
    image: string;
    configSecretId: pulumi.Input<string>;
    configVersion: pulumi.Input<string>;
  };
  deletionProtection: boolean;
  dependsOn: pulumi.Resource[];
  transform: GcpFleetTransforms;
}

/**
 * Cloud Run v2 behind a serverless NEG, for websocket-only fleets (the validator refuses the rest).
 * Each websocket is one request, capped by the request timeout (`template.timeout`) at 60 minutes:
 * clients then reconnect. Reachable only through the load balancer (`INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER`,
 * so Cloud Armor cannot be bypassed through the `run.app` URL), without the invoker IAM check
 * (browsers carry no Google identity). `REDIS_URL` comes from Secret Manager through Cloud Run's
 * own secret environment; Redis is reached through Direct VPC egress on the fleet's subnetwork.
 * CPU stays allocated (`cpuIdle: false`): the Redis subscription and the heartbeats run between
 * requests.
 */
export function createCloudRun(
  name: string,
  o: CloudRunOptions,
  parent: pulumi.Resource,
): FleetCloudRun {
  const min = o.autoscaling?.minReplicas ?? o.spec.replicas;
  const max = o.autoscaling?.maxReplicas ?? o.spec.replicas;
  const envs = o.env.apply((env) => [
    ...Object.entries(env)
      // Cloud Run refuses its reserved names; it sets PORT itself from `ports.containerPort`.
      .filter(([n]) => !(CLOUD_RUN_RESERVED_ENV as readonly string[]).includes(n))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([n, value]) => ({ name: n, value })),
    {
      name: APP_ENV.redisUrl,
      valueSource: { secretKeyRef: { secret: o.redisSecretId, version: o.redisSecretVersion } },
    },
  ]);
  const args: gcp.cloudrunv2.ServiceArgs = {
    project: o.project,
    location: o.region,
    description: "Socket.IO fleet (socketio-fleet), websocket-only",
    ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
    invokerIamDisabled: true,
    deletionProtection: o.deletionProtection,
    labels: { "socketio-fleet": name },
    template: {
      serviceAccount: o.serviceAccountEmail,
      executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
      timeout: `${o.spec.connectionTimeoutSeconds}s`,
      // Each websocket holds one request for its whole life: the most connections an instance
      // gets, since Cloud Run cannot scale on a custom metric (`nodeCapacity.ts`).
      maxInstanceRequestConcurrency: o.concurrency,
      sessionAffinity: false,
      scaling: { minInstanceCount: min, maxInstanceCount: max },
      vpcAccess: {
        networkInterfaces: [{ network: o.networkId, subnetwork: o.subnetworkId }],
        egress: "PRIVATE_RANGES_ONLY",
      },
      ...(o.collector === undefined
        ? {}
        : { volumes: [collectorVolume(o.collector.configSecretId, o.collector.configVersion)] }),
      containers: [
        {
          // Named so the collector can wait for it (`dependsOns`); the only one with `ports`
          // (Cloud Run takes requests on one ingress container).
          name: APP_CONTAINER,
          image: o.spec.image,
          ports: { containerPort: o.spec.containerPort },
          envs,
          resources: {
            limits: { cpu: o.compute.cpu, memory: o.compute.memory },
            cpuIdle: false,
            startupCpuBoost: true,
          },
          startupProbe: {
            httpGet: { path: "/readyz", port: o.spec.containerPort },
            periodSeconds: 5,
            failureThreshold: 24,
          },
          livenessProbe: {
            httpGet: { path: o.spec.healthCheckPath, port: o.spec.containerPort },
            periodSeconds: 10,
            failureThreshold: 3,
          },
        },
        ...(o.collector === undefined ? [] : [collectorContainer(o.collector.image)]),
      ],
    },
  };
  o.transform.cloudRunService?.(args);
  const service = new gcp.cloudrunv2.Service(`${name}-run`, args, {
    parent,
    dependsOn: o.dependsOn,
  });
  const endpointGroup = new gcp.compute.RegionNetworkEndpointGroup(
    `${name}-neg`,
    {
      project: o.project,
      region: o.region,
      networkEndpointType: "SERVERLESS",
      cloudRun: { service: service.name },
    },
    { parent },
  );
  return { service, endpointGroup };
}
