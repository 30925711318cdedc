/**
 * The Kubernetes target's own rules, merged with the shared validator's problems so the user
 * sees every problem at once. Like the shared validator, never throws whatever the args are.
 */
import { type FleetSpecProblem, validateFleetSpec } from "../shared";
import { isIntegerIn, isRecord, show } from "../shared/checks";
import { clusterModeAdapterProblem } from "../shared/adapterRules";
import {
  type Add,
  checkEnum,
  checkInteger,
  checkKnownKeys,
  isOutputValue,
  outputObjectMessage,
  transformMovedMessage,
  transformProblems,
} from "../shared/ruleKit";
import { CLIENT_ADDRESS_MODES, K8S_DEFAULTS, type KubernetesFleetTransforms } from "./args";
import { kubernetesPlatform } from "./platform";
import { parseQuantity } from "./quantity";
import { checkIngress, DNS_LABEL } from "./validateIngress";
import {
  checkConnectionAutoscaling,
  checkMemoryCapacity,
  checkMonitoring,
} from "./validateMonitoring";

/** Longest component name: object names add suffixes such as `-redis-0` within 63 characters. */
export const MAX_NAME_LENGTH = 40;

/** Every problem with `args` for the Kubernetes target named `name`, or `[]`. */
export function validateKubernetesFleet(name: unknown, args: unknown): FleetSpecProblem[] {
  const a = isRecord(args) ? args : {};
  const problems = validateFleetSpec(args, kubernetesPlatform(a.ingress));
  const add: Add = (field, message) => problems.push({ field, message });
  if (!isRecord(args)) return problems;
  checkName(name, args.namespace, add);
  checkNamespace(args.namespace, add);
  checkIngress(args.ingress, add);
  checkControllerCookieName(args.ingress, args.stickiness, add);
  checkClientAddress(args.ingress, args.stickiness, add);
  checkRedis(args.redis, add);
  checkClusterAdapter(args, add);
  checkResources(args.resources, add);
  checkAutoscaling(args.autoscaling, args.replicas, add);
  checkMonitoring(args.monitoring, add);
  checkConnectionAutoscaling(args, add);
  checkMemoryCapacity(args, add);
  if (args.transform !== undefined) {
    add("transform", transformMovedMessage("KubernetesSocketIoFleet"));
  }
  return problems;
}

/** The children `transform` can reach. */
const TRANSFORMABLE_CHILDREN = [
  "deployment",
  "service",
  "ingress",
  "redisStatefulSet",
] as const satisfies readonly (keyof KubernetesFleetTransforms)[];

/** Problems with the TypeScript-only `transform` option, or `[]`. */
export function validateKubernetesFleetTransform(value: unknown): FleetSpecProblem[] {
  return transformProblems(value, TRANSFORMABLE_CHILDREN);
}

function checkName(name: unknown, namespace: unknown, add: Add) {
  if (typeof name === "string" && DNS_LABEL.test(name) && name.length <= MAX_NAME_LENGTH) return;
  add(
    "name",
    `\`name\` (${show(name)}), the component name, names the Kubernetes objects${namespace === undefined ? " and the namespace" : ""}: ` +
      `use lower-case letters, digits and "-", starting with a letter, at most ${MAX_NAME_LENGTH} characters, e.g. "chat"`,
  );
}

function checkNamespace(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add("namespace", `\`namespace\` (${show(value)}) must be an object such as { name: "chat" }`);
    return;
  }
  checkKnownKeys(value, "namespace.", ["name", "create"], add);
  if (typeof value.name !== "string" || !DNS_LABEL.test(value.name) || value.name.length > 63) {
    add(
      "namespace.name",
      `\`namespace.name\` (${show(value.name)}) must be a DNS label: lower-case letters, digits and "-", starting with a letter, at most 63 characters, e.g. "chat"`,
    );
  }
  if (value.create !== undefined && typeof value.create !== "boolean") {
    add("namespace.create", `\`namespace.create\` (${show(value.create)}) must be true or false`);
  }
}

/** An RFC 6265 token (the shared validator reports names that are not one). */
const COOKIE_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * The characters ingress-nginx's annotation validator accepts in `session-cookie-name`
 * (`BasicCharsRegex`), intersected with a cookie token. Any other token makes the controller
 * refuse the annotation (its admission webhook rejects the Ingress).
 */
const NGINX_COOKIE_NAME = /^[-._~0-9A-Za-z]+$/;

