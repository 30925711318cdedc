/** Every rule of the fleet, in the order the pack reports them. */
import { nonRootReadOnlyContainers } from "./containers";
import { noPublicIp, onlyListenerPortsPublic } from "./network";
import { noRedisSecretInPlainEnv, redisOnlyFromFleet, redisTlsAndAuth } from "./redis";
import { stickySessionsWithPolling, timeoutsAboveHeartbeat } from "./sessions";
import type { ResourceRule, StackRule } from "./types";

export const RESOURCE_RULES: readonly ResourceRule[] = [
  redisTlsAndAuth,
  noRedisSecretInPlainEnv,
  onlyListenerPortsPublic,
  noPublicIp,
  nonRootReadOnlyContainers,
];

export const STACK_RULES: readonly StackRule[] = [
  stickySessionsWithPolling,
  timeoutsAboveHeartbeat,
  redisOnlyFromFleet,
];

export { DEFAULT_RULE_CONFIG, type PolicyResource, type RuleConfig } from "./types";
