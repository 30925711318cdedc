/** The spec's capacity args: `connectionsPerNode` (the target) below `maxConnectionsPerNode` (the ceiling). */
import { MAX_CONNECTIONS_LIMIT } from "./appEnvKeys";
import { type Add, checkInteger } from "./ruleKit";

export function checkCapacity(args: Record<string, unknown>, add: Add): void {
  const capacity = checkInteger(args, "connectionsPerNode", 1, MAX_CONNECTIONS_LIMIT, "", add);
  const ceiling = checkInteger(args, "maxConnectionsPerNode", 1, MAX_CONNECTIONS_LIMIT, "", add);
  if (capacity !== undefined && ceiling !== undefined && capacity > ceiling) {
    add(
      "connectionsPerNode",
      `\`connectionsPerNode\` (${capacity}) is above \`maxConnectionsPerNode\` (${ceiling}), the hard ceiling at which a node refuses new sessions: ` +
        `autoscaling would aim at a load no node accepts. Lower \`connectionsPerNode\` or raise \`maxConnectionsPerNode\` to at least ${capacity}`,
    );
  }
}
