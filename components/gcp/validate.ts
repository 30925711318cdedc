/**
 * GCP-only rules. `validateGcpFleet` merges them with the shared validator's problems (through
 * `gcpPlatform`), so a user sees every mistake at once. Like the shared validator it never
 * throws, whatever `args` is.
 */
import { FLEET_DEFAULTS, validateFleetSpec, type FleetSpecProblem } from "../shared";
import { checkAutoscaling } from "../shared/autoscalingRules";
import { isRecord, show } from "../shared/checks";
import { type Add, checkEnum, checkInteger, checkKnownKeys } from "../shared/ruleKit";
import { GcpComputeMode } from "./args";
import { gcpPlatform, isCloudRun } from "./platform";
import {
  checkCloudRunEnv,
  checkRequestLogSampleRate,
  checkVmImage,
  checkZones,
} from "./validateCloudLimits";
import { checkCrossSiteCookie } from "./validateCookie";
import { checkRedis, checkSecurityPolicy } from "./validateServices";
import { checkValkeyFleet } from "./validateValkey";
import { checkGcpCapacity, checkMonitoring } from "./validateMonitoring";

/**
 * Longest component name: child names derive from it (`${name}-<6 hex>` is the service account id,
 * at most 30 characters, see `names.ts`), and Pulumi appends "-" and 7 random characters to auto-named children
 * such as the Memorystore instance (at most 40 characters).
 */
export const MAX_FLEET_NAME_LENGTH = 20;

/** Every problem with `args` for the GCP target (shared rules included), or `[]`. */
export function validateGcpFleet(args: unknown): FleetSpecProblem[] {
  const platformArgs = isRecord(args) ? args : {};
  const problems = validateFleetSpec(args, gcpPlatform(platformArgs));
  if (!isRecord(args)) return problems;
  const add: Add = (field, message) => problems.push({ field, message });
  checkRegion(args.region, add);
  checkOptionalString(args.project, "project", '"acme-prod"', add);
  checkNetwork(args.network, add);
  checkCompute(args, add);
  checkGcpAutoscaling(args, add);
  checkDomains(args.domains, add);
  checkCertificates(args.sslCertificates, add);
  checkSecurityPolicy(args.securityPolicy, add);
  checkRedis(args.redis, add, args.network);
  checkValkeyFleet(args, add);
  if (typeof args.deletionProtection !== "boolean") {
    add(
      "deletionProtection",
      `\`deletionProtection\` (${show(args.deletionProtection)}) is required, true or false: true protects Memorystore and the Cloud Run service from \`pulumi destroy\` (production), false lets a development stack be destroyed`,
    );
  }
  checkCrossSiteCookie(args, add);
  checkEnvValues(args, add);
  checkCloudRunEnv(args, add);
  checkZones(args, add);
  checkVmImage(args, add);
  checkRequestLogSampleRate(args.requestLogSampleRate, add);
  checkMonitoring(args.monitoring, add);
  checkGcpCapacity(args, add);
  return problems;
}

/**
 * Problems with the component name, which every child's name derives from: lower-case letters,
 * digits and single hyphens, starting with a letter (GCP resource names allow nothing else), at
 * most `MAX_FLEET_NAME_LENGTH` characters.
 */
export function validateGcpFleetName(name: unknown): FleetSpecProblem[] {
  if (
    typeof name === "string" &&
    name.length <= MAX_FLEET_NAME_LENGTH &&
    /^[a-z](?:-?[a-z0-9])*$/.test(name)
  ) {
    return [];
  }
  return [
    {
      field: "name",
      message:
        `the component \`name\` (${show(name)}) must be 1–${MAX_FLEET_NAME_LENGTH} lower-case letters, digits and single hyphens, ` +
        "starting with a letter: GCP derives the service account (30 characters), Memorystore (40) and other " +
        'resource names from it, e.g. "chat-prod"',
    },
  ];
}

function checkRegion(value: unknown, add: Add) {
  if (typeof value === "string" && /^[a-z]+-[a-z]+[0-9]+$/.test(value)) return;
  add(
    "region",
    value === undefined
      ? '`region` is required: the region of the nodes and Memorystore, e.g. "europe-west1"'
      : `\`region\` (${show(value)}) is not a GCP region: write it as "europe-west1" (a region, not a zone such as "europe-west1-b")`,
  );
}

function checkOptionalString(value: unknown, field: string, example: string, add: Add) {
  if (value === undefined || (typeof value === "object" && value !== null)) return;
  if (typeof value !== "string" || value.trim() === "") {
    add(field, `\`${field}\` (${show(value)}) must be a non-empty string such as ${example}`);
  }
}

function checkNetwork(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add(
      "network",
      `\`network\` (${show(value)}) must be an object such as { network: "projects/p/global/networks/n", subnetwork: "projects/p/regions/r/subnetworks/s" }`,
    );
    return;
  }
  checkKnownKeys(value, "network.", ["network", "subnetwork"], add);
  for (const key of ["network", "subnetwork"]) {
    if (value[key] === undefined) {
      add(
        `network.${key}`,
        `\`network.${key}\` is required with \`network\`: give its id or self link`,
      );
    } else {
      checkOptionalString(value[key], `network.${key}`, "its id or self link", add);
    }
  }
}

const INSTANCE_GROUP_KEYS = ["machineType", "autohealingInitialDelaySeconds", "natEgress", "zones"];
const CLOUD_RUN_KEYS = ["cpu", "memory", "maxRequestsPerInstance"];

