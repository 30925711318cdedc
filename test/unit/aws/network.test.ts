import { strict as assert } from "node:assert";
import { AwsSocketIoFleet } from "../../../components/aws";
import { AVAILABILITY_ZONES_WARNING } from "../../../components/aws/warnings";
import { withWarnings } from "../../helpers/warnings";
import { T, awsMocks, baseArgs, build } from "./fixtures";

describe("AwsSocketIoFleet: network", () => {
  it("creates a VPC over 2 AZs with public and private subnets and a NAT gateway per AZ", async () => {
    const mocks = await awsMocks();
    const fleet = await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const vpc = mocks.one(T.vpc);
    assert.equal(vpc.name, "fleet-vpc");
    assert.deepEqual(vpc.inputs, {
      numberOfAvailabilityZones: 2,
      subnetStrategy: "Auto",
      subnetSpecs: [{ type: "Public" }, { type: "Private" }],
      natGateways: { strategy: "OnePerAz" },
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
    assert.ok(fleet.vpc);
    assert.deepEqual(mocks.one(T.lb).inputs.subnets, ["subnet-pub-a", "subnet-pub-b"]);
  });

  it("availabilityZones pins the VPC's zones (no lookup feeds the subnets' replace-on-change zone); unset, a preview warning", async () => {
    const mocks = await awsMocks();
    const pinned = await withWarnings(() =>
      build(
        mocks,
        () =>
          new AwsSocketIoFleet(
            "fleet",
            baseArgs({ availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"] }),
          ),
      ),
    );
    const vpc = mocks.one(T.vpc);
    assert.deepEqual(vpc.inputs.availabilityZoneNames, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.equal(vpc.inputs.numberOfAvailabilityZones, undefined);
    assert.deepEqual(pinned.warnings, []);

    const lookedUp = await withWarnings(() =>
      build(mocks, () => new AwsSocketIoFleet("other", baseArgs())),
    );
    assert.deepEqual(lookedUp.warnings, [AVAILABILITY_ZONES_WARNING]);
    assert.match(AVAILABILITY_ZONES_WARNING, /replace-on-change/);
    assert.match(AVAILABILITY_ZONES_WARNING, /Local Zone/);

    const given = await withWarnings(() =>
      build(
        mocks,
        () =>
          new AwsSocketIoFleet(
            "third",
            baseArgs({
              network: { vpcId: "v", publicSubnetIds: ["a", "b"], privateSubnetIds: ["c", "d"] },
            }),
          ),
      ),
    );
    assert.deepEqual(given.warnings, []);
  });

  it("uses a given network: no VPC; ALB in the public subnets, tasks and Redis in the private ones", async () => {
    const mocks = await awsMocks();
    const fleet = await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            network: {
              vpcId: "vpc-given",
              publicSubnetIds: ["pub-1", "pub-2"],
              privateSubnetIds: ["priv-1", "priv-2", "priv-3"],
            },
          }),
        ),
    );
    assert.equal(mocks.ofType(T.vpc).length, 0);
    assert.equal(fleet.vpc, undefined);
    assert.deepEqual(mocks.one(T.lb).inputs.subnets, ["pub-1", "pub-2"]);
    assert.deepEqual(mocks.one(T.service).inputs.networkConfiguration.subnets, [
      "priv-1",
      "priv-2",
      "priv-3",
    ]);
    assert.deepEqual(mocks.one(T.subnetGroup).inputs.subnetIds, ["priv-1", "priv-2", "priv-3"]);
    assert.equal(mocks.one(T.tg).inputs.vpcId, "vpc-given");
    for (const g of mocks.ofType(T.sg)) assert.equal(g.inputs.vpcId, "vpc-given");
  });
});
