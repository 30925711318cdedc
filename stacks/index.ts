/**
 * The Pulumi program (`main` in Pulumi.yaml). Config `socketio-fleet:cloud` picks the target;
 * each target's program lives in its own module and exports the stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";

const TARGETS: Record<string, () => Promise<Record<string, unknown>>> = {
  aws: async () => (await import("./aws")).program(),
  gcp: async () => (await import("./gcp")).program(),
  kubernetes: async () => (await import("./kubernetes")).program(),
};

const cloud = new pulumi.Config("socketio-fleet").require("cloud");
const target = TARGETS[cloud];
if (!target) {
  throw new Error(
    `socketio-fleet:cloud (${JSON.stringify(cloud)}) must be one of ${Object.keys(TARGETS).join(", ")}: ` +
      `run \`pulumi config set socketio-fleet:cloud aws\``,
  );
}

// Pulumi calls an exported function and exports the fields of what it resolves to.
export = async () => target();
