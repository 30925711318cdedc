/**
 * Rules for `monitoring`, connection-based `autoscaling` and the node capacity against the
 * container's memory limit. Like every rule here: never throws, reports every problem.
 */
import { CONNECTION_RSS_KIB, maxConnectionsForMemory, NODE_BASELINE_MIB } from "../shared";
import { isRecord, show } from "../shared/checks";
import { type Add, checkEnum, checkKnownKeys } from "../shared/ruleKit";
import {
  CONNECTION_SCALERS,
  K8S_DEFAULTS,
  type KubernetesSocketIoFleetArgs,
  MONITORING_COLLECTORS,
} from "./args";
import { GMP_COLLECTOR_NAMESPACE, memoryMiB, resolveCollector } from "./resolveMonitoring";
import { DNS_LABEL } from "./validateIngress";

const MONITORING_KEYS = ["enabled", "collector", "namespaces", "labels", "dashboard"];
/** A label value (empty, or up to 63 alphanumerics with `-_.` inside). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
/** A label key: an optional DNS-subdomain prefix and `/`, then a name like a value (not empty). */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function checkMonitoring(value: unknown, add: Add): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "monitoring",
      `\`monitoring\` (${show(value)}) must be an object such as { namespaces: ["monitoring"] } or { collector: "prometheus-operator", namespaces: ["monitoring"] }`,
    );
    return;
  }
  checkKnownKeys(value, "monitoring.", MONITORING_KEYS, add);
  if (value.enabled !== undefined && typeof value.enabled !== "boolean") {
    add(
      "monitoring.enabled",
      `\`monitoring.enabled\` (${show(value.enabled)}) must be true or false`,
    );
  }
  checkEnum(value.collector, "monitoring.collector", MONITORING_COLLECTORS, add);
  checkNamespaces(value.namespaces, add);
  checkLabels(value.labels, add);
  checkDashboard(value.dashboard, add);
  const named = Array.isArray(value.namespaces) ? value.namespaces.length : 0;
  if (
    value.enabled !== false &&
    value.collector === "gke-managed-prometheus" &&
    Array.isArray(value.namespaces) &&
    !value.namespaces.includes(GMP_COLLECTOR_NAMESPACE)
  ) {
    add(
      "monitoring.namespaces",
      `\`monitoring.namespaces\` (${show(value.namespaces)}) leaves out "${GMP_COLLECTOR_NAMESPACE}", where GKE's managed collectors run: the NetworkPolicy would refuse their scrapes. ` +
        `Add "${GMP_COLLECTOR_NAMESPACE}" or leave \`namespaces\` out`,
    );
  }
  if (value.enabled !== false && value.collector === "prometheus-operator" && named === 0) {
    add(
      "monitoring.namespaces",
      '`monitoring.namespaces` is required with `collector: "prometheus-operator"`: the NetworkPolicy admits scrapes only from the namespaces named, ' +
        'so name the one your Prometheus runs in, e.g. ["monitoring"]',
    );
  }
}

function checkNamespaces(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    add(
      "monitoring.namespaces",
      `\`monitoring.namespaces\` (${show(value)}) must be a list of namespace names, e.g. ["monitoring"]`,
    );
    return;
  }
  value.forEach((ns: unknown, i: number) => {
    if (typeof ns === "string" && DNS_LABEL.test(ns) && ns.length <= 63) return;
    add(
      `monitoring.namespaces[${i}]`,
      `\`monitoring.namespaces[${i}]\` (${show(ns)}) must be a namespace name: lower-case letters, digits and "-", starting with a letter, at most 63 characters, e.g. "monitoring"`,
    );
  });
}

function checkLabels(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "monitoring.labels",
      `\`monitoring.labels\` (${show(value)}) must be an object of label names to values, e.g. { release: "kube-prometheus-stack" }`,
    );
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!LABEL_KEY.test(key) || key.length > 316) {
      add(
        `monitoring.labels`,
        `\`monitoring.labels\` key ${show(key)} is not a Kubernetes label name (an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_", "."), e.g. "release"`,
      );
    } else if (typeof v !== "string" || !LABEL_VALUE.test(v)) {
      add(
        `monitoring.labels.${key}`,
        `\`monitoring.labels.${key}\` (${show(v)}) must be a label value: at most 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit`,
      );
    }
  }
}

function checkDashboard(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "monitoring.dashboard",
      `\`monitoring.dashboard\` (${show(value)}) must be an object such as { namespace: "grafana" }`,
    );
    return;
  }
  checkKnownKeys(value, "monitoring.dashboard.", ["enabled", "namespace"], add);
  if (value.enabled !== undefined && typeof value.enabled !== "boolean") {
    add(
      "monitoring.dashboard.enabled",
      `\`monitoring.dashboard.enabled\` (${show(value.enabled)}) must be true or false`,
    );
  }
  const ns = value.namespace;
  if (ns !== undefined && (typeof ns !== "string" || !DNS_LABEL.test(ns) || ns.length > 63)) {
    add(
      "monitoring.dashboard.namespace",
      `\`monitoring.dashboard.namespace\` (${show(ns)}) must be a namespace name (Grafana's, where its sidecar looks), e.g. "grafana"`,
    );
  }
}

