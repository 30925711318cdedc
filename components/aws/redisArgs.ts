/** The Redis args of the AWS target: managed (ElastiCache), serverless or external. */
import type * as pulumi from "@pulumi/pulumi";

/** Where the adapter's Redis comes from. */
export const AwsRedisMode = {
  /**
   * An ElastiCache replication group the fleet creates (cluster mode disabled unless
   * `clusterMode: "enabled"`), with TLS, AUTH and failover, reachable only by the tasks.
   */
  Managed: "managed",
  /**
   * A Redis the fleet does not manage. Its URL still reaches the tasks only through Secrets
   * Manager.
   */
  External: "external",
  /**
   * ElastiCache Serverless for Valkey the fleet creates: always TLS,
   * always cluster mode, auth by an RBAC user group only. It rejects PSUBSCRIBE, so it needs
   * `adapter: "redis-sharded"`.
   */
  Serverless: "serverless",
} as const;
export type AwsRedisMode = (typeof AwsRedisMode)[keyof typeof AwsRedisMode];

/** The engine of a managed Redis. */
export const AwsRedisEngine = {
  /** Redis OSS 7.1. */
  Redis: "redis",
  /** Valkey 8.0: Redis-compatible, cheaper on ElastiCache, encrypted at rest by default. */
  Valkey: "valkey",
} as const;
export type AwsRedisEngine = (typeof AwsRedisEngine)[keyof typeof AwsRedisEngine];

/** Cluster mode of a managed replication group. */
export const AwsRedisClusterMode = {
  /** One shard: a primary and `replicas` replicas. */
  Disabled: "disabled",
  /**
   * `shards` shards of 1 + `replicas` nodes each (slots spread over the shards); the app connects
   * as a cluster client (`REDIS_MODE=cluster`) and needs `adapter: "redis-sharded"`.
   */
  Enabled: "enabled",
} as const;
export type AwsRedisClusterMode = (typeof AwsRedisClusterMode)[keyof typeof AwsRedisClusterMode];

/**
 * The adapter's Redis. `mode` decides which other fields apply: `nodeType`, `replicas`,
 * `engine`, `clusterMode` and `shards` only with "managed"; `maxDataStorageGb` and
 * `maxEcpuPerSecond` only with "serverless"; `url`, `port`, `cidrIpv4` and `tlsCa` only with
 * "external" (`url` and `cidrIpv4` are then required). Fields of another mode are refused.
 */
export interface AwsRedis {
  /** "managed" (ElastiCache, created by the fleet) or "external" (a Redis you run). */
  mode: AwsRedisMode;
  /**
   * Managed only: the ElastiCache node type. Default "cache.t4g.small": the smallest burstable
   * node with enough memory for pub/sub buffers.
   */
  nodeType?: string;
  /**
   * Managed only: read replicas beside the primary (0–5). With at least one, the group gets
   * automatic failover and multi-AZ. Default 1: survives the loss of the primary's availability
   * zone.
   */
  replicas?: number;
  /** Managed only: the engine. Default "valkey". */
  engine?: AwsRedisEngine;
  /**
   * Managed only: cluster mode of the replication group. Default "disabled": the default
   * `redis` adapter needs one keyspace; "enabled" needs `adapter: "redis-sharded"` and at least
   * one replica per shard. Switching an existing fleet creates a new group and deletes the old
   * one once the tasks have moved (a replacement, not an in-place change).
   */
  clusterMode?: AwsRedisClusterMode;
  /** Managed with `clusterMode: "enabled"` only: shards (node groups), 1–500. Default 2. */
  shards?: number;
  /**
   * Serverless only: the most data the cache may hold, in GB (1–5000). Default 10: pub/sub and
   * recovery sessions hold little; the cap bounds the bill.
   */
  maxDataStorageGb?: number;
  /**
   * Serverless only: the most ElastiCache Processing Units per second (1000–15000000). Default
   * 100000: roughly 100,000 small pub/sub messages a second; the cap bounds the bill.
   */
  maxEcpuPerSecond?: number;
  /**
   * External only (required): `redis://` or `rediss://` URL with credentials. Treated as a
   * secret.
   */
  url?: pulumi.Input<string>;
  /**
   * External only: the port the tasks may reach (the URL is a secret, so it is not parsed).
   * Default 6379.
   */
  port?: number;
  /**
   * External only (required): IPv4 range the tasks may reach on `port`, e.g. the Redis VPC's
   * "10.1.0.0/16". No default: the fleet opens nothing to `0.0.0.0/0` but the listener ports and
   * HTTPS egress, so a Redis on the internet has to be opted into explicitly ("0.0.0.0/0").
   */
  cidrIpv4?: string;
  /**
   * External only: PEM text of the CA that signed the Redis server's certificate, when it is a
   * private CA (self-managed Redis, a corporate PKI). The app then trusts that CA only
   * (`REDIS_TLS_CA`); it needs a `rediss://` URL. Not a secret. Default: none, Node's public CA
   * store (enough for ElastiCache and most hosted Redis).
   */
  tlsCa?: pulumi.Input<string>;
}

/** TypeScript only: `AwsRedis` narrowed to a managed Redis (what the validator lets through). */
export interface AwsManagedRedisArgs extends AwsRedis {
  mode: typeof AwsRedisMode.Managed;
  url?: undefined;
  port?: undefined;
  cidrIpv4?: undefined;
  tlsCa?: undefined;
  maxDataStorageGb?: undefined;
  maxEcpuPerSecond?: undefined;
}

/** TypeScript only: `AwsRedis` narrowed to ElastiCache Serverless (what the validator lets through). */
export interface AwsServerlessRedisArgs extends AwsRedis {
  mode: typeof AwsRedisMode.Serverless;
  url?: undefined;
  port?: undefined;
  cidrIpv4?: undefined;
  nodeType?: undefined;
  replicas?: undefined;
  engine?: undefined;
  clusterMode?: undefined;
  shards?: undefined;
  tlsCa?: undefined;
}

/** TypeScript only: `AwsRedis` narrowed to an external Redis (what the validator lets through). */
export interface AwsExternalRedisArgs extends AwsRedis {
  mode: typeof AwsRedisMode.External;
  url: pulumi.Input<string>;
  cidrIpv4: string;
  nodeType?: undefined;
  replicas?: undefined;
  engine?: undefined;
  clusterMode?: undefined;
  shards?: undefined;
  maxDataStorageGb?: undefined;
  maxEcpuPerSecond?: undefined;
}
