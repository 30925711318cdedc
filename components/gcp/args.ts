/**
 * The args of `GcpSocketIoFleet`, written for every Pulumi language (the schema analyzer infers
 * them): enums as `as const` objects with a same-named type, one object with a `mode` enum instead
 * of a union of objects, nested type names without an `Args` suffix, defaults in the doc text, and
 * no callbacks (the TypeScript-only `transform` hatch lives in `GcpSocketIoFleetOptions`).
 */
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { SocketIoFleetArgs } from "../shared";
import type { GcpMonitoring } from "./monitoringArgs";
import {
  type GcpRedis,
  GcpRedisConnectMode,
  GcpRedisMode,
  GcpValkeyClusterMode,
} from "./redisArgs";

export * from "./redisArgs";

/** What runs the Socket.IO nodes. */
export const GcpComputeMode = {
  /** A regional managed instance group of Container-Optimized OS VMs (the default). */
  InstanceGroup: "instance-group",
  /**
   * Cloud Run v2 behind a serverless network endpoint group, for websocket-only fleets only: the
   * load balancer's affinity does not apply to it and Cloud Run's own is best effort, and each
   * websocket lasts at most 60 minutes (Cloud Run's request timeout), then the client reconnects.
   */
  CloudRun: "cloud-run",
} as const;
export type GcpComputeMode = (typeof GcpComputeMode)[keyof typeof GcpComputeMode];

/** Which Cloud Armor policy guards the backend service. */
export const GcpSecurityPolicyMode = {
  /** A policy the fleet creates: a per-client-IP throttle and the `cve-canary` WAF rule. */
  Managed: "managed",
  /** An existing policy, given by `id`. */
  Existing: "existing",
  /** No Cloud Armor policy (not recommended: nothing limits a single client). */
  Disabled: "disabled",
} as const;
export type GcpSecurityPolicyMode =
  (typeof GcpSecurityPolicyMode)[keyof typeof GcpSecurityPolicyMode];

/** An existing VPC network and subnetwork to run in. */
export interface GcpNetwork {
  /** The VPC network's id or self link, e.g. "projects/acme/global/networks/prod". */
  network: pulumi.Input<string>;
  /**
   * A subnetwork of that network in `region`, with Private Google Access on (the VMs have no
   * public IPs and reach Artifact Registry and Secret Manager through it).
   */
  subnetwork: pulumi.Input<string>;
}

/** How the nodes run. */
export interface GcpCompute {
  /**
   * Instance group or Cloud Run (websocket-only, websockets capped at 60 minutes). Default:
   * "instance-group".
   */
  mode?: GcpComputeMode;
  /**
   * Compute Engine machine type of each VM (instance-group mode). Default: "e2-small", two
   * shared vCPUs and 2 GB: Node runs one event loop, so scale out rather than up.
   */
  machineType?: string;
  /**
   * Seconds the instance group waits after a VM starts before autohealing may judge it
   * (instance-group mode; 0–3600). Default: 180, a COS boot plus an image pull.
   */
  autohealingInitialDelaySeconds?: number;
  /**
   * Pull images over the internet through Cloud NAT (instance-group mode, fleet-created network
   * only). Default: false: the VMs have no public IPs and reach Artifact Registry and Secret
   * Manager through Private Google Access; set true for images on ghcr.io, Docker Hub and such.
   */
  natEgress?: boolean;
  /**
   * Zones of the regional instance group, e.g. ["europe-west1-b", "europe-west1-c",
   * "europe-west1-d"] (instance-group mode; 1–4 zones of `region`). The API cannot move a group
   * to other zones: changing this list replaces the group and every VM. Default: none, the API's
   * own choice, made once when the group is created and kept after (never a live lookup).
   */
  zones?: string[];
  /** CPU limit of each Cloud Run instance, e.g. "1" (cloud-run mode). Default: "1". */
  cpu?: string;
  /** Memory limit of each Cloud Run instance, e.g. "512Mi" (cloud-run mode). Default: "512Mi". */
  memory?: string;
  /**
   * Concurrent requests per Cloud Run instance; each websocket holds one, so this caps the
   * connections an instance gets (cloud-run mode, 1–1000). Default: `connectionsPerNode` up to
   * 1000, Cloud Run's maximum (1000 for the default 512Mi).
   */
  maxRequestsPerInstance?: number;
}

/** Cloud Armor in front of the backend service. */
export interface GcpSecurityPolicy {
  /** Managed, existing or disabled. Default: "managed". */
  mode?: GcpSecurityPolicyMode;
  /**
   * Requests per minute one client IP may send before it gets HTTP 429 (managed; 10–10000).
   * Default: 600: a long-polling client sends about 5 a minute, so about 100 clients behind one
   * NAT fit; raise it for large offices or carrier NATs.
   */
  requestsPerMinutePerIp?: number;
  /** Id or self link of an existing policy (existing; required there). */
  id?: pulumi.Input<string>;
}

/** Autoscaling on CPU; `replicas` becomes the initial count. */
export interface GcpAutoscaling {
  /** Lowest node count; at most `replicas`. */
  minReplicas: number;
  /** Highest node count; at least `replicas`. */
  maxReplicas: number;
  /**
   * Average CPU the instance group's autoscaler keeps, in percent (1–100; instance-group mode).
   * Default: 60, headroom for reconnect storms.
   */
  targetCpuPercent?: number;
}

