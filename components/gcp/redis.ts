import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GCP_DEFAULTS, GcpRedisMode, type GcpFleetTransforms, type GcpRedis } from "./args";
import { createValkey, type FleetValkey } from "./valkey";

/**
 * Memorystore for Redis 7.2, the newest major version it offers; the samples and the provider
 * use this spelling (cloud.google.com/memorystore/docs/redis/supported-versions).
 */
export const REDIS_VERSION = "REDIS_7_2";

export interface FleetRedis {
  /** The full URL with credentials; a secret. */
  url: pulumi.Output<string>;
  /** Secret Manager secret holding `url`; the nodes read it at start. */
  secret: gcp.secretmanager.Secret;
  secretVersion: gcp.secretmanager.SecretVersion;
  /** PEM of the CA(s) the app must trust for Redis, when it has one. Not a secret. */
  tlsCa?: pulumi.Output<string>;
  instance?: gcp.redis.Instance;
  /** Memorystore for Valkey and its ACL policy, PSC policy and firewall (`mode: "valkey"`). */
  valkey?: FleetValkey;
  /** `cluster` for Valkey in cluster mode (the app's `REDIS_MODE`). */
  redisMode: "standalone" | "cluster";
}

export interface RedisOptions {
  /** Unique per project and stack (`fleetIds`). */
  secretId: string;
  project?: pulumi.Input<string>;
  region: string;
  redis: GcpRedis;
  networkId: pulumi.Input<string>;
  /** The subnetwork the Valkey PSC endpoints take their addresses from. */
  subnetworkId: pulumi.Input<string>;
  deletionProtection: boolean;
  transform: GcpFleetTransforms;
}

export function createRedis(name: string, o: RedisOptions, parent: pulumi.Resource): FleetRedis {
  const mode = o.redis.mode ?? GCP_DEFAULTS.redis.mode;
  const valkey = mode === GcpRedisMode.Valkey ? createValkey(name, o, parent) : undefined;
  const memorystore =
    mode === GcpRedisMode.Managed ? createMemorystore(name, o, parent) : undefined;
  const managed = memorystore ?? valkey;
  const url = managed?.url ?? pulumi.secret(pulumi.output(o.redis.url as pulumi.Input<string>));
  const tlsCa =
    managed?.tlsCa ?? (o.redis.tlsCa === undefined ? undefined : pulumi.output(o.redis.tlsCa));

  const secret = new gcp.secretmanager.Secret(
    `${name}-redis-url`,
    {
      project: o.project,
      secretId: o.secretId,
      replication: { auto: {} },
      labels: { "socketio-fleet": name },
      deletionProtection: o.deletionProtection,
    },
    { parent },
  );
  // A new URL makes a new version (`secret_data` is ForceNew), whose name the nodes' template
  // pins: changing the secret (rotation, a new Memorystore) rolls the instance group or the
  // Cloud Run revision. The old version is abandoned, never destroyed: Pulumi deletes it at the
  // end of the same `up`, while the group's rolling replacement (which `up` does not await) still
  // runs old VMs that fetch it at every container restart. The provider's default `DELETE`
  // destroys it; `DISABLE` makes it unreadable too ("disabled versions cannot be accessed",
  // cloud.google.com/secret-manager/docs/disable-secret-version), so either would make a
  // restarting old VM loop. `ABANDON` only forgets it; it goes with the secret at destroy.
  const secretVersion = new gcp.secretmanager.SecretVersion(
    `${name}-redis-url`,
    { secret: secret.id, secretData: pulumi.secret(url), deletionPolicy: "ABANDON" },
    { parent },
  );
  return {
    url,
    secret,
    secretVersion,
    tlsCa,
    instance: memorystore?.instance,
    valkey,
    redisMode: valkey?.redisMode ?? "standalone",
  };
}

/**
 * Memorystore for Redis, Standard tier (a replica in another zone with automatic failover), on the
 * fleet's network through direct peering (or private services access, for Shared VPC), with AUTH and TLS (`SERVER_AUTHENTICATION`: clients
 * verify the server against the instance's own CA, whose certificate names only its IP address).
 * Memorystore blocks `CLIENT` (the app never sends it) and serves TLS on the port it reports.
 */
function createMemorystore(name: string, o: RedisOptions, parent: pulumi.Resource) {
  const args: gcp.redis.InstanceArgs = {
    project: o.project,
    region: o.region,
    tier: "STANDARD_HA",
    memorySizeGb: o.redis.memorySizeGb ?? GCP_DEFAULTS.redis.memorySizeGb,
    redisVersion: REDIS_VERSION,
    authorizedNetwork: o.networkId,
    connectMode: o.redis.connectMode ?? GCP_DEFAULTS.redis.connectMode,
    ...(o.redis.reservedIpRange === undefined ? {} : { reservedIpRange: o.redis.reservedIpRange }),
    authEnabled: true,
    transitEncryptionMode: "SERVER_AUTHENTICATION",
    // The streams adapter's stream and the recovery sessions must never be evicted.
    redisConfigs: { "maxmemory-policy": "noeviction" },
    deletionProtection: o.deletionProtection,
    labels: { "socketio-fleet": name },
  };
  o.transform.redisInstance?.(args);
  const instance = new gcp.redis.Instance(`${name}-redis`, args, { parent });
  // Mocks do not apply the provider's additionalSecretOutputs: wrap explicitly.
  const auth = pulumi.secret(instance.authString);
  const url = pulumi.secret(
    pulumi
      .all([auth, instance.host, instance.port])
      .apply(([a, host, port]) => `rediss://:${encodeURIComponent(a)}@${host}:${port}`),
  );
  // Every current CA: during a CA rotation Memorystore lists the old and the new one.
  const tlsCa = instance.serverCaCerts.apply((certs) =>
    (certs ?? []).map((c) => c.cert.trim()).join("\n"),
  );
  return { instance, url, tlsCa };
}
