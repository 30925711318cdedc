/** What `AwsSocketIoFleet` warns about at every preview: legitimate choices with a cost. */
import { APP_DRAIN_SECONDS, ECS_STATUS_POLL_SECONDS } from "../shared";
import { type AwsSocketIoFleetArgs, DEREGISTRATION_DELAY_SECONDS } from "./args";

/** A certificate for some domain, but `url` would name the ALB, which no certificate covers. */
export const CERTIFICATE_WITHOUT_DOMAIN_WARNING =
  "`certificateArn` is set without `domainName`: `url` becomes https://<the ALB's DNS name>, " +
  "which no ACM certificate covers, so browsers reject it; set `domainName` to the name the " +
  "certificate is for and point a DNS record (alias) at `loadBalancerDnsName`";

/**
 * The VPC's zones come from awsx's lookup at every run (`availabilityZones` unset). A warning,
 * not an error: stacks deployed before the arg existed keep working; pinning the zones they use
 * changes nothing on them.
 */
export const AVAILABILITY_ZONES_WARNING =
  "`availabilityZones` is not set: the VPC takes the region's first two zones as " +
  "DescribeAvailabilityZones lists them at every `pulumi up`. A subnet's zone is " +
  "replace-on-change, so if that list changes (a Local Zone the account opts into sorts first) " +
  "the next `up` replaces the subnets, NAT gateways, Redis and tasks. Set `availabilityZones` " +
  'to the zones of this stack\'s region the VPC uses (e.g. ["us-east-1a", "us-east-1b"]; a ' +
  "deployed stack: the zones of its subnets, which changes nothing)";

/**
 * A deregistration delay below `DEREGISTRATION_DELAY_SECONDS` (3 s status poll + 25 s drain +
 * 5 s). A warning, not an error: it is a legitimate trade (faster rollouts and scale-in, e.g.
 * for short sessions), but the ALB then closes the websockets still open on a stopping task all
 * at once when the delay ends, and their clients reconnect together.
 */
export function deregistrationDelayWarning(seconds: number): string {
  return (
    `\`deregistrationDelaySeconds\` (${seconds}) is below the ${DEREGISTRATION_DELAY_SECONDS} s ` +
    `a stopping task needs to move its clients off (${ECS_STATUS_POLL_SECONDS} s ECS status poll + ` +
    `${APP_DRAIN_SECONDS} s drain + 5 s margin): when it ends, the ALB closes the websockets still ` +
    "open on the task at once and their clients all reconnect together; set it to " +
    `${DEREGISTRATION_DELAY_SECONDS} or more (the default) unless faster rollouts are worth that`
  );
}

/** The warnings `args` earns, in the order a user reads them. */
export function awsPreviewWarnings(
  args: AwsSocketIoFleetArgs,
  deregistrationDelaySeconds: number,
): string[] {
  return [
    deregistrationDelaySeconds < DEREGISTRATION_DELAY_SECONDS
      ? deregistrationDelayWarning(deregistrationDelaySeconds)
      : undefined,
    args.network === undefined && args.availabilityZones === undefined
      ? AVAILABILITY_ZONES_WARNING
      : undefined,
    args.certificateArn !== undefined && args.domainName === undefined
      ? CERTIFICATE_WITHOUT_DOMAIN_WARNING
      : undefined,
  ].filter((w): w is string => w !== undefined);
}
