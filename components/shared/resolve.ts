import type { ResolvedFleetSpec, SocketIoFleetArgs } from "./args";
import { FLEET_DEFAULTS } from "./defaults";
import { GENERIC_PLATFORM, type PlatformProfile } from "./platform";
import { type FleetSpecProblem, validateFleetSpec } from "./validate";

/** A spec that cannot work, with every problem found (not just the first). */
export class FleetSpecError extends Error {
  constructor(readonly problems: FleetSpecProblem[]) {
    super(formatProblems(problems));
    this.name = "FleetSpecError";
  }
}

/** The text components put in their `ResourceError`: one problem per line. */
export function formatProblems(problems: FleetSpecProblem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `Invalid socketio-fleet spec (${count}):\n${problems.map((p) => `  - ${p.message}`).join("\n")}`;
}

/**
 * Validates `args` for `platform` and applies every default. Throws `FleetSpecError` listing all
 * problems. Resolving a resolved spec gives the same spec.
 */
export function resolveFleetSpec(
  args: SocketIoFleetArgs,
  platform: PlatformProfile = GENERIC_PLATFORM,
): ResolvedFleetSpec {
  const problems = validateFleetSpec(args, platform);
  if (problems.length > 0) throw new FleetSpecError(problems);
  const d = FLEET_DEFAULTS;
  const stickiness = { ...d.stickiness, ...defined(args.stickiness ?? {}) };
  return {
    image: args.image,
    replicas: args.replicas ?? d.replicas,
    containerPort: args.containerPort ?? d.containerPort,
    transports: [...(args.transports ?? d.transports)],
    stickiness,
    cors: {
      origins: [...(args.cors?.origins ?? d.cors.origins)],
      credentials: args.cors?.credentials ?? d.cors.credentials,
    },
    heartbeat: { ...d.heartbeat, ...defined(args.heartbeat ?? {}) },
    connectionTimeoutSeconds: args.connectionTimeoutSeconds ?? d.connectionTimeoutSeconds,
    healthCheckPath: args.healthCheckPath ?? d.healthCheckPath,
    adapter: args.adapter ?? d.adapter,
    redisSubscriptionMode: args.redisSubscriptionMode ?? d.redisSubscriptionMode,
    ...(args.connectionsPerNode === undefined
      ? {}
      : { connectionsPerNode: args.connectionsPerNode }),
    ...(args.maxConnectionsPerNode === undefined
      ? {}
      : { maxConnectionsPerNode: args.maxConnectionsPerNode }),
    env: { ...args.env },
  };
}

/** `obj` without its `undefined` members, so spreading it over defaults keeps the defaults. */
function defined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
