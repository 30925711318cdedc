/**
 * The scale-in bound every autoscaler of the fleet shares (the CPU HPA, KEDA's HPA, the adapter's
 * HPA): removing a pod moves all of its clients, whatever metric chose it. The derivation and the
 * numbers are in `autoscaling.ts`.
 */
import type * as inputs from "@pulumi/kubernetes/types/input";

/** Pods removed per period at most: one drain at a time. */
export const SCALE_IN_PODS_PER_PERIOD = 1;
/** The scale-in period: a whole pod termination (40 s) rounded up to a minute. */
export const SCALE_IN_PERIOD_SECONDS = 60;
/** The autoscaler scales in to the highest recommendation over this window. */
export const SCALE_IN_STABILIZATION_SECONDS = 600;

/** `behavior.scaleDown` of every autoscaler the fleet creates (HPA `autoscaling/v2` field names). */
export function scaleInBehavior(): inputs.autoscaling.v2.HPAScalingRules {
  return {
    stabilizationWindowSeconds: SCALE_IN_STABILIZATION_SECONDS,
    policies: [
      { type: "Pods", value: SCALE_IN_PODS_PER_PERIOD, periodSeconds: SCALE_IN_PERIOD_SECONDS },
    ],
  };
}
