import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_METRICS_PORT,
  clientOptionsFor,
  formatProblems,
  resolveFleetSpec,
  type SocketIoClientOptions,
} from "../shared";
import {
  GCP_DEFAULTS,
  type GcpSocketIoFleetArgs,
  type GcpSocketIoFleetOptions,
  type ResolvedGcpCompute,
  GcpComputeMode,
} from "./args";
import { gcpAppEnv } from "./appEnvironment";
import { createBackendService } from "./backendService";
import { createFrontend } from "./frontend";
import { createIdentity } from "./iam";
import { fleetIds } from "./names";
import { createFleetNodes } from "./nodes";
import { createNetwork } from "./network";
import { gcpPlatform } from "./platform";
import { createRedis } from "./redis";
import { createSecurityPolicy } from "./securityPolicy";
import { createFleetMonitoring } from "./fleetMonitoring";
import { createRunCollectorConfig, type RunCollectorConfig } from "./metricsCollector";
import { resolveGcpMonitoring } from "./monitoringArgs";
import { gcpCapacity } from "./nodeCapacity";
import { validateGcpFleet, validateGcpFleetName } from "./validate";

/** The token the schema analyzer gives this class; new, so it needs no alias. */
export const GCP_FLEET_TYPE = "socketio-fleet:index:GcpSocketIoFleet";

export const CERTIFICATES_WITHOUT_DOMAIN_WARNING =
  "`sslCertificates` are set without `domains`: `url` becomes https://<the load balancer's IP " +
  "address>, which the certificates do not cover, so browsers reject it; add the names they " +
  "cover to `domains` (and point their DNS at `ipAddress`)";

/**
 * A Socket.IO fleet on Google Cloud: a global external Application Load Balancer (Cloud Armor,
 * a Google-managed certificate, backend-service session affinity with a ring-hash policy,
 * `timeoutSec` as the websocket lifetime), a regional managed instance group of
 * Container-Optimized OS VMs (or, websocket-only, Cloud Run), and Memorystore for Redis (TLS +
 * AUTH) whose URL reaches the nodes only through Secret Manager.
 */
export class GcpSocketIoFleet extends pulumi.ComponentResource {
  /** Public endpoint: `https://<first domain>` with TLS, else `http://<ipAddress>`. */
  readonly url: pulumi.Output<string>;
  /** The global IPv4 address; point the DNS of `domains` at it. */
  readonly ipAddress: pulumi.Output<string>;
  /** The Socket.IO client options this fleet needs (`io(url, clientOptions)`). */
  readonly clientOptions: pulumi.Output<SocketIoClientOptions>;
  /** The full Redis URL with credentials (a secret). */
  readonly redisUrl: pulumi.Output<string>;
  readonly backendService: gcp.compute.BackendService;
  readonly urlMap: gcp.compute.URLMap;
  readonly httpsProxy?: gcp.compute.TargetHttpsProxy;
  readonly certificate?: gcp.compute.ManagedSslCertificate;
  readonly securityPolicy?: gcp.compute.SecurityPolicy;
  /** The instance group (instance-group mode). */
  readonly instanceGroupManager?: gcp.compute.RegionInstanceGroupManager;
  readonly instanceTemplate?: gcp.compute.InstanceTemplate;
  readonly autoscaler?: gcp.compute.RegionAutoscaler;
  readonly firewall?: gcp.compute.Firewall;
  /** The Cloud Run service (cloud-run mode). */
  readonly cloudRunService?: gcp.cloudrunv2.Service;
  readonly network?: gcp.compute.Network;
  readonly subnetwork?: gcp.compute.Subnetwork;
  readonly redisInstance?: gcp.redis.Instance;
  /** Memorystore for Valkey (`redis.mode: "valkey"` only). */
  readonly valkeyInstance?: gcp.memorystore.Instance;
  readonly redisSecret: gcp.secretmanager.Secret;
  readonly serviceAccount: gcp.serviceaccount.Account;
  /** Cloud Monitoring alert policies by alert name (`monitoring.enabled`). */
  readonly alertPolicies?: Record<string, gcp.monitoring.AlertPolicy>;
  /** The fleet's Cloud Monitoring dashboard (`monitoring.enabled`). */
  readonly dashboard?: gcp.monitoring.Dashboard;
  /** The node capacity in connections, as derived or given (`connectionsPerNode`). */
  readonly connectionsPerNode: pulumi.Output<number>;

