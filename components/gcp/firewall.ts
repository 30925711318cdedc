import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { GcpFleetTransforms } from "./args";
import { GOOGLE_FRONT_END_RANGES } from "./platform";

export interface FirewallOptions {
  project?: pulumi.Input<string>;
  networkId: pulumi.Input<string>;
  containerPort: number;
  /** The nodes' service account: the rule targets it, not a network tag anyone could set. */
  serviceAccountEmail: pulumi.Input<string>;
  transform: GcpFleetTransforms;
}

/**
 * The only inbound rule: the app port, from Google's front ends and health checkers. Nothing else
 * (no SSH: use `gcloud compute ssh --tunnel-through-iap` with an IAP rule of your own if needed;
 * the metrics port is not published by the container).
 */
export function createFirewall(
  name: string,
  o: FirewallOptions,
  parent: pulumi.Resource,
): gcp.compute.Firewall {
  const args: gcp.compute.FirewallArgs = {
    project: o.project,
    network: o.networkId,
    description: "Socket.IO fleet: the app port from Google front ends and health checks only",
    direction: "INGRESS",
    priority: 1000,
    sourceRanges: [...GOOGLE_FRONT_END_RANGES],
    targetServiceAccounts: [o.serviceAccountEmail],
    allows: [{ protocol: "tcp", ports: [String(o.containerPort)] }],
    logConfig: { metadata: "EXCLUDE_ALL_METADATA" },
  };
  o.transform.firewall?.(args);
  return new gcp.compute.Firewall(`${name}-allow-gfe`, args, { parent });
}
