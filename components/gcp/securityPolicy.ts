import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  GCP_DEFAULTS,
  GcpSecurityPolicyMode,
  type GcpFleetTransforms,
  type GcpSecurityPolicy,
} from "./args";

/** The default rule's priority: the lowest, which Cloud Armor requires to match `*`. */
export const DEFAULT_RULE_PRIORITY = 2_147_483_647;

const EVERY_IP = { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } };

/**
 * The Cloud Armor policy of the backend service: the given one, none, or a policy of the fleet's
 * own with three rules: deny the `cve-canary` preconfigured WAF expression (Log4Shell probes;
 * checkov CKV_GCP_73 asks for it), throttle each client IP to `requestsPerMinutePerIp` with HTTP
 * 429 beyond it, and allow the rest. The OWASP SQLi/XSS sets are left out: Engine.IO polling bodies
 * are JSON-ish text, on which they raise false positives.
 */
export function createSecurityPolicy(
  name: string,
  policy: GcpSecurityPolicy | undefined,
  project: pulumi.Input<string> | undefined,
  transform: GcpFleetTransforms,
  parent: pulumi.Resource,
): { id?: pulumi.Input<string>; policy?: gcp.compute.SecurityPolicy } {
  const mode = policy?.mode ?? GCP_DEFAULTS.securityPolicy.mode;
  if (mode === GcpSecurityPolicyMode.Disabled) return {};
  if (mode === GcpSecurityPolicyMode.Existing) return { id: policy?.id };
  const perMinute =
    policy?.requestsPerMinutePerIp ?? GCP_DEFAULTS.securityPolicy.requestsPerMinutePerIp;
  const args: gcp.compute.SecurityPolicyArgs = {
    project,
    description: "Socket.IO fleet (socketio-fleet): per-IP throttle, cve-canary",
    type: "CLOUD_ARMOR",
    rules: [
      {
        priority: 1000,
        description: "Log4Shell and similar probes",
        action: "deny(403)",
        match: { expr: { expression: "evaluatePreconfiguredWaf('cve-canary')" } },
      },
      {
        priority: 2000,
        description: `At most ${perMinute} requests a minute per client IP`,
        action: "throttle",
        match: EVERY_IP,
        rateLimitOptions: {
          enforceOnKey: "IP",
          rateLimitThreshold: { count: perMinute, intervalSec: 60 },
          conformAction: "allow",
          exceedAction: "deny(429)",
        },
      },
      {
        priority: DEFAULT_RULE_PRIORITY,
        description: "Default: allow",
        action: "allow",
        match: EVERY_IP,
      },
    ],
  };
  transform.securityPolicy?.(args);
  const created = new gcp.compute.SecurityPolicy(`${name}-armor`, args, { parent });
  return { id: created.id, policy: created };
}
