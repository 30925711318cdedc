/** The Redis args of the GCP target: Memorystore for Redis or Valkey, or an external Redis. */
import type * as pulumi from "@pulumi/pulumi";

/** Where the adapter's Redis comes from. */
export const GcpRedisMode = {
  /** Memorystore for Redis that the fleet creates (Standard tier, TLS, AUTH). */
  Managed: "managed",
  /** A Redis the fleet does not manage, given by URL. */
  External: "external",
  /**
   * Memorystore for Valkey that the fleet creates: cluster mode or not, TLS,
   * a password through an ACL policy, reached over Private Service Connect.
   */
  Valkey: "valkey",
} as const;
export type GcpRedisMode = (typeof GcpRedisMode)[keyof typeof GcpRedisMode];

/** How Memorystore connects to the network (the API's `connectMode`, spelled as it spells it). */
export const GcpRedisConnectMode = {
  /** VPC peering from Memorystore's network to `network` (the API's default). */
  DirectPeering: "DIRECT_PEERING",
  /**
   * Private services access: the connection that a network's owner sets up once
   * (`servicenetworking.googleapis.com`, with an allocated range). Needed on a Shared VPC network
   * from a service project, where direct peering is not offered.
   */
  PrivateServiceAccess: "PRIVATE_SERVICE_ACCESS",
} as const;
export type GcpRedisConnectMode = (typeof GcpRedisConnectMode)[keyof typeof GcpRedisConnectMode];

/** Cluster mode of Memorystore for Valkey; chosen at creation (changing it replaces the instance). */
export const GcpValkeyClusterMode = {
  /**
   * `shardCount` shards (1–250); the app connects as a cluster client (`REDIS_MODE=cluster`) and
   * needs `adapter: "redis-sharded"`.
   */
  Enabled: "enabled",
  /** One shard (a primary and `replicaCount` replicas): every adapter works. */
  Disabled: "disabled",
} as const;
export type GcpValkeyClusterMode = (typeof GcpValkeyClusterMode)[keyof typeof GcpValkeyClusterMode];

/** The adapter's Redis. */
export interface GcpRedis {
  /** Managed Memorystore or an external URL. Default: "managed". */
  mode?: GcpRedisMode;
  /**
   * Memorystore size in GiB (managed; 1–300). Default: 1, the Standard tier's smallest, ample
   * for pub/sub buffers.
   */
  memorySizeGb?: number;
  /**
   * How Memorystore reaches the network (managed). "PRIVATE_SERVICE_ACCESS" needs `network`
   * with its private services access connection already set up (a Shared VPC host project's
   * admin does this); changing it replaces the instance. Default: "DIRECT_PEERING".
   */
  connectMode?: GcpRedisConnectMode;
  /**
   * Name of the allocated range of the private services access connection to place Memorystore
   * in (managed, "PRIVATE_SERVICE_ACCESS" only). Default: none, Memorystore picks a free block in
   * the connection's ranges.
   */
  reservedIpRange?: string;
  /**
   * `redis://` or `rediss://` URL with credentials (external; required there). Treated as a
   * secret: it reaches the nodes only through Secret Manager.
   */
  url?: pulumi.Input<string>;
  /**
   * PEM of the CA that signed an external Redis's certificate, when it is not publicly trusted
   * (external only). Default: none, the system's trust store.
   */
  tlsCa?: pulumi.Input<string>;
  /** Valkey only: cluster mode. Default: "enabled", the reason to pick Valkey over Redis. */
  clusterMode?: GcpValkeyClusterMode;
  /** Valkey only: shards (1–250 with cluster mode, 1 without). Default: 1. */
  shardCount?: number;
  /** Valkey only: replicas per shard (0–5). Default: 1, a replica in another zone for failover. */
  replicaCount?: number;
  /**
   * Valkey only: the node type ("SHARED_CORE_NANO", "STANDARD_SMALL", "HIGHMEM_MEDIUM",
   * "HIGHMEM_XLARGE", …). Default: "STANDARD_SMALL", the smallest dedicated-core node (shared-core
   * nodes are for development).
   */
  nodeType?: string;
  /**
   * Valkey only: create the Private Service Connect policy (service class `gcp-memorystore`) on
   * the fleet's network and subnetwork. A network holds one policy per region and service class,
   * so set false when yours already has one. Default: true.
   */
  serviceConnectionPolicy?: boolean;
}
