/**
 * A GCP node's capacity in connections (`shared/capacity.ts`), from the memory the app gets: on
 * the instance group the machine type's memory less what COS and the metrics collector keep, on
 * Cloud Run the instance's memory limit. Also the app's hard ceiling (`MAX_CONNECTIONS`) and Cloud
 * Run's request concurrency, both derived from it. Pure functions, no Pulumi.
 */
import {
  maxConnectionsForMemory,
  resolveConnectionsPerNode,
  type ResolvedFleetSpec,
} from "../shared";
import { MAX_CONNECTIONS_LIMIT } from "../shared/appEnvKeys";

/**
 * Memory a COS VM keeps for itself (kernel, systemd, dockerd, containerd, the logging driver),
 * MiB: about 300 MiB on an idle COS VM, rounded up.
 */
export const COS_SYSTEM_MIB = 384;
/**
 * The metrics collector's memory limit (`docker run --memory`), MiB: Prometheus holding one
 * target's few dozen `socketio_*` series for 30 minutes needs well under 100 MiB.
 */
export const COLLECTOR_MEMORY_MIB = 256;
/** Cloud Run's most concurrent requests per instance ("Maximum concurrent requests": 1000). */
export const CLOUD_RUN_MAX_CONCURRENCY = 1000;

/** Memory per vCPU of predefined machine types, GiB: `<family>-<kind>-<vCPUs>`. */
const GIB_PER_VCPU: Record<string, Record<string, number>> = {
  standard: { n1: 3.75, default: 4 },
  highmem: { n1: 6.5, default: 8 },
  highcpu: { n1: 0.9, e2: 1, n2: 1, n2d: 1, default: 2 },
};
/** Shared-core machine types, MiB (cloud.google.com/compute/docs/general-purpose-machines). */
const SHARED_CORE_MIB: Record<string, number> = {
  "e2-micro": 1024,
  "e2-small": 2048,
  "e2-medium": 4096,
  "f1-micro": 614,
  "g1-small": 1740,
};
/** Families whose `highcpu` shape has 2 GiB per vCPU; other families are not known here. */
const HIGHCPU_2_GIB = ["c2d", "c3", "c3d", "c4", "c4a", "c4d", "n4", "n4d", "n4a", "h3"];

/**
 * The memory of Compute Engine machine type `machineType`, MiB, or undefined when it is not
 * one this table knows (then `connectionsPerNode` must be given).
 */
export function machineTypeMemoryMiB(machineType: string): number | undefined {
  const shared = SHARED_CORE_MIB[machineType];
  if (shared !== undefined) return shared;
  const custom = /^(?:[a-z][a-z0-9]*-)?custom-(\d+)-(\d+)(?:-ext)?$/.exec(machineType);
  if (custom !== null) return Number(custom[2]);
  const m = /^([a-z][a-z0-9]*)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  if (m === null) return undefined;
  const [, family, kind, vcpus] = m;
  const table = GIB_PER_VCPU[kind];
  const perVcpu =
    table[family] ??
    (kind === "highcpu" && !HIGHCPU_2_GIB.includes(family) ? undefined : table.default);
  return perVcpu === undefined ? undefined : Math.round(Number(vcpus) * perVcpu * 1024);
}

/** A Cloud Run memory limit ("512Mi", "2Gi") in MiB, or undefined when malformed. */
export function cloudRunMemoryMiB(memory: string): number | undefined {
  const m = /^(\d+)(Mi|Gi)$/.exec(memory);
  return m === null ? undefined : Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
}

/** Where the node's memory comes from. */
export interface NodeShape {
  cloudRun: boolean;
  machineType: string;
  /** Cloud Run's memory limit of the app container. */
  memory: string;
  /** Whether a collector shares the VM (instance group with monitoring on). */
  collector: boolean;
}

/** The memory the app container gets, MiB; undefined for an unknown machine type. */
export function nodeMemoryMiB(shape: NodeShape): number | undefined {
  if (shape.cloudRun) return cloudRunMemoryMiB(shape.memory);
  const machine = machineTypeMemoryMiB(shape.machineType);
  if (machine === undefined) return undefined;
  return Math.max(0, machine - COS_SYSTEM_MIB - (shape.collector ? COLLECTOR_MEMORY_MIB : 0));
}

/** The node's numbers every part of the target reads. */
export interface GcpCapacity {
  /** The capacity: alert threshold, autoscaling assignment. */
  connectionsPerNode: number;
  /** `MAX_CONNECTIONS` for the app; undefined: none rendered. */
  maxConnections?: number;
  /** Cloud Run's `maxInstanceRequestConcurrency` (cloud-run mode). */
  concurrency: number;
}

/**
 * The capacity of a node of `shape` (memory unknown: `connectionsPerNode` must be set; the
 * validator says so). The hard ceiling is `maxConnectionsPerNode`, else on the instance group
 * what the memory holds at all (`maxConnectionsForMemory`: past it the node runs out of memory
 * anyway, so refusing with 503 is better); Cloud Run needs none, its concurrency is the cap.
 * Cloud Run's concurrency is `compute.maxRequestsPerInstance` when given, else the capacity up
 * to 1000: each websocket holds one request for its whole life, so the concurrency is the most
 * connections an instance gets, and Cloud Run starts another instance past it (it cannot scale
 * on a custom metric).
 */
export function gcpCapacity(
  spec: Pick<ResolvedFleetSpec, "connectionsPerNode" | "maxConnectionsPerNode">,
  shape: NodeShape,
  maxRequestsPerInstance?: number,
): GcpCapacity {
  const memory = nodeMemoryMiB(shape);
  const fromMemory =
    memory === undefined ? undefined : resolveConnectionsPerNode(undefined, memory);
  if (shape.cloudRun) {
    const cap = maxRequestsPerInstance ?? CLOUD_RUN_MAX_CONCURRENCY;
    const connectionsPerNode =
      spec.connectionsPerNode ??
      Math.min(fromMemory ?? cap, cap, spec.maxConnectionsPerNode ?? cap);
    return {
      connectionsPerNode,
      ...(spec.maxConnectionsPerNode === undefined
        ? {}
        : { maxConnections: spec.maxConnectionsPerNode }),
      concurrency:
        maxRequestsPerInstance ?? Math.min(CLOUD_RUN_MAX_CONCURRENCY, connectionsPerNode),
    };
  }
  const ceiling =
    spec.maxConnectionsPerNode ??
    (memory === undefined
      ? undefined
      : Math.min(MAX_CONNECTIONS_LIMIT, maxConnectionsForMemory(memory)));
  const connectionsPerNode =
    spec.connectionsPerNode ??
    Math.min(fromMemory ?? Infinity, ceiling ?? Infinity, MAX_CONNECTIONS_LIMIT);
  return {
    connectionsPerNode,
    ...(ceiling === undefined || ceiling < 1 ? {} : { maxConnections: ceiling }),
    concurrency: CLOUD_RUN_MAX_CONCURRENCY,
  };
}
