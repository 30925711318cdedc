import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { GCP_DEFAULTS, type GcpFleetTransforms, type GcpNetwork } from "./args";

export interface FleetNetwork {
  /** Id of the VPC network (Memorystore's `authorizedNetwork`, the firewall's network). */
  networkId: pulumi.Output<string>;
  subnetworkId: pulumi.Output<string>;
  /** The network, subnetwork, router and NAT the fleet created, when no `network` was given. */
  network?: gcp.compute.Network;
  subnetwork?: gcp.compute.Subnetwork;
  router?: gcp.compute.Router;
  nat?: gcp.compute.RouterNat;
}

export interface NetworkOptions {
  project?: pulumi.Input<string>;
  region: string;
  network?: GcpNetwork;
  natEgress: boolean;
  transform: GcpFleetTransforms;
}

/**
 * The given network, or a dedicated VPC: custom-mode (no auto subnetworks, so nothing but this
 * fleet's subnetwork exists), one regional subnetwork with Private Google Access (the VMs have no
 * public IPs) and flow logs, and Cloud NAT only when images come from the internet. GCP's implied
 * rules deny all ingress; `firewall.ts` opens only the app port to Google's front ends.
 */
export function createNetwork(
  name: string,
  o: NetworkOptions,
  parent: pulumi.Resource,
): FleetNetwork {
  if (o.network !== undefined) {
    return {
      networkId: pulumi.output(o.network.network),
      subnetworkId: pulumi.output(o.network.subnetwork),
    };
  }
  const networkArgs: gcp.compute.NetworkArgs = {
    project: o.project,
    autoCreateSubnetworks: false,
    routingMode: "REGIONAL",
    description: "Socket.IO fleet (socketio-fleet)",
  };
  o.transform.network?.(networkArgs);
  const network = new gcp.compute.Network(`${name}-vpc`, networkArgs, { parent });

  const subnetArgs: gcp.compute.SubnetworkArgs = {
    project: o.project,
    region: o.region,
    network: network.id,
    ipCidrRange: GCP_DEFAULTS.subnetCidr,
    privateIpGoogleAccess: true,
    // Flow logs sampled at half: enough to debug, at half the log volume.
    logConfig: {
      aggregationInterval: "INTERVAL_5_SEC",
      flowSampling: 0.5,
      metadata: "INCLUDE_ALL_METADATA",
    },
  };
  o.transform.subnetwork?.(subnetArgs);
  const subnetwork = new gcp.compute.Subnetwork(`${name}-subnet`, subnetArgs, { parent });
  if (!o.natEgress)
    return { networkId: network.id, subnetworkId: subnetwork.id, network, subnetwork };

  const router = new gcp.compute.Router(
    `${name}-router`,
    { project: o.project, region: o.region, network: network.id },
    { parent },
  );
  const nat = new gcp.compute.RouterNat(
    `${name}-nat`,
    {
      project: o.project,
      region: o.region,
      router: router.name,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    },
    { parent },
  );
  return { networkId: network.id, subnetworkId: subnetwork.id, network, subnetwork, router, nat };
}
