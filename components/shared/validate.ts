import { isRecord, show } from "./checks";
import { MAX_REPLICAS } from "./autoscalingRules";
import { FLEET_DEFAULTS } from "./defaults";
import {
  checkConnectionTimeout,
  checkContainerPortFreeOfMetrics,
  checkEnv,
  checkHealthCheckPath,
  checkHeartbeat,
  checkImage,
  checkTransports,
} from "./fieldRules";
import { GENERIC_PLATFORM, type PlatformProfile } from "./platform";
import { type FleetSpecProblem, checkEnum, checkInteger, checkKnownKeys } from "./ruleKit";
import { checkCors, checkStickiness } from "./sessionRules";
import { checkRedisSubscriptionMode } from "./adapterRules";
import { checkCapacity } from "./capacityRules";

export type { FleetSpecProblem } from "./ruleKit";

const SHARED_ARGS = [
  "image",
  "replicas",
  "containerPort",
  "transports",
  "stickiness",
  "cors",
  "heartbeat",
  "connectionTimeoutSeconds",
  "healthCheckPath",
  "adapter",
  "redisSubscriptionMode",
  "connectionsPerNode",
  "maxConnectionsPerNode",
  "env",
];

/**
 * Every problem with `args` for `platform`, or `[]`. Never throws, whatever `args` is: each rule
 * reads only values it has checked the type of, and two independent mistakes give two problems.
 */
export function validateFleetSpec(
  args: unknown,
  platform: PlatformProfile = GENERIC_PLATFORM,
): FleetSpecProblem[] {
  const problems: FleetSpecProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (!isRecord(args)) {
    add("", `the fleet args must be an object, not ${show(args)}`);
    return problems;
  }

  checkKnownKeys(args, "", [...SHARED_ARGS, ...(platform.targetArgs ?? [])], add);
  checkImage(args.image, add);
  checkInteger(args, "replicas", 1, MAX_REPLICAS, "", add);
  checkInteger(args, "containerPort", 1, 65535, "", add);
  checkContainerPortFreeOfMetrics(args.containerPort, add);
  const transports = checkTransports(args.transports, add) ?? [...FLEET_DEFAULTS.transports];
  const polling = transports.includes("polling");
  const mode = checkStickiness(args.stickiness, platform, polling, add);
  checkCors(args.cors, platform, polling && mode === "cookie", add);
  const heartbeat = checkHeartbeat(args.heartbeat, add);
  checkConnectionTimeout(args.connectionTimeoutSeconds, platform, heartbeat, add);
  checkHealthCheckPath(args.healthCheckPath, add);
  checkEnum(args.adapter, "adapter", ["redis", "redis-streams", "redis-sharded"], add);
  checkRedisSubscriptionMode(args, add);
  checkCapacity(args, add);
  checkEnv(args.env, add);
  return problems;
}
