/**
 * The cloud side of metrics collection. The instance group's collector needs no resource of its
 * own (its files are in the VMs' cloud-init, `vmCollector.ts`); the Cloud Run sidecar reads its
 * RunMonitoring from Secret Manager (`runCollector.ts`), so this creates that secret, its version
 * and the nodes' read access to it. Both write with the nodes' service account, which already
 * holds `roles/monitoring.metricWriter` (`iam.ts`): the least role that writes time series.
 */
import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { renderRunMonitoring } from "./runCollector";

export interface RunCollectorConfig {
  secret: gcp.secretmanager.Secret;
  version: gcp.secretmanager.SecretVersion;
  access: gcp.secretmanager.SecretIamMember;
  /** The sidecar as `createCloudRun` takes it. */
  sidecar: {
    image: string;
    configSecretId: pulumi.Output<string>;
    configVersion: pulumi.Output<string>;
  };
}

export interface RunCollectorConfigOptions {
  project?: pulumi.Input<string>;
  /** Unique per project and stack (`fleetIds`). */
  secretId: string;
  metricsPort: number;
  scrapeIntervalSeconds: number;
  /** `serviceAccount:…` of the nodes. */
  member: pulumi.Input<string>;
  /** The sidecar image, pinned by digest. */
  image: string;
}

/**
 * The RunMonitoring config in Secret Manager. Not a secret (a port and a regex), but Cloud Run
 * mounts files only from secrets. Versions are kept when replaced (`deletionPolicy` default
 * DELETE would destroy the one a running revision still mounts: `ABANDON`).
 */
export function createRunCollectorConfig(
  name: string,
  o: RunCollectorConfigOptions,
  parent: pulumi.Resource,
): RunCollectorConfig {
  const secret = new gcp.secretmanager.Secret(
    `${name}-gmp-config`,
    {
      project: o.project,
      secretId: o.secretId,
      replication: { auto: {} },
      labels: { "socketio-fleet": name },
    },
    { parent },
  );
  const version = new gcp.secretmanager.SecretVersion(
    `${name}-gmp-config`,
    {
      secret: secret.id,
      secretData: renderRunMonitoring(o.metricsPort, o.scrapeIntervalSeconds),
      deletionPolicy: "ABANDON",
    },
    { parent },
  );
  const access = new gcp.secretmanager.SecretIamMember(
    `${name}-gmp-config-access`,
    { secretId: secret.id, role: "roles/secretmanager.secretAccessor", member: o.member },
    { parent },
  );
  const sidecar = {
    image: o.image,
    configSecretId: secret.secretId,
    configVersion: version.version,
  };
  return { secret, version, access, sidecar };
}
