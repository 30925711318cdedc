import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { APP_ENV, type ResolvedFleetSpec } from "../shared";
import {
  GCP_DEFAULTS,
  type GcpAutoscaling,
  type GcpFleetTransforms,
  type ResolvedGcpCompute,
} from "./args";
import { renderCloudConfig } from "./cloudInit";
import { connectionMetric, scaleInControl } from "./connectionScaling";
import { GCP_MONITORING_DEFAULTS } from "./monitoringArgs";
import type { VmCollectorInput } from "./vmCollector";
import { MAX_REGION_ZONES } from "./platform";
import { vmImageProblem } from "./validateCloudLimits";

/** The named port the backend service sends traffic to (`portName`). */
export const NAMED_PORT = "http";
/** Container-Optimized OS, stable channel: Google's image for running containers on VMs. */
export const COS_IMAGE = "cos-cloud/cos-stable";

export interface FleetInstanceGroup {
  instanceTemplate: gcp.compute.InstanceTemplate;
  instanceGroupManager: gcp.compute.RegionInstanceGroupManager;
  livenessCheck: gcp.compute.HealthCheck;
  autoscaler?: gcp.compute.RegionAutoscaler;
}

export interface InstanceGroupOptions {
  spec: ResolvedFleetSpec;
  compute: ResolvedGcpCompute;
  project?: pulumi.Input<string>;
  region: string;
  subnetworkId: pulumi.Input<string>;
  serviceAccountEmail: pulumi.Input<string>;
  env: pulumi.Output<Record<string, string>>;
  /** `projects/…/secrets/…/versions/N`: a new version rolls the group. */
  redisSecretVersion: pulumi.Input<string>;
  autoscaling?: GcpAutoscaling;
  /** The metrics collector beside the app (monitoring on); also turns on connection scaling. */
  collector?: VmCollectorInput;
  /** The node capacity: the autoscaler's connections per VM. */
  connectionsPerNode: number;
  /** What must exist before VMs start: the secret version, its IAM binding, the firewall. */
  dependsOn: pulumi.Resource[];
  transform: GcpFleetTransforms;
}

/**
 * The VMs' cloud-config. An `image` Output (e.g. a docker-build Image's `ref`) is checked for a
 * digest once it is known, at deploy: a tag there fails the update (a plain string was refused
 * at construction).
 */
export function vmUserData(
  o: Pick<InstanceGroupOptions, "spec" | "env" | "redisSecretVersion" | "collector">,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const env = o.env.apply((e) => {
    const plain = { ...e };
    delete plain[APP_ENV.redisTlsCa]; // written as a file: a PEM spans lines
    return plain;
  });
  return pulumi
    .all([o.spec.image, env, o.redisSecretVersion, o.env])
    .apply(([image, plain, version, full]) => {
      const problem = vmImageProblem(image);
      if (problem !== undefined) throw new pulumi.ResourceError(problem, parent);
      return renderCloudConfig({
        image,
        containerPort: o.spec.containerPort,
        env: plain,
        redisSecretVersion: version,
        redisTlsCa: full[APP_ENV.redisTlsCa],
        ...(o.collector === undefined ? {} : { collector: o.collector }),
      });
    });
}

/**
 * A regional managed instance group of COS VMs over the region's zones: no public IPs, Shielded
 * VM, OS Login with project SSH keys blocked, the dedicated service account, the container
 * started by cloud-init. Autohealing recreates a VM whose liveness check fails; rolling updates
 * surge new VMs and never take one away before its replacement is ready
 * (`maxUnavailableFixed: 0`).
 */
