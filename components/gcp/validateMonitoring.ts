/**
 * Rules for `monitoring` and for the capacity on GCP: a `connectionsPerNode` the node's memory
 * cannot hold, or that Cloud Run's concurrency never lets an instance reach, is refused with the
 * numbers; so is a machine type whose memory is unknown when the capacity is needed.
 */
import { MIN_NODE_MEMORY_MIB } from "../shared/capacity";
import { maxConnectionsForMemory } from "../shared";
import { isRecord, show } from "../shared/checks";
import { type Add, checkInteger, checkKnownKeys } from "../shared/ruleKit";
import { GCP_DEFAULTS } from "./args";
import { GCP_MONITORING_DEFAULTS } from "./monitoringArgs";
import {
  CLOUD_RUN_MAX_CONCURRENCY,
  COLLECTOR_MEMORY_MIB,
  COS_SYSTEM_MIB,
  type NodeShape,
  nodeMemoryMiB,
} from "./nodeCapacity";
import { isCloudRun } from "./platform";
import { IMAGE_DIGEST } from "./validateCloudLimits";

/** `monitoring`: its keys and their types. */
export function checkMonitoring(value: unknown, add: Add): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "monitoring",
      `\`monitoring\` (${show(value)}) must be an object such as { enabled: true, notificationChannels: ["projects/acme/notificationChannels/123"] }`,
    );
    return;
  }
  checkKnownKeys(
    value,
    "monitoring.",
    ["enabled", "notificationChannels", "scrapeIntervalSeconds", "collectorImage"],
    add,
  );
  if (value.enabled !== undefined && typeof value.enabled !== "boolean") {
    add(
      "monitoring.enabled",
      `\`monitoring.enabled\` (${show(value.enabled)}) must be true or false`,
    );
  }
  const channels = value.notificationChannels;
  if (channels !== undefined && !Array.isArray(channels)) {
    add(
      "monitoring.notificationChannels",
      `\`monitoring.notificationChannels\` (${show(channels)}) must be an array of notification channel ids such as ["projects/acme/notificationChannels/123"]`,
    );
  }
  checkInteger(value, "scrapeIntervalSeconds", 10, 300, "monitoring.", add);
  const image = value.collectorImage;
  if (image !== undefined && (typeof image !== "string" || !IMAGE_DIGEST.test(image))) {
    add(
      "monitoring.collectorImage",
      `\`monitoring.collectorImage\` (${show(image)}) must be an image pinned by digest ("…@sha256:<64 hex digits>"): every node pulls it when it starts, so a tag that moves mixes collector builds`,
    );
  }
}

/** The node's shape as the args give it (read leniently: other rules report malformed values). */
export function nodeShapeOf(args: Record<string, unknown>): NodeShape {
  const compute = isRecord(args.compute) ? args.compute : {};
  const monitoring = isRecord(args.monitoring) ? args.monitoring : {};
  const cloudRun = isCloudRun(args);
  return {
    cloudRun,
    machineType:
      typeof compute.machineType === "string"
        ? compute.machineType
        : GCP_DEFAULTS.compute.machineType,
    memory: typeof compute.memory === "string" ? compute.memory : GCP_DEFAULTS.compute.memory,
    collector: !cloudRun && monitoringEnabled(monitoring),
  };
}

function monitoringEnabled(monitoring: Record<string, unknown>): boolean {
  return monitoring.enabled === false ? false : GCP_MONITORING_DEFAULTS.enabled;
}

/** `connectionsPerNode` against the node's memory and (Cloud Run) its concurrency. */
export function checkGcpCapacity(args: Record<string, unknown>, add: Add): void {
  const shape = nodeShapeOf(args);
  const memory = nodeMemoryMiB(shape);
  const capacity = isPositiveInteger(args.connectionsPerNode) ? args.connectionsPerNode : undefined;
  const needed =
    capacity === undefined &&
    (args.autoscaling !== undefined ||
      monitoringEnabled(isRecord(args.monitoring) ? args.monitoring : {}));
  if (memory === undefined) {
    // A malformed machine type is reported by `checkCompute`.
    if (!shape.cloudRun && needed && /^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(shape.machineType)) {
      add(
        "compute.machineType",
        `the memory of \`compute.machineType\` (${show(shape.machineType)}) is not known to socketio-fleet, so the node capacity cannot be derived from it: ` +
          "give `connectionsPerNode` (≈ half of the MiB the app gets above 128 MiB × 1024 ÷ 20 KiB per connection)",
      );
    }
    return;
  }
  const field = shape.cloudRun ? "compute.memory" : "compute.machineType";
  const where = shape.cloudRun
    ? `\`compute.memory\` ${show(shape.memory)}`
    : `\`compute.machineType\` ${show(shape.machineType)} (${memory + COS_SYSTEM_MIB + (shape.collector ? COLLECTOR_MEMORY_MIB : 0)} MiB, less ${COS_SYSTEM_MIB} MiB for COS` +
      (shape.collector ? ` and ${COLLECTOR_MEMORY_MIB} MiB for the metrics collector` : "") +
      ")";
  if (memory < MIN_NODE_MEMORY_MIB) {
    add(
      field,
      `${where} leaves the app ${memory} MiB, below the ${MIN_NODE_MEMORY_MIB} MiB a node needs to hold any connections: choose more memory`,
    );
    return;
  }
  const most = maxConnectionsForMemory(memory);
  if (capacity !== undefined && capacity > most) {
    add(
      "connectionsPerNode",
      `\`connectionsPerNode\` (${capacity}) is more than a node can hold: ${where} leaves the app ${memory} MiB, which holds at most ${most} connections ` +
        `(≈ 20 KiB each above a 128 MiB baseline, with no headroom). Lower \`connectionsPerNode\` to at most ${most} (half of that keeps headroom), or give the nodes more memory`,
    );
  }
  if (!shape.cloudRun) return;
  const compute = isRecord(args.compute) ? args.compute : {};
  const given = isPositiveInteger(compute.maxRequestsPerInstance)
    ? compute.maxRequestsPerInstance
    : undefined;
  const cap = given ?? CLOUD_RUN_MAX_CONCURRENCY;
  if (capacity !== undefined && capacity > cap) {
    add(
      "connectionsPerNode",
      `\`connectionsPerNode\` (${capacity}) is more than a Cloud Run instance ever holds: each websocket holds one request, and ` +
        (given === undefined
          ? `Cloud Run allows at most ${CLOUD_RUN_MAX_CONCURRENCY} concurrent requests per instance`
          : `\`compute.maxRequestsPerInstance\` is ${given}`) +
        `. Lower \`connectionsPerNode\` to at most ${cap}`,
    );
  }
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value > 0;
}
