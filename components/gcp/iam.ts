import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { artifactRegistryRepositoryOf } from "./cloudInit";

/** Project roles of the nodes' service account: write logs and metrics, nothing else. */
export const NODE_PROJECT_ROLES = ["roles/logging.logWriter", "roles/monitoring.metricWriter"];

export interface FleetIdentity {
  serviceAccount: gcp.serviceaccount.Account;
  projectRoles: gcp.projects.IAMMember[];
  secretAccess: gcp.secretmanager.SecretIamMember;
  /** `roles/artifactregistry.reader` on the image's repository, when the image names one. */
  imagePull?: gcp.artifactregistry.RepositoryIamMember;
}

export interface IdentityOptions {
  /** Unique per project and stack (`fleetIds`). */
  accountId: string;
  /** The project of the IAM bindings (the provider's when the args name none). */
  project: pulumi.Input<string>;
  /** The Secret Manager secret holding the Redis URL: the only secret the nodes may read. */
  secretId: pulumi.Input<string>;
  /** The image the VMs pull; undefined for Cloud Run, which pulls with its own service agent. */
  image?: pulumi.Input<string>;
}

/**
 * A dedicated service account per fleet (never the default compute account, which has Editor):
 * log and metric writer on the project, accessor of its one secret, reader of the image's
 * Artifact Registry repository. The repository is read from `image` when it is a plain
 * `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/…` string; for any other image the account gets no
 * registry role (public images need none; grant `roles/artifactregistry.reader` yourself
 * otherwise, a warning says so).
 */
export function createIdentity(
  name: string,
  o: IdentityOptions,
  parent: pulumi.Resource,
): FleetIdentity {
  const serviceAccount = new gcp.serviceaccount.Account(
    `${name}-nodes`,
    {
      project: o.project,
      accountId: o.accountId,
      displayName: `Socket.IO fleet ${name} nodes`,
    },
    { parent },
  );
  const member = serviceAccount.member;
  const projectRoles = NODE_PROJECT_ROLES.map(
    (role) =>
      new gcp.projects.IAMMember(
        `${name}-${role.split("/")[1].replace(/\./g, "-").toLowerCase()}`,
        { project: o.project, role, member },
        { parent },
      ),
  );
  const secretAccess = new gcp.secretmanager.SecretIamMember(
    `${name}-redis-url-access`,
    { secretId: o.secretId, role: "roles/secretmanager.secretAccessor", member },
    { parent },
  );
  if (o.image === undefined) return { serviceAccount, projectRoles, secretAccess };
  const repository =
    typeof o.image === "string" ? artifactRegistryRepositoryOf(o.image) : undefined;
  if (repository === undefined) {
    if (typeof o.image !== "string" || /-docker\.pkg\.dev\//.test(o.image)) {
      pulumi.log.warn(
        "`image` does not name an Artifact Registry repository as a plain string " +
          "(LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE): the nodes' service account gets no " +
          "`roles/artifactregistry.reader`; grant it on the image's repository, or the VMs cannot pull it",
        parent,
      );
    }
    return { serviceAccount, projectRoles, secretAccess };
  }
  const imagePull = new gcp.artifactregistry.RepositoryIamMember(
    `${name}-image-pull`,
    {
      project: repository.project,
      location: repository.location,
      repository: repository.repository,
      role: "roles/artifactregistry.reader",
      member,
    },
    { parent },
  );
  return { serviceAccount, projectRoles, secretAccess, imagePull };
}