function checkControllerCookieName(ingress: unknown, stickiness: unknown, add: Add) {
  if (!isRecord(ingress) || ingress.controller !== "nginx" || !isRecord(stickiness)) return;
  const name = stickiness.cookieName;
  if (typeof name !== "string" || !COOKIE_TOKEN.test(name) || NGINX_COOKIE_NAME.test(name)) return;
  add(
    "stickiness.cookieName",
    `\`stickiness.cookieName\` (${show(name)}) has characters ingress-nginx refuses in \`session-cookie-name\`: use letters, digits, "-", "_", "." and "~", e.g. "SIO_NODE"`,
  );
}

/**
 * `ingress.clientAddress`: required for client-IP stickiness on ingress-nginx (which hashes
 * `$remote_addr`, a node's address unless the client's reaches the controller), refused elsewhere.
 */
function checkClientAddress(ingress: unknown, stickiness: unknown, add: Add) {
  if (!isRecord(ingress)) return;
  const field = "ingress.clientAddress";
  const value = ingress.clientAddress;
  const clientIp = isRecord(stickiness) && stickiness.mode === "client-ip";
  const modes = CLIENT_ADDRESS_MODES.map((m) => `"${m}"`).join(", ");
  if (value !== undefined && !checkEnum(value, field, CLIENT_ADDRESS_MODES, add)) return;
  if (ingress.controller !== "nginx") {
    if (value !== undefined) {
      add(
        field,
        `\`${field}\` (${show(value)}) only applies to \`ingress.controller: "nginx"\` with \`stickiness.mode: "client-ip"\`: remove it`,
      );
    }
    return;
  }
  if (!clientIp) {
    if (value !== undefined) {
      add(
        field,
        `\`${field}\` (${show(value)}) only applies with \`stickiness.mode: "client-ip"\` (ingress-nginx hashes the client's address only then): remove it`,
      );
    }
    return;
  }
  if (value === undefined) {
    add(
      field,
      `\`${field}\` is required with \`stickiness.mode: "client-ip"\` on ingress-nginx: it hashes \`$remote_addr\`, which behind a cloud L4 balancer with the controller Service's default \`externalTrafficPolicy: Cluster\` is a node's address, so one client's connections land on different pods. Say how the client's address reaches the controller: one of ${modes}; or use \`stickiness.mode: "cookie"\``,
    );
  }
}

/** A cluster-mode Redis carries only the sharded adapter (the app refuses the others at start). */
function checkClusterAdapter(args: Record<string, unknown>, add: Add) {
  if (!isRecord(args.redis) || args.redis.mode !== "external" || args.redis.cluster !== true)
    return;
  const adapter = typeof args.adapter === "string" ? args.adapter : "redis";
  const problem = clusterModeAdapterProblem(adapter);
  if (problem !== undefined) {
    add(
      "adapter",
      `\`adapter\` ("${adapter}") cannot run with \`redis.cluster: true\`: ${problem}`,
    );
  }
}

function checkRedis(value: unknown, add: Add) {
  if (value === undefined) return;
  if (isOutputValue(value)) {
    add("redis", outputObjectMessage("redis", '{ mode: "external", url }'));
    return;
  }
  if (!isRecord(value)) {
    add("redis", `\`redis\` (${show(value)}) must be an object such as { mode: "in-cluster" }`);
    return;
  }
  if (value.mode === undefined) {
    add("redis.mode", '`redis.mode` is required: "in-cluster" or "external"');
    return;
  }
  if (!checkEnum(value.mode, "redis.mode", ["in-cluster", "external"], add)) return;
  if (value.mode === "in-cluster") {
    checkKnownKeys(value, "redis.", ["mode", "storageGi", "image"], add);
    checkInteger(value, "storageGi", 1, 1000, "redis.", add);
    if (
      value.image !== undefined &&
      (typeof value.image !== "string" || value.image.trim() === "")
    ) {
      add(
        "redis.image",
        `\`redis.image\` (${show(value.image)}) must be an image reference such as "${K8S_DEFAULTS.redisImage}"`,
      );
    }
    return;
  }
  checkKnownKeys(value, "redis.", ["mode", "url", "port", "cluster"], add);
  checkInteger(value, "port", 1, 65535, "redis.", add);
  if (value.cluster !== undefined && typeof value.cluster !== "boolean") {
    add("redis.cluster", `\`redis.cluster\` (${show(value.cluster)}) must be true or false`);
  }
  const url = value.url;
  if (url === undefined || url === null || url === "") {
    add(
      "redis.url",
      '`redis.url` is required with `redis.mode: "external"`: e.g. "rediss://:password@redis.example.com:6380"',
    );
  } else if (typeof url === "string" && !/^rediss?:\/\/[^\s/]+/.test(url)) {
    // The value holds a password: never echo it.
    add(
      "redis.url",
      '`redis.url` (value not shown) must start with redis:// or rediss:// (TLS), e.g. "rediss://:password@redis.example.com:6380"',
    );
  } else if (typeof url !== "string" && typeof url !== "object") {
    add("redis.url", "`redis.url` (value not shown) must be a string (or an Output of one)");
  }
}