/** `autoscaling.metric` and `autoscaling.connections` (the CPU fields are checked in validate.ts). */
export function checkConnectionAutoscaling(args: Record<string, unknown>, add: Add): void {
  const value = args.autoscaling;
  if (!isRecord(value)) return;
  if (!checkEnum(value.metric, "autoscaling.metric", ["cpu", "connections"], add)) return;
  const connections = value.connections;
  if (value.metric !== "connections") {
    if (connections !== undefined) {
      add(
        "autoscaling.connections",
        '`autoscaling.connections` applies only with `autoscaling.metric: "connections"`: set the metric, or remove `connections`',
      );
    }
    return;
  }
  if (value.targetCpuPercent !== undefined) {
    add(
      "autoscaling.targetCpuPercent",
      '`autoscaling.targetCpuPercent` applies only with `autoscaling.metric: "cpu"`: with "connections" the fleet scales on connected clients per pod against `connectionsPerNode`, and one autoscaler only may target the Deployment. Remove it',
    );
  }
  const a = args as Pick<KubernetesSocketIoFleetArgs, "ingress" | "monitoring">;
  if (isRecord(args.ingress) && resolveCollector(a) === undefined) {
    add(
      "autoscaling.metric",
      '`autoscaling.metric: "connections"` scales on the connected clients the monitoring collector gathers, and no collector is set: ' +
        'set `monitoring.collector` ("prometheus-operator" or "gke-managed-prometheus") and keep monitoring enabled',
    );
  }
  if (connections === undefined) {
    add(
      "autoscaling.connections.prometheusUrl",
      '`autoscaling.connections.prometheusUrl` is required with the default scaler "keda": the Prometheus HTTP API KEDA queries, e.g. "http://kube-prometheus-stack-prometheus.monitoring.svc:9090"',
    );
    return;
  }
  if (!isRecord(connections)) {
    add(
      "autoscaling.connections",
      `\`autoscaling.connections\` (${show(connections)}) must be an object such as { scaler: "keda", prometheusUrl: "http://prometheus.monitoring.svc:9090" }`,
    );
    return;
  }
  checkKnownKeys(
    connections,
    "autoscaling.connections.",
    ["scaler", "prometheusUrl", "authenticationRef"],
    add,
  );
  if (!checkEnum(connections.scaler, "autoscaling.connections.scaler", CONNECTION_SCALERS, add)) {
    return;
  }
  checkScalerFields(connections, add);
}

function checkScalerFields(c: Record<string, unknown>, add: Add) {
  const { prometheusUrl: url, authenticationRef: ref } = c;
  if (c.scaler === "prometheus-adapter") {
    for (const [key, v] of [
      ["prometheusUrl", url],
      ["authenticationRef", ref],
    ] as const) {
      if (v === undefined) continue;
      add(
        `autoscaling.connections.${key}`,
        `\`autoscaling.connections.${key}\` applies only to the "keda" scaler: prometheus-adapter has its own Prometheus URL in its deployment. Remove it`,
      );
    }
    return;
  }
  if (url === undefined) {
    add(
      "autoscaling.connections.prometheusUrl",
      '`autoscaling.connections.prometheusUrl` is required with the scaler "keda": the Prometheus HTTP API KEDA queries, e.g. "http://kube-prometheus-stack-prometheus.monitoring.svc:9090"',
    );
  } else if (typeof url !== "string" || !isHttpUrl(url)) {
    add(
      "autoscaling.connections.prometheusUrl",
      `\`autoscaling.connections.prometheusUrl\` (${show(url)}) must be an http:// or https:// URL, e.g. "http://prometheus-operated.monitoring.svc:9090"`,
    );
  } else if (new URL(url).hostname === "monitoring.googleapis.com" && ref === undefined) {
    add(
      "autoscaling.connections.authenticationRef",
      "`autoscaling.connections.authenticationRef` is required with Managed Prometheus's query API (monitoring.googleapis.com): name the TriggerAuthentication (GCP workload identity) KEDA signs its queries with",
    );
  }
  if (
    ref !== undefined &&
    (typeof ref !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref))
  ) {
    add(
      "autoscaling.connections.authenticationRef",
      `\`autoscaling.connections.authenticationRef\` (${show(ref)}) must be the name of a TriggerAuthentication in the fleet's namespace, e.g. "gmp-query"`,
    );
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * The capacity must fit the container's memory limit: neither the capacity nor the ceiling may
 * exceed what the limit holds at all (`maxConnectionsForMemory`: every MiB above the baseline
 * at ≈ 20 KiB a connection), or the node is OOM-killed before either is reached.
 */
export function checkMemoryCapacity(args: Record<string, unknown>, add: Add): void {
  const resources = isRecord(args.resources) ? args.resources : {};
  const limits = isRecord(resources.limits) ? resources.limits : {};
  const limit = limits.memory ?? K8S_DEFAULTS.resources.limits.memory;
  const mib = typeof limit === "string" ? memoryMiB(limit) : undefined;
  if (mib === undefined) return; // reported by the resources rules
  const most = maxConnectionsForMemory(mib);
  for (const field of ["connectionsPerNode", "maxConnectionsPerNode"] as const) {
    const n = args[field];
    if (typeof n !== "number" || !Number.isInteger(n) || n <= most) continue;
    add(
      field,
      `\`${field}\` (${n}) is more than the container's memory limit holds: \`resources.limits.memory\` ${show(limit)} (${mib} MiB) holds at most ${most} connections ` +
        `((${mib} − ${NODE_BASELINE_MIB} MiB baseline) × 1024 ÷ ${CONNECTION_RSS_KIB} KiB a connection). Lower \`${field}\` to at most ${most}, or raise the memory limit to at least ${memoryFor(n)} Mi`,
    );
  }
}

/** The memory limit (MiB, rounded up) that holds `connections` at all. */
function memoryFor(connections: number): number {
  return Math.ceil(NODE_BASELINE_MIB + (connections * CONNECTION_RSS_KIB) / 1024);
}