export interface GcpSocketIoFleetArgs extends SocketIoFleetArgs {
  /** Project of every resource. Default: the provider's project. */
  project?: pulumi.Input<string>;
  /** Region of the instance group or Cloud Run service, the subnetwork and Memorystore. */
  region: string;
  /**
   * An existing VPC network and subnetwork. Default: a dedicated VPC with one subnetwork
   * (10.10.0.0/20, Private Google Access, flow logs).
   */
  network?: GcpNetwork;
  /** How the nodes run. Default: { mode: "instance-group", machineType: "e2-small" }. */
  compute?: GcpCompute;
  /** CPU autoscaling. Default: none (a fixed `replicas`). */
  autoscaling?: GcpAutoscaling;
  /**
   * Host names the fleet serves (point their DNS A records at `ipAddress`). Without
   * `sslCertificates`, a Google-managed certificate is created for them, which becomes active
   * only once DNS resolves to the load balancer. `url` uses the first. Default: none (plain HTTP
   * on the IP address, unless `sslCertificates` are given).
   */
  domains?: string[];
  /**
   * Self links of existing SSL certificates for the HTTPS proxy, instead of a Google-managed
   * one. Default: none.
   */
  sslCertificates?: pulumi.Input<string>[];
  /** Cloud Armor. Default: { mode: "managed", requestsPerMinutePerIp: 600 }. */
  securityPolicy?: GcpSecurityPolicy;
  /** The adapter's Redis. Default: { mode: "managed", memorySizeGb: 1 }. */
  redis?: GcpRedis;
  /**
   * Deletion protection of Memorystore, the Redis URL secret and the Cloud Run service. Required,
   * because Google's own default is on and a stack that cannot be destroyed surprises as much as
   * one that can: use true in production, false for development stacks.
   */
  deletionProtection: boolean;
  /**
   * Share of requests the load balancer logs, 0–1 (the backend service's `logConfig.sampleRate`).
   * Default: 0.1: every long-polling client sends about 5 requests a minute, so logging each one
   * (the API's default, 1) costs more in Cloud Logging than it tells; one in ten still shows
   * error rates and latencies. Use 1 while debugging, 0 to log nothing.
   */
  requestLogSampleRate?: number;
  /**
   * The app's metrics in Managed Service for Prometheus, the fleet's alert policies and a
   * dashboard in Cloud Monitoring, and (with `autoscaling`) scaling on connections. Default:
   * { enabled: true, scrapeIntervalSeconds: 30 }, no notification channels.
   */
  monitoring?: GcpMonitoring;
}

/** TypeScript-only escape hatches: each receives a child's args before it is created. */
export interface GcpFleetTransforms {
  network?: (args: gcp.compute.NetworkArgs) => void;
  subnetwork?: (args: gcp.compute.SubnetworkArgs) => void;
  firewall?: (args: gcp.compute.FirewallArgs) => void;
  instanceTemplate?: (args: gcp.compute.InstanceTemplateArgs) => void;
  instanceGroupManager?: (args: gcp.compute.RegionInstanceGroupManagerArgs) => void;
  autoscaler?: (args: gcp.compute.RegionAutoscalerArgs) => void;
  cloudRunService?: (args: gcp.cloudrunv2.ServiceArgs) => void;
  backendService?: (args: gcp.compute.BackendServiceArgs) => void;
  healthCheck?: (args: gcp.compute.HealthCheckArgs) => void;
  urlMap?: (args: gcp.compute.URLMapArgs) => void;
  sslPolicy?: (args: gcp.compute.SSLPolicyArgs) => void;
  securityPolicy?: (args: gcp.compute.SecurityPolicyArgs) => void;
  redisInstance?: (args: gcp.redis.InstanceArgs) => void;
  valkeyInstance?: (args: gcp.memorystore.InstanceArgs) => void;
  alertPolicy?: (args: gcp.monitoring.AlertPolicyArgs) => void;
  dashboard?: (args: gcp.monitoring.DashboardArgs) => void;
}

/**
 * Resource options of `GcpSocketIoFleet`. The per-child `transform` callbacks live here rather
 * than in the args, so the schema analyzer (which reads only `args`) never sees a function; other
 * languages use the engine's `transforms` option, matching children by type token.
 */
export interface GcpSocketIoFleetOptions extends pulumi.ComponentResourceOptions {
  transform?: GcpFleetTransforms;
}

/** GCP defaults, each with its reason on the arg's doc comment above. */
export const GCP_DEFAULTS = {
  compute: {
    mode: GcpComputeMode.InstanceGroup,
    machineType: "e2-small",
    autohealingInitialDelaySeconds: 180,
    natEgress: false,
    cpu: "1",
    memory: "512Mi",
    maxRequestsPerInstance: 1000,
  },
  redis: {
    mode: GcpRedisMode.Managed,
    memorySizeGb: 1,
    connectMode: GcpRedisConnectMode.DirectPeering,
  },
  valkey: {
    clusterMode: GcpValkeyClusterMode.Enabled,
    shardCount: 1,
    replicaCount: 1,
    nodeType: "STANDARD_SMALL",
    serviceConnectionPolicy: true,
  },
  securityPolicy: { mode: GcpSecurityPolicyMode.Managed, requestsPerMinutePerIp: 600 },
  targetCpuPercent: 60,
  requestLogSampleRate: 0.1,
  subnetCidr: "10.10.0.0/20",
} as const;

export type ResolvedGcpCompute = Required<Omit<GcpCompute, "mode" | "zones">> & {
  mode: GcpComputeMode;
  zones?: string[];
};
