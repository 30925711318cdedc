/**
 * Memorystore for Valkey (`redis.mode: "valkey"`), beside Memorystore for Redis.
 *
 * Facts it relies on (GoogleCloudPlatform/magic-modules `mmv1/products/memorystore/Instance.yaml`,
 * the source of both Terraform providers and so of `@pulumi/gcp`):
 * - `mode` (CLUSTER | CLUSTER_DISABLED), `transitEncryptionMode`, `authorizationMode`,
 *   `desiredAutoCreatedEndpoints` and `zoneDistributionConfig` are immutable: a change replaces
 *   the instance. So none of them is fed from a live lookup: the endpoint's `projectId` is the
 *   `project` arg, which the validator requires in this mode. `shardCount`, `replicaCount`,
 *   `nodeType`, `engineVersion` and `aclPolicy` update in place.
 * - Auth: IAM auth (`IAM_AUTH`) sends a short-lived access token as the password, which the app
 *   (ioredis with a static password) cannot renew, so it is not used. Basic token-based auth is an
 *   ACL policy attached to the instance (GCP "Secure access to your instances by using basic
 *   token-based authentication": simple auth = a token for the `default` user; the provider's
 *   acceptance test `TestAccMemorystoreInstance_withAclPolicy` attaches one without setting
 *   `authorizationMode`), so the `default` user gets a generated password and every key and
 *   channel (`&*`: Valkey's `acl-pubsub-default` is `resetchannels`).
 * - TLS: `SERVER_AUTHENTICATION` at creation; the instance's CA chain is in `managedServerCas`
 *   (populated only in that mode) and reaches the app as `REDIS_TLS_CA`.
 * - Network: Private Service Connect endpoints created by a service connection policy of class
 *   `gcp-memorystore` on the instance's network (GCP "Networking" for Memorystore for Valkey; the
 *   instance's network must be the policy's). Clients connect to the discovery endpoint (cluster
 *   mode) or the primary endpoint; nodes answer on 6379 and 11000–13047 (GCP "Connect to an
 *   instance"), which `firewall` allows to the endpoint addresses.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RedisMode } from "../shared/appEnvKeys";
import { GCP_DEFAULTS, type GcpFleetTransforms, type GcpRedis } from "./args";

/** Valkey 8.0, the newest GA major on Memorystore (9.0 is in preview). */
export const VALKEY_VERSION = "VALKEY_8_0";
/** The PSC service class of Memorystore for Valkey (`gcp-memorystore-redis` is Redis Cluster's). */
export const VALKEY_SERVICE_CLASS = "gcp-memorystore";
/** The ports of a Valkey instance behind PSC: the endpoint, then the nodes' range. */
export const VALKEY_PORTS = ["6379", "11000-13047"] as const;
/** The ACL rule of the `default` user, after its password: every key, channel and command. */
export const VALKEY_ACL_GRANTS = "~* &* +@all";

export interface ValkeyOptions {
  project?: pulumi.Input<string>;
  region: string;
  redis: GcpRedis;
  networkId: pulumi.Input<string>;
  subnetworkId: pulumi.Input<string>;
  deletionProtection: boolean;
  transform: GcpFleetTransforms;
}

export interface FleetValkey {
  url: pulumi.Output<string>;
  tlsCa: pulumi.Output<string>;
  redisMode: RedisMode;
  instance: gcp.memorystore.Instance;
  aclPolicy: gcp.memorystore.AclPolicy;
  serviceConnectionPolicy?: gcp.networkconnectivity.ServiceConnectionPolicy;
  /** Egress to the PSC endpoints on the Valkey ports. */
  firewall: gcp.compute.Firewall;
}