function checkResources(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "resources",
      `\`resources\` (${show(value)}) must be an object such as { requests: { cpu: "250m", memory: "256Mi" } }`,
    );
    return;
  }
  checkKnownKeys(value, "resources.", ["requests", "limits"], add);
  const parsed: Record<string, Record<string, number | undefined>> = {};
  for (const group of ["requests", "limits"] as const) {
    const g = value[group];
    parsed[group] = {};
    if (g === undefined) continue;
    if (!isRecord(g)) {
      add(
        `resources.${group}`,
        `\`resources.${group}\` (${show(g)}) must be an object such as { cpu: "250m", memory: "256Mi" }`,
      );
      continue;
    }
    checkKnownKeys(g, `resources.${group}.`, ["cpu", "memory"], add);
    for (const kind of ["cpu", "memory"] as const) {
      const q = g[kind];
      if (q === undefined) continue;
      const n = typeof q === "string" ? parseQuantity(q) : undefined;
      if (n === undefined || n <= 0) {
        add(
          `resources.${group}.${kind}`,
          `\`resources.${group}.${kind}\` (${show(q)}) must be a positive Kubernetes quantity such as ${kind === "cpu" ? '"250m" or "1"' : '"256Mi" or "1Gi"'}`,
        );
      }
      parsed[group][kind] = n;
    }
  }
  for (const kind of ["cpu", "memory"] as const) {
    const req = parsed.requests[kind] ?? parseQuantity(K8S_DEFAULTS.resources.requests[kind]);
    const lim = parsed.limits[kind] ?? parseQuantity(K8S_DEFAULTS.resources.limits[kind]);
    if (req !== undefined && lim !== undefined && req > 0 && lim > 0 && req > lim) {
      const r =
        (value.requests as Record<string, unknown> | undefined)?.[kind] ??
        K8S_DEFAULTS.resources.requests[kind];
      const l =
        (value.limits as Record<string, unknown> | undefined)?.[kind] ??
        K8S_DEFAULTS.resources.limits[kind];
      add(
        `resources.requests.${kind}`,
        `\`resources.requests.${kind}\` (${show(r)}) is above \`resources.limits.${kind}\` (${show(l)}), which Kubernetes rejects: raise the limit or lower the request`,
      );
    }
  }
}

function checkAutoscaling(value: unknown, replicas: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "autoscaling",
      `\`autoscaling\` (${show(value)}) must be an object such as { minReplicas: 3, maxReplicas: 10 }`,
    );
    return;
  }
  checkKnownKeys(
    value,
    "autoscaling.",
    ["minReplicas", "maxReplicas", "targetCpuPercent", "metric", "connections"],
    add,
  );
  for (const key of ["minReplicas", "maxReplicas"] as const) {
    if (value[key] === undefined) {
      add(
        `autoscaling.${key}`,
        `\`autoscaling.${key}\` is required, e.g. { minReplicas: 3, maxReplicas: 10 }`,
      );
    }
  }
  const min = checkInteger(value, "minReplicas", 1, 1000, "autoscaling.", add);
  const max = checkInteger(value, "maxReplicas", 1, 1000, "autoscaling.", add);
  checkInteger(value, "targetCpuPercent", 1, 100, "autoscaling.", add);
  if (min !== undefined && max !== undefined && max < min) {
    add(
      "autoscaling.maxReplicas",
      `\`autoscaling.maxReplicas\` (${max}) is below \`autoscaling.minReplicas\` (${min}): set it to at least ${min}`,
    );
  }
  if (isIntegerIn(replicas, 1, 1000) && min !== undefined && max !== undefined && max >= min) {
    if (replicas < min || replicas > max) {
      add(
        "replicas",
        `\`replicas\` (${replicas}) is the initial count when autoscaling and must lie within \`autoscaling.minReplicas\`..\`maxReplicas\` (${min}..${max}): set it to ${Math.min(Math.max(replicas, min), max)} or leave it out`,
      );
    }
  }
}
