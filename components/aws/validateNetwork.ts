/** The AWS fleet's `network` rules: VPC, public subnets for the ALB, private ones for tasks and Redis. */
import { isRecord, show } from "../shared/checks";
import { type Add, checkKnownKeys } from "../shared/ruleKit";
import { AWS_DEFAULTS } from "./args";

const NETWORK_HINTS: Record<string, string> = {
  vpcId: 'give the VPC id, e.g. "vpc-0123456789abcdef0"',
  publicSubnetIds: "give the public subnets the load balancer lives in (two AZs at least)",
  privateSubnetIds: "give the private subnets (with NAT) the tasks and Redis live in",
};

export function checkNetwork(value: unknown, redis: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "network",
      `\`network\` (${show(value)}) must be an object { vpcId, publicSubnetIds, privateSubnetIds }`,
    );
    return;
  }
  const keys = ["vpcId", "publicSubnetIds", "privateSubnetIds"];
  checkKnownKeys(value, "network.", keys, add);
  for (const key of keys) {
    if (value[key] === undefined || value[key] === null) {
      add(
        `network.${key}`,
        `\`network.${key}\` is required when \`network\` is given: ${NETWORK_HINTS[key]}, or omit \`network\` to create a VPC`,
      );
    }
  }
  checkSubnets(
    value.publicSubnetIds,
    "network.publicSubnetIds",
    2,
    "in different availability zones: an ALB spans at least two; add a public subnet in a second availability zone",
    add,
  );
  const replicas = multiAzRedisReplicas(redis);
  const redisWhy =
    replicas === undefined
      ? ""
      : `in different availability zones: managed Redis with \`redis.replicas\` ${replicas}` +
        (isRecord(redis) && redis.replicas !== undefined ? "" : " (the default)") +
        " runs multi-AZ with automatic failover, so ElastiCache needs subnets in at least two " +
        "availability zones to keep a replica apart from the primary; add a private subnet in a " +
        "second availability zone, or set `redis.replicas: 0` (a single node, no failover)";
  checkSubnets(
    value.privateSubnetIds,
    "network.privateSubnetIds",
    replicas === undefined ? 1 : 2,
    redisWhy,
    add,
  );
}

/**
 * A regular availability zone name (`us-east-1a`, `us-gov-west-1b`, `eusc-de-east-1a`); Local
 * and Wavelength Zones (`us-east-1-bos-1a`, `us-east-1-wl1-bos-wlz-1`) are not: ElastiCache and
 * NAT gateways are not offered in every one of them.
 */
const AVAILABILITY_ZONE = /^([a-z]{2,4}(?:-[a-z]+)+-\d+)[a-z]$/;

/** `availabilityZones`: the created VPC's zones, pinned (see the arg's doc). */
export function checkAvailabilityZones(value: unknown, network: unknown, add: Add) {
  if (value === undefined) return;
  const field = "availabilityZones";
  if (network !== undefined) {
    add(
      field,
      `\`${field}\` (${show(value)}) applies to the VPC the fleet creates; with \`network\` the subnets decide the zones: remove \`${field}\`, or remove \`network\``,
    );
    return;
  }
  if (!Array.isArray(value) || value.some((z) => typeof z !== "string")) {
    add(
      field,
      `\`${field}\` (${show(value)}) must be a list of zone names, e.g. ["us-east-1a", "us-east-1b"]`,
    );
    return;
  }
  const zones = value as string[];
  const bad = zones.filter((z) => !AVAILABILITY_ZONE.test(z));
  if (bad.length > 0) {
    add(
      field,
      `\`${field}\` lists ${bad.map((z) => show(z)).join(", ")}: not an availability zone name like "us-east-1a" (Local and Wavelength Zones are not supported: ElastiCache and NAT gateways are not in all of them)`,
    );
  }
  const repeated = zones.find((z, i) => zones.indexOf(z) !== i);
  if (repeated !== undefined) {
    add(
      field,
      `\`${field}\` lists ${show(repeated)} more than once: give each zone once, at least 2 of them`,
    );
  } else if (zones.length < 2) {
    add(
      field,
      `\`${field}\` (${show(value)}) needs at least 2 zones: an ALB spans two, and ElastiCache keeps a replica in another zone than its primary`,
    );
  }
  const regions = [...new Set(zones.map((z) => AVAILABILITY_ZONE.exec(z)?.[1]).filter(Boolean))];
  if (regions.length > 1) {
    add(
      field,
      `\`${field}\` (${show(value)}) spans regions ${regions.join(", ")}: a VPC lives in one region; give zones of the stack's region only`,
    );
  }
}

/**
 * The replica count of a managed Redis that runs multi-AZ with automatic failover (what
 * `createManagedRedis` does for replicas ≥ 1), or undefined when it does not (no replicas, an
 * external Redis, or a `redis` whose own problems are reported by `checkRedis`).
 */
function multiAzRedisReplicas(redis: unknown): number | undefined {
  if (redis === undefined) return AWS_DEFAULTS.redis.replicas;
  if (!isRecord(redis) || redis.mode !== "managed") return undefined;
  const replicas = redis.replicas ?? AWS_DEFAULTS.redis.replicas;
  return typeof replicas === "number" &&
    Number.isInteger(replicas) &&
    replicas >= 1 &&
    replicas <= 5
    ? replicas
    : undefined;
}

/**
 * A plain list of subnet ids needs `min` distinct entries (one subnet is in one availability
 * zone, so a repeated id adds none). An Output is taken as is.
 */
function checkSubnets(ids: unknown, field: string, min: number, why: string, add: Add) {
  if (!Array.isArray(ids)) return;
  const plain = ids.filter((id): id is string => typeof id === "string");
  const repeated = plain.find((id, i) => plain.indexOf(id) !== i);
  if (repeated !== undefined) {
    add(
      field,
      `\`${field}\` (${show(ids)}) lists ${show(repeated)} more than once: give each subnet once` +
        (min > 1 ? `, at least ${min} ${why}` : ""),
    );
    return;
  }
  if (ids.length < min) {
    add(
      field,
      `\`${field}\` (${show(ids)}) needs at least ${min} subnet${min > 1 ? "s" : ""}` +
        (why === "" ? "" : ` ${why}`),
    );
  }
}
