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

/** The given network, or a new VPC: 2 AZs, public + private subnets, a NAT gateway per AZ. */
export function createNetwork(
  name: string,
  network: AwsNetworkArgs | undefined,
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
    numberOfAvailabilityZones: 2,
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
