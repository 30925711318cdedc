/**
 * Ids that must be unique per GCP project: the nodes' service account and the Redis URL secret.
 * Both carry a suffix derived from the Pulumi project, stack and component name, so two stacks
 * (dev and prod, or two Pulumi projects) with the same component name in one GCP project no
 * longer collide (the API answers 409 "already exists"). The suffix is stable across `up`s
 * (both ids are replace-on-change) and needs no extra resource. Pure functions, no Pulumi.
 */
import { createHash } from "node:crypto";

/** Hex digits of the suffix: 24 bits, ample for the stacks that share one project. */
export const ID_SUFFIX_LENGTH = 6;

/** Service account ids: "6-30 characters … `[a-z]([-a-z0-9]*[a-z0-9])`" (provider doc). */
export const SERVICE_ACCOUNT_ID = /^[a-z]([-a-z0-9]*[a-z0-9])$/;
export const SERVICE_ACCOUNT_ID_LENGTH = { min: 6, max: 30 } as const;
/** Secret ids: "letters, numerals, hyphens and underscores", at most 255 (Secret Manager). */
export const SECRET_ID = /^[a-zA-Z0-9_-]{1,255}$/;

export interface FleetIds {
  /** `<name>-<suffix>`: at most 27 characters for a 20-character name. */
  serviceAccountId: string;
  /** `<name>-redis-url-<suffix>`. */
  redisSecretId: string;
  /** `<name>-<suffix>`: the `namespace` label of the fleet's metrics (instance-group mode). */
  metricsNamespace: string;
  /** `<name>-gmp-config-<suffix>`: the Cloud Run collector's RunMonitoring config. */
  collectorConfigSecretId: string;
}

/** The per-stack ids of fleet `name` in Pulumi project `project`, stack `stack`. */
export function fleetIds(name: string, project: string, stack: string): FleetIds {
  const suffix = createHash("sha256")
    .update(`${project}/${stack}/${name}`)
    .digest("hex")
    .slice(0, ID_SUFFIX_LENGTH);
  return {
    serviceAccountId: `${name}-${suffix}`,
    redisSecretId: `${name}-redis-url-${suffix}`,
    metricsNamespace: `${name}-${suffix}`,
    collectorConfigSecretId: `${name}-gmp-config-${suffix}`,
  };
}
