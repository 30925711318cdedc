import type { PlatformProfile } from "../shared";

/** The AWS-only arg names, accepted beside the shared ones by the shared validator. */
export const AWS_TARGET_ARGS = [
  "network",
  "availabilityZones",
  "certificateArn",
  "domainName",
  "cpu",
  "memoryMiB",
  "autoscaling",
  "deregistrationDelaySeconds",
  "logRetentionDays",
  "accessLogsBucket",
  "deletionProtection",
  "clusterArn",
  "redis",
  "monitoring",
  "transform",
] as const;

/**
 * What an Application Load Balancer can do, for the shared validator. `tls` depends on the args:
 * the front speaks HTTPS exactly when a `certificateArn` is given.
 */
export function awsPlatform(args: { certificateArn?: unknown }): PlatformProfile {
  return {
    name: "an AWS Application Load Balancer",
    stickinessModes: ["cookie", "none"],
    unsupportedStickinessReason: {
      "client-ip": 'an ALB has no client-IP stickiness; use `stickiness.mode: "cookie"`',
    },
    cookieNameSupported: true,
    // AWS reserves these for the ALB's own cookies (AWSALB, AWSALBCORS, AWSALBAPP, AWSALBTG…).
    reservedCookiePrefixes: ["AWSALB", "AWSALBAPP", "AWSALBTG"],
    // Target group `stickiness.cookieDuration`: 1 second to 7 days.
    cookieTtlSeconds: { min: 1, max: 604_800 },
    // Load balancer `idleTimeout`: 1–4000 seconds.
    connectionTimeoutSeconds: { min: 1, max: 4000 },
    tls: args.certificateArn !== undefined && args.certificateArn !== null,
    tlsHint: "Set `certificateArn` (an ACM certificate) to serve HTTPS",
    crossOriginCookieNeedsTls: true,
    targetArgs: AWS_TARGET_ARGS,
  };
}