export function createInstanceGroup(
  name: string,
  o: InstanceGroupOptions,
  parent: pulumi.Resource,
): FleetInstanceGroup {
  const userData = vmUserData(o, parent);

  const templateArgs: gcp.compute.InstanceTemplateArgs = {
    project: o.project,
    region: o.region,
    description: "Socket.IO fleet node (socketio-fleet)",
    machineType: o.compute.machineType,
    disks: [{ sourceImage: COS_IMAGE, boot: true, autoDelete: true, diskType: "pd-balanced" }],
    // No accessConfigs: no public IP. Egress to Google APIs goes through Private Google Access.
    networkInterfaces: [{ subnetwork: o.subnetworkId }],
    serviceAccount: {
      email: o.serviceAccountEmail,
      // The broad scope is narrowed by IAM: the account holds only its own few roles.
      scopes: ["https://www.googleapis.com/auth/cloud-platform"],
    },
    shieldedInstanceConfig: {
      enableSecureBoot: true,
      enableVtpm: true,
      enableIntegrityMonitoring: true,
    },
    metadata: {
      "user-data": userData,
      "enable-oslogin": "TRUE",
      "block-project-ssh-keys": "true",
    },
    scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE" },
    labels: { "socketio-fleet": name },
  };
  o.transform.instanceTemplate?.(templateArgs);
  const instanceTemplate = new gcp.compute.InstanceTemplate(`${name}-template`, templateArgs, {
    parent,
  });

  const livenessArgs: gcp.compute.HealthCheckArgs = {
    project: o.project,
    description: "Socket.IO fleet liveness (autohealing)",
    checkIntervalSec: 10,
    timeoutSec: 5,
    healthyThreshold: 2,
    // Three misses (30 s) before a VM is recreated: one slow GC pause is not a dead node.
    unhealthyThreshold: 3,
    httpHealthCheck: { port: o.spec.containerPort, requestPath: o.spec.healthCheckPath },
    logConfig: { enable: true },
  };
  o.transform.healthCheck?.(livenessArgs);
  const livenessCheck = new gcp.compute.HealthCheck(`${name}-liveness`, livenessArgs, { parent });

  // Never a live lookup: `distribution_policy_zones` is ForceNew (Optional + Computed) in the
  // provider (hashicorp/terraform-provider-google, services/compute/
  // resource_compute_region_instance_group_manager.go), so zones read from `getZones` at each
  // `up` (a zone reported DOWN, a new zone) would replace the group and every VM. Unset, the
  // API chooses once and the provider keeps its choice.
  const zones = o.compute.zones;
  const groupArgs: gcp.compute.RegionInstanceGroupManagerArgs = {
    project: o.project,
    region: o.region,
    description: "Socket.IO fleet nodes (socketio-fleet)",
    baseInstanceName: name,
    versions: [{ name: "primary", instanceTemplate: instanceTemplate.selfLinkUnique }],
    targetSize: o.spec.replicas,
    ...(zones === undefined ? {} : { distributionPolicyZones: zones }),
    namedPorts: [{ name: NAMED_PORT, port: o.spec.containerPort }],
    autoHealingPolicies: {
      healthCheck: livenessCheck.id,
      initialDelaySec: o.compute.autohealingInitialDelaySeconds,
    },
    updatePolicy: {
      type: "PROACTIVE",
      minimalAction: "REPLACE",
      replacementMethod: "SUBSTITUTE",
      maxSurgeFixed: zones?.length ?? MAX_REGION_ZONES,
      maxUnavailableFixed: 0,
      // A new VM must stay ready this long before the next old one goes.
      minReadySec: 30,
    },
  };
  o.transform.instanceGroupManager?.(groupArgs);
  const instanceGroupManager = new gcp.compute.RegionInstanceGroupManager(
    `${name}-nodes`,
    groupArgs,
    {
      parent,
      dependsOn: o.dependsOn,
      // The autoscaler owns the size after creation ("targetSize … will fight with autoscaler").
      ignoreChanges: o.autoscaling === undefined ? [] : ["targetSize"],
    },
  );
  if (o.autoscaling === undefined) {
    return { instanceTemplate, instanceGroupManager, livenessCheck };
  }
  const autoscalerArgs: gcp.compute.RegionAutoscalerArgs = {
    project: o.project,
    region: o.region,
    target: instanceGroupManager.id,
    autoscalingPolicy: {
      minReplicas: o.autoscaling.minReplicas,
      maxReplicas: o.autoscaling.maxReplicas,
      // A COS VM boots, pulls and connects to Redis before its CPU means anything.
      cooldownPeriod: 180,
      cpuUtilization: {
        target: (o.autoscaling.targetCpuPercent ?? GCP_DEFAULTS.targetCpuPercent) / 100,
      },
      // Connections per VM beside CPU, when they are collected (`connectionScaling.ts`).
      ...(o.collector === undefined
        ? {}
        : { metrics: [connectionMetric(o.collector.namespace, o.connectionsPerNode)] }),
      // Each removed VM drops its sockets, which reconnect: one VM per window.
      scaleInControl: scaleInControl(
        o.collector?.scrapeIntervalSeconds ?? GCP_MONITORING_DEFAULTS.scrapeIntervalSeconds,
        { connectionsPerNode: o.connectionsPerNode, minReplicas: o.autoscaling.minReplicas },
      ),
    },
  };
  o.transform.autoscaler?.(autoscalerArgs);
  const autoscaler = new gcp.compute.RegionAutoscaler(`${name}-autoscaler`, autoscalerArgs, {
    parent,
  });
  return { instanceTemplate, instanceGroupManager, livenessCheck, autoscaler };
}
