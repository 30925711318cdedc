/**
 * The AWS `monitoring` arg and the node capacity on AWS: `connectionsPerNode` (the scaling and
 * alert target) and `maxConnectionsPerNode` (the app's `MAX_CONNECTIONS`) against the memory a
 * task leaves to the app (`memoryMiB` minus the collector sidecar's limit).
 */
import { defaultConnectionsPerNode, maxConnectionsForMemory } from "../shared";
import { isRecord, show } from "../shared/checks";
import { type Add, checkKnownKeys } from "../shared/ruleKit";
import { AWS_DEFAULTS } from "./args";
import { COLLECTOR_MEMORY_MIB } from "./metricsCollector";
import { AWS_MONITORING_FIELDS } from "./monitoringArgs";
import { LOG_RETENTION_DAYS } from "./validate";

/**
 * Share of the connections the app's memory holds at all (`maxConnectionsForMemory`) used as
 * the default hard ceiling: the last 20 % stay for broadcast buffers and GC, so the node refuses
 * new sessions (503, the client retries elsewhere) before it runs out of memory.
 */
export const DEFAULT_CEILING_SHARE = 0.8;

/** A node's capacity on AWS, from plain (validated) args. */
export interface AwsNodeCapacity {
  /** Memory left to the app container, MiB. */
  appMemoryMiB: number;
  connectionsPerNode: number;
  /** `MAX_CONNECTIONS`: `maxConnectionsPerNode`, else the derived default. */
  maxConnections: number;
}

export function monitoringEnabled(monitoring: unknown): boolean {
  return !(isRecord(monitoring) && monitoring.enabled === false);
}

/** The capacity for `memoryMiB` with the sidecar (when `monitoring` is on) taken off. */
export function awsNodeCapacity(args: {
  memoryMiB?: number;
  monitoring?: unknown;
  connectionsPerNode?: number;
  maxConnectionsPerNode?: number;
}): AwsNodeCapacity {
  const memory = args.memoryMiB ?? AWS_DEFAULTS.memoryMiB;
  const appMemoryMiB = memory - (monitoringEnabled(args.monitoring) ? COLLECTOR_MEMORY_MIB : 0);
  const connectionsPerNode = args.connectionsPerNode ?? defaultConnectionsPerNode(appMemoryMiB);
  const derivedCeiling =
    Math.floor((maxConnectionsForMemory(appMemoryMiB) * DEFAULT_CEILING_SHARE) / 100) * 100;
  return {
    appMemoryMiB,
    connectionsPerNode,
    maxConnections: args.maxConnectionsPerNode ?? Math.max(derivedCeiling, connectionsPerNode),
  };
}

/** `monitoring` fields and types; every problem through `add`. */
export function checkMonitoring(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "monitoring",
      `\`monitoring\` (${show(value)}) must be an object such as { enabled: true }`,
    );
    return;
  }
  checkKnownKeys(value, "monitoring.", [...AWS_MONITORING_FIELDS], add);
  for (const key of ["enabled", "createAlarmTopic"]) {
    if (value[key] !== undefined && typeof value[key] !== "boolean") {
      add(`monitoring.${key}`, `\`monitoring.${key}\` (${show(value[key])}) must be true or false`);
    }
  }
  if (value.createAlarmTopic === true && value.alarmTopicArn !== undefined) {
    add(
      "monitoring.createAlarmTopic",
      "`monitoring.createAlarmTopic` and `monitoring.alarmTopicArn` are both set: give the existing topic's ARN or create one, not both",
    );
  }
  const arn = value.alarmTopicArn;
  if (arn !== undefined && typeof arn !== "object" && !isSnsArn(arn)) {
    add(
      "monitoring.alarmTopicArn",
      `\`monitoring.alarmTopicArn\` (${show(arn)}) is not an SNS topic ARN: write it as "arn:aws:sns:us-east-1:123456789012:alarms"`,
    );
  }
  const ns = value.namespace;
  // CloudWatch namespaces: 1–255 characters, no colon, not starting with "AWS/" (reserved).
  if (
    ns !== undefined &&
    (typeof ns !== "string" || !/^[^:]{1,255}$/.test(ns) || ns.startsWith("AWS/"))
  ) {
    add(
      "monitoring.namespace",
      `\`monitoring.namespace\` (${show(ns)}) must be 1–255 characters without ":" and not start with "AWS/" (reserved for AWS services), e.g. "SocketIoFleet"`,
    );
  }
  const days = value.metricsLogRetentionDays;
  if (days !== undefined && !(LOG_RETENTION_DAYS as readonly unknown[]).includes(days)) {
    add(
      "monitoring.metricsLogRetentionDays",
      `\`monitoring.metricsLogRetentionDays\` (${show(days)}) is not a retention CloudWatch Logs accepts: use one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
}

/**
 * The capacity against the task's memory: a `connectionsPerNode` or `maxConnectionsPerNode` the
 * app's memory cannot hold, or a derived capacity above the given ceiling. Runs only on values
 * the shared rules accept (integers), so it adds no second problem for a malformed one.
 */
export function checkAwsCapacity(args: Record<string, unknown>, add: Add) {
  const memory = args.memoryMiB ?? AWS_DEFAULTS.memoryMiB;
  if (typeof memory !== "number" || !Number.isInteger(memory)) return;
  const integer = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
  const capacity = awsNodeCapacity({
    memoryMiB: memory,
    monitoring: args.monitoring,
    connectionsPerNode: integer(args.connectionsPerNode),
    maxConnectionsPerNode: integer(args.maxConnectionsPerNode),
  });
  const holds = maxConnectionsForMemory(capacity.appMemoryMiB);
  const sidecar = monitoringEnabled(args.monitoring)
    ? ` (\`memoryMiB\` ${memory} minus ${COLLECTOR_MEMORY_MIB} MiB for the metrics collector)`
    : ` (\`memoryMiB\` ${memory})`;
  const memoryText = `${capacity.appMemoryMiB} MiB${sidecar} holds at most ${holds} connections (≈ 20 KiB each above a 128 MiB baseline)`;
  for (const field of ["connectionsPerNode", "maxConnectionsPerNode"] as const) {
    const value = integer(args[field]);
    if (value !== undefined && value > holds) {
      add(
        field,
        `\`${field}\` (${value}) is more than a task's memory can hold: ${memoryText}; lower it to at most ${holds} or raise \`memoryMiB\``,
      );
    }
  }
  const ceiling = integer(args.maxConnectionsPerNode);
  if (args.connectionsPerNode === undefined && ceiling !== undefined) {
    if (capacity.connectionsPerNode > ceiling) {
      add(
        "maxConnectionsPerNode",
        `\`maxConnectionsPerNode\` (${ceiling}) is below the default \`connectionsPerNode\` for ${capacity.appMemoryMiB} MiB (${capacity.connectionsPerNode}): ` +
          `autoscaling would aim at a load no node accepts; set \`connectionsPerNode\` to at most ${ceiling}, or raise \`maxConnectionsPerNode\``,
      );
    }
  }
}

function isSnsArn(value: unknown): boolean {
  return (
    typeof value === "string" && /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(value)
  );
}
