import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { AwsFleetTransforms, AwsNetworkArgs } from "./args";

export interface FleetNetwork {
  vpcId: pulumi.Output<string>;
  publicSubnetIds: pulumi.Output<string[]>;
  privateSubnetIds: pulumi.Output<string[]>;
  /** The VPC the fleet created, when no `network` was given. */
  vpc?: awsx.ec2.Vpc;
}

/**
 * The given network, or a new VPC: the given availability zones (else awsx's lookup of the first
 * two), public + private subnets, a NAT gateway per AZ.
 */
export function createNetwork(
  name: string,
  network: AwsNetworkArgs | undefined,
  availabilityZones: string[] | undefined,
  transform: AwsFleetTransforms,
  parent: pulumi.Resource,
): FleetNetwork {
  if (network !== undefined) {
    return {
      vpcId: pulumi.output(network.vpcId),
      publicSubnetIds: pulumi.output(network.publicSubnetIds),
      privateSubnetIds: pulumi.output(network.privateSubnetIds),
    };
  }
  const args: awsx.ec2.VpcArgs = {
    // awsx takes one or the other; without names it calls getAvailabilityZones() at every run
    // (pulumi-awsx awsx/ec2/vpc.ts getDefaultAzs) and a subnet's zone is replace-on-change.
    ...(availabilityZones === undefined
      ? { numberOfAvailabilityZones: 2 }
      : { availabilityZoneNames: availabilityZones }),
    subnetStrategy: "Auto",
    subnetSpecs: [{ type: "Public" }, { type: "Private" }],
    // One per AZ: a single NAT gateway would take every task's egress down with its AZ.
    natGateways: { strategy: "OnePerAz" },
    enableDnsHostnames: true,
    enableDnsSupport: true,
  };
  transform.vpc?.(args);
  const vpc = new awsx.ec2.Vpc(`${name}-vpc`, args, { parent });
  return {
    vpcId: vpc.vpcId,
    publicSubnetIds: vpc.publicSubnetIds,
    privateSubnetIds: vpc.privateSubnetIds,
    vpc,
  };
}