  constructor(name: string, args: GcpSocketIoFleetArgs, opts?: GcpSocketIoFleetOptions) {
    const { transform: transformOption, ...resourceOptions } = opts ?? {};
    super(GCP_FLEET_TYPE, name, {}, resourceOptions);

    // 1. Validate everything (shared + GCP rules) and report every problem at once.
    const problems = [...validateGcpFleetName(name), ...validateGcpFleet(args)];
    if (problems.length > 0) throw new pulumi.ResourceError(formatProblems(problems), this);
    const spec = resolveFleetSpec(args, gcpPlatform({ ...args }));
    const compute: ResolvedGcpCompute = {
      ...GCP_DEFAULTS.compute,
      ...defined({ ...args.compute }),
    };
    const transform = transformOption ?? {};
    const domains = args.domains ?? [];
    if (args.sslCertificates !== undefined && domains.length === 0) {
      pulumi.log.warn(CERTIFICATES_WITHOUT_DOMAIN_WARNING, this);
    }
    const project =
      args.project ?? gcp.organizations.getClientConfigOutput({ parent: this }).project;
    const cloudRun = compute.mode === GcpComputeMode.CloudRun;
    const ids = fleetIds(name, pulumi.getProject(), pulumi.getStack());
    const monitoring = resolveGcpMonitoring(args.monitoring, cloudRun);
    const capacity = gcpCapacity(
      spec,
      {
        cloudRun,
        machineType: compute.machineType,
        memory: compute.memory,
        collector: !cloudRun && monitoring.enabled,
      },
      args.compute?.maxRequestsPerInstance,
    );

    // 2. Network, Redis and its secret, the nodes' identity.
    const network = createNetwork(
      name,
      {
        project: args.project,
        region: args.region,
        network: args.network,
        natEgress: compute.natEgress,
        transform,
      },
      this,
    );
    const redis = createRedis(
      name,
      {
        project: args.project,
        region: args.region,
        secretId: ids.redisSecretId,
        redis: args.redis ?? {},
        networkId: network.networkId,
        subnetworkId: network.subnetworkId,
        deletionProtection: args.deletionProtection,
        transform,
      },
      this,
    );
    const identity = createIdentity(
      name,
      // Cloud Run pulls with its own service agent: only VMs need the reader role.
      {
        project,
        accountId: ids.serviceAccountId,
        secretId: redis.secret.id,
        image: cloudRun ? undefined : args.image,
      },
      this,
    );
    const ready = [redis.secretVersion, identity.secretAccess, ...identity.projectRoles];
    const env = gcpAppEnv(spec, redis.tlsCa, redis.redisMode, capacity.maxConnections);
    const runCollector: RunCollectorConfig | undefined =
      cloudRun && monitoring.enabled
        ? createRunCollectorConfig(
            name,
            {
              project: args.project,
              secretId: ids.collectorConfigSecretId,
              metricsPort: DEFAULT_METRICS_PORT,
              scrapeIntervalSeconds: monitoring.scrapeIntervalSeconds,
              member: identity.serviceAccount.member,
              image: monitoring.collectorImage,
            },
            this,
          )
        : undefined;

    // 3. The nodes: Cloud Run, or the instance group behind its firewall.
    const { group, run, firewall } = createFleetNodes(
      name,
      {
        spec,
        compute,
        cloudRun,
        project: args.project,
        region: args.region,
        network,
        identity,
        env,
        redis,
        autoscaling: args.autoscaling,
        deletionProtection: args.deletionProtection,
        capacity,
        runCollector,
        vmCollector: monitoring.enabled
          ? {
              image: monitoring.collectorImage,
              metricsPort: DEFAULT_METRICS_PORT,
              namespace: ids.metricsNamespace,
              scrapeIntervalSeconds: monitoring.scrapeIntervalSeconds,
            }
          : undefined,
        ready,
        transform,
      },
      this,
    );

    // 4. The load balancer.
    const armor = createSecurityPolicy(name, args.securityPolicy, args.project, transform, this);
    const backend = createBackendService(
      name,
      {
        spec,
        project: args.project,
        target: run
          ? { kind: "cloud-run", endpointGroup: run.endpointGroup.id }
          : {
              kind: "instance-group",
              group: (group as NonNullable<typeof group>).instanceGroupManager.instanceGroup,
            },
        securityPolicyId: armor.id,
        logSampleRate: args.requestLogSampleRate ?? GCP_DEFAULTS.requestLogSampleRate,
        transform,
      },
      this,
    );
    const frontend = createFrontend(
      name,
      {
        project: args.project,
        backendServiceId: backend.backendService.id,
        domains,
        sslCertificates: args.sslCertificates,
        transform,
      },
      this,
    );

    // 5. Alert policies and the dashboard, on the series the collectors write.
    const observed = monitoring.enabled
      ? createFleetMonitoring(
          name,
          {
            project: args.project,
            monitoring,
            cloudRunService: run?.service,
            metricsNamespace: ids.metricsNamespace,
            redis,
            backendServiceName: backend.backendService.name,
            minReadyNodes: args.autoscaling?.minReplicas ?? spec.replicas,
            connectionsPerNode: capacity.connectionsPerNode,
            transform,
          },
          this,
        )
      : undefined;

    // 6. Public outputs.
    const tls = frontend.httpsProxy !== undefined;
    this.ipAddress = frontend.address.address;
    this.url =
      domains.length > 0
        ? pulumi.output(`https://${domains[0]}`)
        : frontend.address.address.apply((ip) => `${tls ? "https" : "http"}://${ip}`);
    this.clientOptions = pulumi.output(clientOptionsFor(spec));
    this.redisUrl = pulumi.secret(redis.url);
    this.backendService = backend.backendService;
    this.urlMap = frontend.urlMap;
    this.httpsProxy = frontend.httpsProxy;
    this.certificate = frontend.certificate;
    this.securityPolicy = armor.policy;
    this.instanceGroupManager = group?.instanceGroupManager;
    this.instanceTemplate = group?.instanceTemplate;
    this.autoscaler = group?.autoscaler;
    this.firewall = firewall;
    this.cloudRunService = run?.service;
    this.network = network.network;
    this.subnetwork = network.subnetwork;
    this.redisInstance = redis.instance;
    this.valkeyInstance = redis.valkey?.instance;
    this.redisSecret = redis.secret;
    this.serviceAccount = identity.serviceAccount;
    this.connectionsPerNode = pulumi.output(capacity.connectionsPerNode);
    this.alertPolicies = observed?.alertPolicies;
    this.dashboard = observed?.dashboard;

    this.registerOutputs({
      url: this.url,
      ipAddress: this.ipAddress,
      clientOptions: this.clientOptions,
      redisUrl: this.redisUrl,
      backendService: this.backendService,
      urlMap: this.urlMap,
      httpsProxy: this.httpsProxy,
      certificate: this.certificate,
      securityPolicy: this.securityPolicy,
      instanceGroupManager: this.instanceGroupManager,
      instanceTemplate: this.instanceTemplate,
      autoscaler: this.autoscaler,
      firewall: this.firewall,
      cloudRunService: this.cloudRunService,
      network: this.network,
      subnetwork: this.subnetwork,
      redisInstance: this.redisInstance,
      valkeyInstance: this.valkeyInstance,
      redisSecret: this.redisSecret,
      serviceAccount: this.serviceAccount,
      alertPolicies: this.alertPolicies,
      dashboard: this.dashboard,
      connectionsPerNode: this.connectionsPerNode,
    });
  }
}

/** `obj` without its `undefined` members, so spreading it over defaults keeps the defaults. */
function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
