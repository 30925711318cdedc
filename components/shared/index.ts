export { AdapterKind, RedisSubscriptionMode, StickinessMode, Transport } from "./args";
export type {
  Cors,
  CorsArgs,
  FleetMonitoring,
  Heartbeat,
  HeartbeatArgs,
  ResolvedFleetSpec,
  SocketIoFleetArgs,
  Stickiness,
  StickinessArgs,
} from "./args";
export {
  APP_DRAIN_SECONDS,
  DEFAULT_PROXY_COOKIE_NAME,
  ECS_STATUS_POLL_SECONDS,
  FLEET_DEFAULTS,
  READINESS_PATH,
  SOCKET_IO_PATH,
} from "./defaults";
export { GENERIC_PLATFORM, type PlatformProfile } from "./platform";
export { validateFleetSpec, type FleetSpecProblem } from "./validate";
export { FleetSpecError, formatProblems, resolveFleetSpec } from "./resolve";
export { heartbeatSeconds, needsStickiness, servesCrossOrigin } from "./derived";
export {
  APP_ENV,
  APP_ENV_KEYS,
  SPEC_OWNED_ENV_KEYS,
  AppEnvError,
  DEFAULT_HTTP_KEEPALIVE_TIMEOUT_MS,
  DEFAULT_METRICS_PORT,
  httpHeadersTimeoutMs,
  DEFAULT_REDIS_MODE,
  MAX_HTTP_KEEPALIVE_TIMEOUT_MS,
  REDIS_MODES,
  REDIS_SUBSCRIPTION_MODES,
  parseAppEnv,
  renderAppEnv,
  type AppAdapterKind,
  type AppConfig,
  type RedisMode,
  type RenderAppEnvOptions,
} from "./appEnv";
export {
  CLIENT_TRANSPORTS,
  DISCONNECT_REASONS,
  HANDSHAKE_FAILURE_REASONS,
  METRIC_NAMES,
  REDIS_ROLES,
} from "./metricNames";
export { originProblem } from "./checks";
export { clientOptionsFor, type ClientSpec, type SocketIoClientOptions } from "./clientOptions";
export {
  GOOGLE_FRONT_END_KEEPALIVE_MS,
  GOOGLE_FRONT_END_REUSE_SECONDS,
  KEEPALIVE_MARGIN_SECONDS,
  keepAliveAboveMs,
} from "./keepAlive";
export {
  ALERT_NAMES,
  REDIS_MEMORY_RATIO_LIMIT,
  UNKNOWN_SESSION_FLOOR_PER_SECOND,
  fleetAlerts,
  type AlertContext,
  type AlertSeverity,
  type AlertSignal,
  type FleetAlert,
} from "./alerts";
export {
  RULE_GROUP_NAME,
  alertExpression,
  promDuration,
  prometheusRuleGroup,
  ruleFileYaml,
  type PromRenderOptions,
  type PromRule,
  type PromRuleGroup,
  type PromSelectors,
} from "./prometheusRules";
export {
  CONNECTION_RSS_KIB,
  NODE_BASELINE_MIB,
  defaultConnectionsPerNode,
  maxConnectionsForMemory,
  resolveConnectionsPerNode,
} from "./capacity";
