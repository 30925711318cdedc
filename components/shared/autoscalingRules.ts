/**
 * The autoscaling rule the cloud targets share (`autoscaling: { minReplicas, maxReplicas,
 * targetCpuPercent? }`, with `replicas` as the initial count), so AWS and GCP refuse the same
 * mistakes with the same words.
 */
import { isRecord, show } from "./checks";
import { FLEET_DEFAULTS } from "./defaults";
import { type Add, checkInteger, checkKnownKeys } from "./ruleKit";

/** The highest node count any target accepts. */
export const MAX_REPLICAS = 1000;

/** Checks `args.autoscaling` against `args.replicas`; every problem through `add`. */
export function checkAutoscaling(args: Record<string, unknown>, add: Add) {
  const a = args.autoscaling;
  if (a === undefined) return;
  if (!isRecord(a)) {
    add(
      "autoscaling",
      `\`autoscaling\` (${show(a)}) must be an object such as { minReplicas: 2, maxReplicas: 10 }`,
    );
    return;
  }
  checkKnownKeys(a, "autoscaling.", ["minReplicas", "maxReplicas", "targetCpuPercent"], add);
  for (const key of ["minReplicas", "maxReplicas"]) {
    if (a[key] === undefined) {
      add(
        `autoscaling.${key}`,
        `\`autoscaling.${key}\` is required: give an integer from 1 to ${MAX_REPLICAS}`,
      );
    }
  }
  const min = checkInteger(a, "minReplicas", 1, MAX_REPLICAS, "autoscaling.", add);
  const max = checkInteger(a, "maxReplicas", 1, MAX_REPLICAS, "autoscaling.", add);
  checkInteger(a, "targetCpuPercent", 1, 100, "autoscaling.", add);
  const replicas = typeof args.replicas === "number" ? args.replicas : FLEET_DEFAULTS.replicas;
  if (min !== undefined && max !== undefined && min > max) {
    add(
      "autoscaling.minReplicas",
      `\`autoscaling.minReplicas\` (${min}) is more than \`autoscaling.maxReplicas\` (${max}): swap them`,
    );
    return;
  }
  if (min !== undefined && min > replicas) {
    add(
      "autoscaling.minReplicas",
      `\`autoscaling.minReplicas\` (${min}) is more than \`replicas\` (${replicas}), the initial count: set \`replicas\` to at least ${min}`,
    );
  }
  if (max !== undefined && replicas > max) {
    add(
      "autoscaling.maxReplicas",
      `\`autoscaling.maxReplicas\` (${max}) is less than \`replicas\` (${replicas}), the initial count: set \`replicas\` to at most ${max}`,
    );
  }
}
