/**
 * The fleet's nodes: a Cloud Run service (websocket-only fleets), or a regional instance group of
 * COS VMs behind a firewall that admits only Google's health checkers and front ends. Either way
 * they start only once the Redis URL's secret version and its IAM grant exist.
 */
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedFleetSpec } from "../shared";
import type { GcpAutoscaling, GcpFleetTransforms, ResolvedGcpCompute } from "./args";
import { createCloudRun } from "./cloudRun";
import { createFirewall } from "./firewall";
import type { createIdentity } from "./iam";
import { waitForSecretAccess } from "./iamPropagation";
import { createInstanceGroup } from "./instanceGroup";
import type { RunCollectorConfig } from "./metricsCollector";
import type { createNetwork } from "./network";
import type { gcpCapacity } from "./nodeCapacity";
import type { createRedis } from "./redis";
import type { VmCollectorInput } from "./vmCollector";

export interface FleetNodesOptions {
  spec: ResolvedFleetSpec;
  compute: ResolvedGcpCompute;
  cloudRun: boolean;
  project?: pulumi.Input<string>;
  region: string;
  network: Pick<ReturnType<typeof createNetwork>, "networkId" | "subnetworkId">;
  identity: ReturnType<typeof createIdentity>;
  env: pulumi.Output<Record<string, string>>;
  redis: Pick<ReturnType<typeof createRedis>, "secret" | "secretVersion">;
  autoscaling?: GcpAutoscaling;
  deletionProtection: boolean;
  capacity: ReturnType<typeof gcpCapacity>;
  /** Cloud Run's metrics sidecar and its config secret (monitoring on). */
  runCollector?: RunCollectorConfig;
  /** The VMs' metrics collector (monitoring on). */
  vmCollector?: VmCollectorInput;
  /** What must exist before any node starts: the secret version, its grant, the project roles. */
  ready: pulumi.Resource[];
  transform: GcpFleetTransforms;
}

export interface FleetNodes {
  run?: ReturnType<typeof createCloudRun>;
  group?: ReturnType<typeof createInstanceGroup>;
  firewall?: gcp.compute.Firewall;
}

export function createFleetNodes(
  name: string,
  o: FleetNodesOptions,
  parent: pulumi.Resource,
): FleetNodes {
  if (o.cloudRun) {
    const run = createCloudRun(
      name,
      {
        spec: o.spec,
        compute: o.compute,
        project: o.project,
        region: o.region,
        networkId: o.network.networkId,
        subnetworkId: o.network.subnetworkId,
        serviceAccountEmail: o.identity.serviceAccount.email,
        env: o.env,
        redisSecretId: o.redis.secret.secretId,
        redisSecretVersion: o.redis.secretVersion.version,
        autoscaling: o.autoscaling,
        concurrency: o.capacity.concurrency,
        collector: o.runCollector?.sidecar,
        deletionProtection: o.deletionProtection,
        dependsOn: [
          ...o.ready,
          waitForSecretAccess(name, o.identity.secretAccess, parent, [
            ...(o.runCollector === undefined ? [] : [o.runCollector.access]),
          ]),
        ],
        transform: o.transform,
      },
      parent,
    );
    return { run };
  }
  const firewall = createFirewall(
    name,
    {
      project: o.project,
      networkId: o.network.networkId,
      containerPort: o.spec.containerPort,
      serviceAccountEmail: o.identity.serviceAccount.email,
      transform: o.transform,
    },
    parent,
  );
  const group = createInstanceGroup(
    name,
    {
      spec: o.spec,
      compute: o.compute,
      project: o.project,
      region: o.region,
      subnetworkId: o.network.subnetworkId,
      serviceAccountEmail: o.identity.serviceAccount.email,
      env: o.env,
      redisSecretVersion: o.redis.secretVersion.name,
      autoscaling: o.autoscaling,
      connectionsPerNode: o.capacity.connectionsPerNode,
      collector: o.vmCollector,
      dependsOn: [...o.ready, firewall, ...(o.identity.imagePull ? [o.identity.imagePull] : [])],
      transform: o.transform,
    },
    parent,
  );
  return { group, firewall };
}
