/**
 * A wait for IAM to apply before Cloud Run creates a revision. Cloud Run checks that the service
 * account can read each secret of the revision when it creates it, and a new IAM grant takes
 * effect "typically within 2 minutes", sometimes 7 or more (cloud.google.com/iam/docs/
 * access-change-propagation). With Memorystore the grant is made minutes before the service
 * anyway (the instance takes longer to create); with an external Redis nothing slow sits between
 * the two, and a first `pulumi up` failed with "Permission denied on secret". The sleep runs in
 * parallel with Memorystore, so it adds nothing there; it starts again only when the grant
 * changes (a new service account or secret), not on every `up`.
 */
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";

/** How long the service waits after the grant: Google's "typically within 2 minutes". */
export const IAM_PROPAGATION_WAIT = "120s";

export function waitForSecretAccess(
  name: string,
  secretAccess: gcp.secretmanager.SecretIamMember,
  parent: pulumi.Resource,
  /** Other grants the revision needs (the collector's config secret), made beside it. */
  alsoAfter: pulumi.Resource[] = [],
): time.Sleep {
  return new time.Sleep(
    `${name}-iam-propagation`,
    {
      createDuration: IAM_PROPAGATION_WAIT,
      triggers: { member: secretAccess.member, secretId: secretAccess.secretId },
    },
    { parent, dependsOn: [secretAccess, ...alsoAfter] },
  );
}