export function createValkey(name: string, o: ValkeyOptions, parent: pulumi.Resource): FleetValkey {
  const v = { ...GCP_DEFAULTS.valkey, ...defined({ ...o.redis }) };
  const cluster = v.clusterMode === "enabled";
  // Instance and ACL policy ids are unique per project and location: a suffix of their own.
  const suffix = new random.RandomString(
    `${name}-valkey-ids`,
    { length: 6, special: false, upper: false },
    { parent },
  );
  const password = new random.RandomPassword(
    `${name}-valkey-auth`,
    // Letters and digits only: no escaping in the URL or in the ACL rule (`>password`).
    { length: 64, special: false, minUpper: 1, minLower: 1, minNumeric: 1 },
    { parent },
  );
  const token = pulumi.secret(password.result);

  const serviceConnectionPolicy = v.serviceConnectionPolicy
    ? new gcp.networkconnectivity.ServiceConnectionPolicy(
        `${name}-valkey-psc`,
        {
          project: o.project,
          location: o.region,
          serviceClass: VALKEY_SERVICE_CLASS,
          network: o.networkId,
          description: "Socket.IO fleet: PSC endpoints of Memorystore for Valkey",
          pscConfig: { subnetworks: [o.subnetworkId] },
        },
        { parent },
      )
    : undefined;

  const aclPolicy = new gcp.memorystore.AclPolicy(
    `${name}-valkey-acl`,
    {
      project: o.project,
      location: o.region,
      aclPolicyId: pulumi.interpolate`${name}-${suffix.result}`,
      rules: [
        {
          username: "default",
          rule: pulumi.secret(pulumi.interpolate`on >${token} ${VALKEY_ACL_GRANTS}`),
        },
      ],
    },
    { parent },
  );

  const args: gcp.memorystore.InstanceArgs = {
    project: o.project,
    location: o.region,
    instanceId: pulumi.interpolate`${name}-${suffix.result}`,
    mode: cluster ? "CLUSTER" : "CLUSTER_DISABLED",
    shardCount: v.shardCount,
    replicaCount: v.replicaCount,
    nodeType: v.nodeType,
    engineVersion: VALKEY_VERSION,
    // The streams adapter's stream and the recovery sessions must never be evicted.
    engineConfigs: { "maxmemory-policy": "noeviction" },
    transitEncryptionMode: "SERVER_AUTHENTICATION",
    aclPolicy: aclPolicy.id,
    desiredAutoCreatedEndpoints: [
      { network: o.networkId, projectId: o.project as pulumi.Input<string> },
    ],
    zoneDistributionConfig: { mode: "MULTI_ZONE" },
    deletionProtectionEnabled: o.deletionProtection,
    labels: { "socketio-fleet": name },
  };
  o.transform.valkeyInstance?.(args);
  const instance = new gcp.memorystore.Instance(`${name}-valkey`, args, {
    parent,
    dependsOn: serviceConnectionPolicy === undefined ? [] : [serviceConnectionPolicy],
  });

  const connections = instance.endpoints.apply((endpoints) =>
    (endpoints ?? []).flatMap((e) =>
      (e.connections ?? []).flatMap((c) => (c.pscAutoConnection ? [c.pscAutoConnection] : [])),
    ),
  );
  // Cluster mode: the discovery endpoint seeds the cluster client; otherwise the primary.
  const wanted = cluster ? "CONNECTION_TYPE_DISCOVERY" : "CONNECTION_TYPE_PRIMARY";
  const seed = connections.apply((cs) => cs.find((c) => c.connectionType === wanted));
  const url = pulumi.secret(
    pulumi
      .all([token, seed])
      .apply(([t, s]) => `rediss://:${t}@${s?.ipAddress ?? ""}:${s?.port ?? 6379}`),
  );
  const tlsCa = instance.managedServerCas.apply((cas) =>
    (cas ?? [])
      .flatMap((ca) => ca.caCerts ?? [])
      .flatMap((c) => c.certificates ?? [])
      .map((pem) => pem.trim())
      .join("\n"),
  );

  const firewall = new gcp.compute.Firewall(
    `${name}-allow-valkey`,
    {
      project: o.project,
      network: o.networkId,
      description: "Socket.IO fleet: Memorystore for Valkey PSC endpoints on 6379 and 11000-13047",
      direction: "EGRESS",
      priority: 1000,
      destinationRanges: connections.apply((cs) =>
        [...new Set(cs.map((c) => `${c.ipAddress}/32`))].sort(),
      ),
      allows: [{ protocol: "tcp", ports: [...VALKEY_PORTS] }],
    },
    { parent },
  );

  return {
    url,
    tlsCa,
    redisMode: cluster ? "cluster" : "standalone",
    instance,
    aclPolicy,
    serviceConnectionPolicy,
    firewall,
  };
}

function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
