/**
 * GCP rules for what the Google APIs reject or break later: Cloud Run's reserved variable names,
 * the VM image pinned by digest, the instance group's zones, the request-log sample rate. Like
 * the rest of the validator, never throws.
 */
import { isRecord, show } from "../shared/checks";
import type { Add } from "../shared/ruleKit";
import { isCloudRun, MAX_REGION_ZONES } from "./platform";

/**
 * Variables Cloud Run sets itself, which a service may not set: "The environment variables
 * defined in the container runtime contract are reserved and cannot be set"
 * (cloud.google.com/run/docs/configuring/services/environment-variables). The contract
 * (cloud.google.com/run/docs/container-contract) lists PORT, K_SERVICE, K_REVISION and
 * K_CONFIGURATION for services and the CLOUD_RUN_* ones for jobs; the API refuses them at create
 * ("template.containers[0].env: The following reserved env names were provided: PORT",
 * hashicorp/terraform-provider-google#26877). Cloud Run sets PORT from `ports.containerPort`.
 */
export const CLOUD_RUN_RESERVED_ENV = [
  "PORT",
  "K_SERVICE",
  "K_REVISION",
  "K_CONFIGURATION",
  "CLOUD_RUN_JOB",
  "CLOUD_RUN_EXECUTION",
  "CLOUD_RUN_TASK_INDEX",
  "CLOUD_RUN_TASK_ATTEMPT",
  "CLOUD_RUN_TASK_COUNT",
] as const;

/** User `env` keys that Cloud Run reserves (the shared rule already refuses contract keys). */
export function checkCloudRunEnv(args: Record<string, unknown>, add: Add) {
  if (!isRecord(args.env) || !isCloudRun(args)) return;
  for (const key of Object.keys(args.env)) {
    if ((CLOUD_RUN_RESERVED_ENV as readonly string[]).includes(key) && key !== "PORT") {
      add(
        `env.${key}`,
        `\`env.${key}\` is reserved by Cloud Run, which sets it itself (reserved: ${CLOUD_RUN_RESERVED_ENV.join(", ")}); the API refuses the service with it: rename the variable`,
      );
    }
  }
}

/**
 * `compute.zones`: 1–`MAX_REGION_ZONES` distinct zones of `region` (the API refuses a zone of
 * another region; the group's surge is one per zone).
 */
export function checkZones(args: Record<string, unknown>, add: Add) {
  const zones = isRecord(args.compute) ? args.compute.zones : undefined;
  if (zones === undefined) return;
  const region = typeof args.region === "string" ? args.region : "REGION";
  const example = `["${region}-b", "${region}-c", "${region}-d"]`;
  if (!Array.isArray(zones) || zones.length === 0 || zones.length > MAX_REGION_ZONES) {
    add(
      "compute.zones",
      `\`compute.zones\` (${show(zones)}) must list 1–${MAX_REGION_ZONES} zones of \`region\`, e.g. ${example}; or omit it and let the API choose`,
    );
    return;
  }
  zones.forEach((zone, i) => {
    const field = `compute.zones[${i}]`;
    if (
      typeof zone !== "string" ||
      !zone.startsWith(`${region}-`) ||
      !/^[a-z]+-[a-z]+[0-9]+-[a-z0-9]+$/.test(zone)
    ) {
      add(
        field,
        `\`${field}\` (${show(zone)}) is not a zone of \`region\` "${region}": write it as "${region}-b"`,
      );
    } else if (zones.indexOf(zone) !== i) {
      add(field, `\`${field}\` (${show(zone)}) is listed twice: remove the duplicate`);
    }
  });
}

/** An image reference pinned by digest: `…@sha256:` and 64 hex digits (a tag before it is allowed). */
export const IMAGE_DIGEST = /@sha256:[a-f0-9]{64}$/;

/**
 * Why a VM image must be pinned, or `undefined` when it is. Each VM pulls `image` when its
 * container starts (a new VM from autoscaling or autohealing, a restart), so a tag that moved
 * since the last `up` puts different builds in one group. Cloud Run needs no pin: it "resolves
 * [a tag] to a digest" when it creates a revision
 * (cloud.google.com/artifact-registry/docs/integrate-cloud-run).
 */
export function vmImageProblem(image: string): string | undefined {
  if (IMAGE_DIGEST.test(image)) return undefined;
  return (
    `\`image\` (${show(image)}) is not pinned by digest: each VM of the instance group pulls it when its container starts ` +
    "(autoscaling, autohealing, a restart), so a tag that moves puts different builds in one group. " +
    'Give the digest, e.g. "europe-west1-docker.pkg.dev/acme/apps/chat@sha256:<64 hex digits>" ' +
    "(`gcloud artifacts docker images describe IMAGE:TAG --format='value(image_summary.fully_qualified_digest)'`, " +
    "or the `ref` output of a @pulumi/docker-build Image); Cloud Run mode resolves tags itself"
  );
}

/** Instance-group mode: a plain-string `image` pinned by digest (an Output is checked at deploy). */
export function checkVmImage(args: Record<string, unknown>, add: Add) {
  if (typeof args.image !== "string" || args.image.trim() === "" || isCloudRun(args)) return;
  const problem = vmImageProblem(args.image);
  if (problem !== undefined) add("image", problem);
}

/** `requestLogSampleRate`: "must be in [0, 1]" (the provider's `logConfig.sampleRate`). */
export function checkRequestLogSampleRate(value: unknown, add: Add) {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    add(
      "requestLogSampleRate",
      `\`requestLogSampleRate\` (${show(value)}) must be a number from 0 to 1, e.g. 0.1 (one request in ten logged)`,
    );
  }
}
