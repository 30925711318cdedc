/**
 * The scale-in bound every autoscaler of the fleet shares (the CPU HPA, KEDA's HPA, the adapter's
 * HPA): removing a pod moves all of its clients, whatever metric chose it. The derivation and the
 * numbers are in `autoscaling.ts`.
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import { scaleInBound } from "../shared/scaleInRules";

/** Pods removed per period at most: one drain at a time. */
export const SCALE_IN_PODS_PER_PERIOD = 1;
/** The shortest scale-in period: a whole pod termination (40 s) rounded up to a minute. */
export const SCALE_IN_PERIOD_SECONDS = 60;
/** The longest `periodSeconds` an HPA scaling policy takes. */
export const MAX_HPA_POLICY_PERIOD_SECONDS = 1800;

/**
 * The period between two pod removals: at least a pod's termination (`SCALE_IN_PERIOD_SECONDS`)
 * and at least the shared bound for pods of this capacity with the fewest survivors
 * (`shared/scaleInRules.ts`: the survivors must accept the moved clients; 512 Mi → 49 s, 1 Gi →
 * 115 s with one survivor).
 */
export function scaleInPeriodSeconds(connectionsPerNode: number, minReplicas: number): number {
  const bound = scaleInBound(connectionsPerNode, { survivors: minReplicas }).removalPeriodSeconds;
  return Math.min(MAX_HPA_POLICY_PERIOD_SECONDS, Math.max(SCALE_IN_PERIOD_SECONDS, bound));
}
/** The autoscaler scales in to the highest recommendation over this window. */
export const SCALE_IN_STABILIZATION_SECONDS = 600;

/** `behavior.scaleDown` of every autoscaler the fleet creates (HPA `autoscaling/v2` field names). */
export function scaleInBehavior(
  connectionsPerNode: number,
  minReplicas: number,
): inputs.autoscaling.v2.HPAScalingRules {
  return {
    stabilizationWindowSeconds: SCALE_IN_STABILIZATION_SECONDS,
    policies: [
      {
        type: "Pods",
        value: SCALE_IN_PODS_PER_PERIOD,
        periodSeconds: scaleInPeriodSeconds(connectionsPerNode, minReplicas),
      },
    ],
  };
}
