/** The GCP rules for `redis` (Memorystore or an external URL) and `securityPolicy` (Cloud Armor). */
import { isRecord, show } from "../shared/checks";
import { type Add, checkEnum, checkInteger, checkKnownKeys } from "../shared/ruleKit";
import { GcpRedisConnectMode, GcpRedisMode, GcpSecurityPolicyMode } from "./args";
import { checkValkeyRedis } from "./validateValkey";

export function checkRedis(value: unknown, add: Add, network?: unknown) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add("redis", `\`redis\` (${show(value)}) must be an object such as { mode: "managed" }`);
    return;
  }
  if (value.mode === GcpRedisMode.Valkey) {
    checkValkeyRedis(value, add);
    return;
  }
  checkKnownKeys(
    value,
    "redis.",
    ["mode", "memorySizeGb", "connectMode", "reservedIpRange", "url", "tlsCa"],
    add,
  );
  if (!checkEnum(value.mode, "redis.mode", Object.values(GcpRedisMode), add)) return;
  const external = value.mode === GcpRedisMode.External;
  const managedOnly = ["memorySizeGb", "connectMode", "reservedIpRange"];
  for (const key of external ? managedOnly : ["url", "tlsCa"]) {
    if (value[key] !== undefined) {
      add(
        `redis.${key}`,
        `\`redis.${key}\` does not apply to \`redis.mode\` "${external ? "external" : "managed"}": remove it`,
      );
    }
  }
  // Memorystore for Redis Standard tier: 1–300 GB (its `memorySizeGb`).
  checkInteger(value, "memorySizeGb", 1, 300, "redis.", add, " (Memorystore's range)");
  if (!external) {
    checkConnectMode(value, network, add);
    return;
  }
  const url = value.url;
  if (url === undefined || url === null) {
    add("redis.url", '`redis.url` is required with `redis.mode: "external"`: give a rediss:// URL');
  } else if (
    typeof url !== "object" &&
    (typeof url !== "string" || !/^rediss?:\/\/\S+$/.test(url))
  ) {
    // The URL holds a password: never echo it.
    add(
      "redis.url",
      "`redis.url` (value not shown: it may hold a password) must start with redis:// or rediss://, e.g. rediss://:TOKEN@10.0.0.3:6378",
    );
  }
  const ca = value.tlsCa;
  if (typeof ca === "string" && !ca.includes("-----BEGIN CERTIFICATE-----")) {
    add("redis.tlsCa", "`redis.tlsCa` must be PEM certificate text (-----BEGIN CERTIFICATE-----)");
  } else if (ca !== undefined && typeof ca !== "string" && typeof ca !== "object") {
    add("redis.tlsCa", `\`redis.tlsCa\` (${show(ca)}) must be PEM certificate text`);
  }
}

export function checkSecurityPolicy(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "securityPolicy",
      `\`securityPolicy\` (${show(value)}) must be an object such as { mode: "managed", requestsPerMinutePerIp: 600 }`,
    );
    return;
  }
  checkKnownKeys(value, "securityPolicy.", ["mode", "requestsPerMinutePerIp", "id"], add);
  if (!checkEnum(value.mode, "securityPolicy.mode", Object.values(GcpSecurityPolicyMode), add)) {
    return;
  }
  const mode = value.mode ?? GcpSecurityPolicyMode.Managed;
  checkInteger(value, "requestsPerMinutePerIp", 10, 10_000, "securityPolicy.", add);
  if (value.requestsPerMinutePerIp !== undefined && mode !== GcpSecurityPolicyMode.Managed) {
    add(
      "securityPolicy.requestsPerMinutePerIp",
      `\`securityPolicy.requestsPerMinutePerIp\` applies only to \`securityPolicy.mode\` "managed", not "${mode}": remove it`,
    );
  }
  if (mode === GcpSecurityPolicyMode.Existing && (value.id === undefined || value.id === "")) {
    add(
      "securityPolicy.id",
      '`securityPolicy.id` is required with `securityPolicy.mode: "existing"`: give the policy\'s id or self link',
    );
  }
  if (mode !== GcpSecurityPolicyMode.Existing && value.id !== undefined) {
    add(
      "securityPolicy.id",
      `\`securityPolicy.id\` applies only to \`securityPolicy.mode\` "existing", not "${mode}": remove it, or set the mode`,
    );
  }
}

/**
 * Memorystore's `connectMode`: private services access needs an existing network whose owner set
 * up the connection (the fleet's own network has none); `reservedIpRange` names one of that
 * connection's allocated ranges, so it means nothing with direct peering.
 */
function checkConnectMode(value: Record<string, unknown>, network: unknown, add: Add) {
  if (!checkEnum(value.connectMode, "redis.connectMode", Object.values(GcpRedisConnectMode), add)) {
    return;
  }
  const psa = value.connectMode === GcpRedisConnectMode.PrivateServiceAccess;
  if (psa && network === undefined) {
    add(
      "redis.connectMode",
      '`redis.connectMode` "PRIVATE_SERVICE_ACCESS" needs `network`: an existing network (e.g. a Shared VPC) whose private services access connection is set up; the network the fleet creates has none. Give `network`, or remove `redis.connectMode`',
    );
  }
  const range = value.reservedIpRange;
  if (range !== undefined && !psa) {
    add(
      "redis.reservedIpRange",
      '`redis.reservedIpRange` names an allocated range of a private services access connection: it applies only with `redis.connectMode: "PRIVATE_SERVICE_ACCESS"`; remove it',
    );
  } else if (
    range !== undefined &&
    (typeof range !== "string" || !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(range))
  ) {
    add(
      "redis.reservedIpRange",
      `\`redis.reservedIpRange\` (${show(range)}) must be the name of an allocated range, e.g. "google-managed-services-default"`,
    );
  }
}