function checkCompute(args: Record<string, unknown>, add: Add) {
  const value = args.compute;
  if (value !== undefined && !isRecord(value)) {
    add(
      "compute",
      `\`compute\` (${show(value)}) must be an object such as { mode: "instance-group", machineType: "e2-small" }`,
    );
    return;
  }
  const c = value ?? {};
  checkKnownKeys(c, "compute.", ["mode", ...INSTANCE_GROUP_KEYS, ...CLOUD_RUN_KEYS], add);
  if (!checkEnum(c.mode, "compute.mode", Object.values(GcpComputeMode), add)) return;
  const cloudRun = c.mode === GcpComputeMode.CloudRun;
  const foreign = cloudRun ? INSTANCE_GROUP_KEYS : CLOUD_RUN_KEYS;
  for (const key of foreign.filter((k) => c[k] !== undefined)) {
    add(
      `compute.${key}`,
      `\`compute.${key}\` does not apply to \`compute.mode\` "${c.mode ?? GcpComputeMode.InstanceGroup}": remove it`,
    );
  }
  if (c.machineType !== undefined && !/^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(String(c.machineType))) {
    add(
      "compute.machineType",
      `\`compute.machineType\` (${show(c.machineType)}) is not a Compute Engine machine type: write it as "e2-small"`,
    );
  }
  checkInteger(c, "autohealingInitialDelaySeconds", 0, 3600, "compute.", add);
  if (c.natEgress !== undefined && typeof c.natEgress !== "boolean") {
    add("compute.natEgress", `\`compute.natEgress\` (${show(c.natEgress)}) must be true or false`);
  }
  if (c.natEgress === true && args.network !== undefined) {
    add(
      "compute.natEgress",
      "`compute.natEgress` creates Cloud NAT only on the network the fleet creates; with `network`, give that network a Cloud NAT of its own and remove `natEgress`",
    );
  }
  checkInteger(c, "maxRequestsPerInstance", 1, 1000, "compute.", add, " (Cloud Run's limit)");
  if (c.cpu !== undefined && !/^\d+(\.\d+)?$|^\d+m$/.test(String(c.cpu))) {
    add("compute.cpu", `\`compute.cpu\` (${show(c.cpu)}) must be a CPU limit such as "1" or "2"`);
  }
  if (c.memory !== undefined && !/^\d+(Mi|Gi)$/.test(String(c.memory))) {
    add(
      "compute.memory",
      `\`compute.memory\` (${show(c.memory)}) must be a memory limit such as "512Mi" or "2Gi"`,
    );
  }
  if (cloudRun) checkCloudRunTransports(args.transports, add);
}

/**
 * Cloud Run needs websocket-only: its affinity is best effort and the load balancer's does not
 * apply to serverless backends, so long-polling requests land on any instance.
 */
function checkCloudRunTransports(value: unknown, add: Add) {
  const transports = value ?? FLEET_DEFAULTS.transports;
  if (Array.isArray(transports) && transports.length === 1 && transports[0] === "websocket") {
    return;
  }
  add(
    "transports",
    `\`transports\` (${show(transports)}) must be ["websocket"] with \`compute.mode\` "cloud-run": Cloud Run's session affinity is best effort and the load balancer's does not apply to it, so long-polling fails with "Session ID unknown" (websockets there also last at most 60 minutes, then clients reconnect). Use \`transports: ["websocket"]\`, or \`compute.mode: "instance-group"\``,
  );
}

/** The shared autoscaling rule, plus what Cloud Run ignores. */
function checkGcpAutoscaling(args: Record<string, unknown>, add: Add) {
  checkAutoscaling(args, add);
  if (
    isRecord(args.autoscaling) &&
    args.autoscaling.targetCpuPercent !== undefined &&
    isCloudRun(args)
  ) {
    add(
      "autoscaling.targetCpuPercent",
      "`autoscaling.targetCpuPercent` does not apply to Cloud Run, which scales on its own between `minReplicas` and `maxReplicas`: remove it",
    );
  }
}

/** A DNS host name a Google-managed certificate can cover (no wildcard, no trailing dot). */
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
/** "Up to 100" domains per managed certificate (ManagedSslCertificate `managed.domains`). */
const MAX_DOMAINS = 100;

function checkDomains(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    add("domains", `\`domains\` (${show(value)}) must be an array such as ["chat.example.com"]`);
    return;
  }
  if (value.length > MAX_DOMAINS) {
    add(
      "domains",
      `\`domains\` lists ${value.length} names; a Google-managed certificate covers at most ${MAX_DOMAINS}`,
    );
  }
  value.forEach((domain, i) => {
    const field = `domains[${i}]`;
    if (typeof domain !== "string" || !HOST_NAME.test(domain)) {
      add(
        field,
        `\`${field}\` (${show(domain)}) must be a lower-case DNS name such as "chat.example.com" (no scheme, port, wildcard or trailing dot)`,
      );
    } else if (value.indexOf(domain) !== i) {
      add(field, `\`${field}\` (${show(domain)}) is listed twice: remove the duplicate`);
    }
  });
}

function checkCertificates(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.length === 0) {
    add(
      "sslCertificates",
      `\`sslCertificates\` (${show(value)}) must be a non-empty array of certificate self links; omit it for a Google-managed certificate`,
    );
  }
}

/**
 * The instance group writes the plain environment into an env file (one `KEY=value` per line):
 * a value with a line break would split into a second variable.
 */
function checkEnvValues(args: Record<string, unknown>, add: Add) {
  if (!isRecord(args.env) || isCloudRun(args)) return;
  for (const [key, value] of Object.entries(args.env)) {
    if (typeof value === "string" && /[\r\n\0]/.test(value)) {
      add(
        `env.${key}`,
        `\`env.${key}\` holds a line break, which the instance group's env file cannot carry: pass it without line breaks (e.g. base64)`,
      );
    }
  }
}
