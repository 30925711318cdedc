/**
 * The Kubernetes target's own rules, merged with the shared validator's problems so the user
 * sees every problem at once. Like the shared validator, never throws whatever the args are.
 */
import { type FleetSpecProblem, validateFleetSpec } from "../spec";
import { isIntegerIn, isRecord, show } from "../spec/checks";
import { type Add, checkEnum, checkInteger, checkKnownKeys } from "../spec/ruleKit";
import { INGRESS_CONTROLLERS, K8S_DEFAULTS } from "./args";
import { kubernetesPlatform } from "./platform";
import { parseQuantity } from "./quantity";

/** Longest component name: object names add suffixes such as `-redis-0` within 63 characters. */
export const MAX_NAME_LENGTH = 40;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Every problem with `args` for the Kubernetes target named `name`, or `[]`. */
export function validateKubernetesFleet(name: unknown, args: unknown): FleetSpecProblem[] {
  const a = isRecord(args) ? args : {};
  const problems = validateFleetSpec(args, kubernetesPlatform(a.ingress));
  const add: Add = (field, message) => problems.push({ field, message });
  if (!isRecord(args)) return problems;
  checkName(name, args.namespace, add);
  checkNamespace(args.namespace, add);
  checkIngress(args.ingress, add);
  checkRedis(args.redis, add);
  checkResources(args.resources, add);
  checkAutoscaling(args.autoscaling, args.replicas, add);
  return problems;
}

function checkName(name: unknown, namespace: unknown, add: Add) {
  if (typeof name === "string" && DNS_LABEL.test(name) && name.length <= MAX_NAME_LENGTH) return;
  add(
    "name",
    `the component name (${show(name)}) names the Kubernetes objects${namespace === undefined ? " and the namespace" : ""}: ` +
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

function checkIngress(value: unknown, add: Add) {
  if (!isRecord(value)) {
    add(
      "ingress",
      `\`ingress\` (${show(value)}) is required: an object such as { controller: "nginx", host: "chat.example.com" }`,
    );
    return;
  }
  const known = ["controller", "host", "className", "tlsSecretName", "certificateArn", "gateway"];
  checkKnownKeys(value, "ingress.", known, add);
  const c = value.controller;
  if (c === undefined) {
    add(
      "ingress.controller",
      `\`ingress.controller\` is required: one of ${INGRESS_CONTROLLERS.map((x) => `"${x}"`).join(", ")}`,
    );
  } else {
    checkEnum(c, "ingress.controller", INGRESS_CONTROLLERS, add);
  }
  if (value.host !== undefined) {
    if (typeof value.host !== "string" || !DNS_SUBDOMAIN.test(value.host)) {
      add(
        "ingress.host",
        `\`ingress.host\` (${show(value.host)}) must be a lower-case DNS name without scheme or port, e.g. "chat.example.com"`,
      );
    }
  } else if (c === "gateway-api") {
    add(
      "ingress.host",
      '`ingress.host` is required with `ingress.controller: "gateway-api"`: the HTTPRoute matches it, and the `url` cannot be read from a Gateway this component does not own',
    );
  }
  for (const key of ["className", "tlsSecretName"] as const) {
    const v = value[key];
    if (v !== undefined && (typeof v !== "string" || !DNS_SUBDOMAIN.test(v))) {
      add(
        `ingress.${key}`,
        `\`ingress.${key}\` (${show(v)}) must be a Kubernetes object name: lower-case letters, digits, "-" and "."`,
      );
    }
  }
  if (value.className !== undefined && c === "gateway-api") {
    add(
      "ingress.className",
      '`ingress.className` does not apply to `ingress.controller: "gateway-api"` (the Gateway picks its class): remove it',
    );
  }
  if (value.tlsSecretName !== undefined && (c === "aws-alb" || c === "gateway-api")) {
    add(
      "ingress.tlsSecretName",
      c === "aws-alb"
        ? "`ingress.tlsSecretName` does not apply to an Application Load Balancer, which takes ACM certificates: set `ingress.certificateArn` instead"
        : "`ingress.tlsSecretName` does not apply to an HTTPRoute: TLS is configured on the Gateway listener; remove it and set `ingress.gateway.tls: true`",
    );
  }
  checkCertificateArn(value.certificateArn, c, add);
  checkGateway(value.gateway, c, add);
}

function checkCertificateArn(arn: unknown, controller: unknown, add: Add) {
  const field = "ingress.certificateArn";
  if (arn === undefined) return;
  if (controller !== "aws-alb") {
    add(
      field,
      `\`${field}\` only applies to \`ingress.controller: "aws-alb"\`${controller === "gateway-api" ? "" : "; for this controller set `ingress.tlsSecretName` to a TLS Secret"}: remove it`,
    );
  } else if (
    typeof arn !== "string" ||
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/\S+$/.test(arn)
  ) {
    add(
      field,
      `\`${field}\` (${show(arn)}) must be an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/…"`,
    );
  }
}

function checkGateway(gateway: unknown, controller: unknown, add: Add) {
  const field = "ingress.gateway";
  if (gateway === undefined) {
    if (controller === "gateway-api") {
      add(
        field,
        `\`${field}\` is required with \`ingress.controller: "gateway-api"\`: give the Gateway to attach to, e.g. { name: "public", namespace: "gateway" }`,
      );
    }
    return;
  }
  if (controller !== undefined && controller !== "gateway-api") {
    add(field, `\`${field}\` only applies to \`ingress.controller: "gateway-api"\`: remove it`);
    return;
  }
  if (!isRecord(gateway)) {
    add(
      field,
      `\`${field}\` (${show(gateway)}) must be an object such as { name: "public", namespace: "gateway" }`,
    );
    return;
  }
  checkKnownKeys(gateway, `${field}.`, ["name", "namespace", "tls"], add);
  for (const key of ["name", "namespace"] as const) {
    const v = gateway[key];
    if (typeof v !== "string" || !DNS_SUBDOMAIN.test(v)) {
      add(
        `${field}.${key}`,
        `\`${field}.${key}\` (${show(v)}) must be a Kubernetes object name such as "public"`,
      );
    }
  }
  if (gateway.tls !== undefined && typeof gateway.tls !== "boolean") {
    add(`${field}.tls`, `\`${field}.tls\` (${show(gateway.tls)}) must be true or false`);
  }
}

function checkRedis(value: unknown, add: Add) {
  if (value === undefined) return;
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
  checkKnownKeys(value, "redis.", ["mode", "url", "port"], add);
  checkInteger(value, "port", 1, 65535, "redis.", add);
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
  checkKnownKeys(value, "autoscaling.", ["minReplicas", "maxReplicas", "targetCpuPercent"], add);
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
