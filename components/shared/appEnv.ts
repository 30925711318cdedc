/**
 * The app environment contract: the only way a target tells the app how to behave. Targets
 * render it with `renderAppEnv`; the app reads it with `parseAppEnv`. Both import this module,
 * so the two sides cannot drift. The keys and the parsed shape are in `appEnvKeys.ts`. No Pulumi
 * runtime import here: the app image loads it.
 */
import { hostname } from "node:os";
import type { ResolvedFleetSpec, RedisSubscriptionMode, StickinessMode, Transport } from "./args";
import { FLEET_DEFAULTS } from "./defaults";
import { isCookieToken, isIntegerIn, originProblem, show } from "./checks";
import { checkHealthCheckPath } from "./fieldRules";
import { clusterModeAdapterProblem } from "./adapterRules";
import {
  APP_ADAPTER_KINDS,
  APP_ENV,
  type AppAdapterKind,
  type AppConfig,
  DEFAULT_HTTP_KEEPALIVE_TIMEOUT_MS,
  DEFAULT_METRICS_PORT,
  DEFAULT_REDIS_MODE,
  LOG_LEVELS,
  MAX_CONNECTIONS_LIMIT,
  MAX_HTTP_KEEPALIVE_TIMEOUT_MS,
  REDIS_MODES,
  REDIS_SUBSCRIPTION_MODES,
  type RedisMode,
} from "./appEnvKeys";

export * from "./appEnvKeys";

const STICKINESS_MODES: readonly StickinessMode[] = ["cookie", "client-ip", "none"];

export interface RenderAppEnvOptions {
  /** Only for plain local processes; cloud targets pass it as a secret of their own. */
  redisUrl?: string;
  /** The cookie the app must issue for app-cookie affinity (AWS `app_cookie`). */
  stickyCookieName?: string;
  nodeId?: string;
  /** The target's metrics port. @default DEFAULT_METRICS_PORT */
  metricsPort?: number;
  /** Derived by each target from its balancer's backend reuse window (with its source). */
  httpKeepAliveTimeoutMs?: number;
  /** PEM of the CA that signed the Redis server certificate (not a secret). */
  redisTlsCa?: string;
  /** The Redis the target provisioned or was given. @default "standalone" */
  redisMode?: RedisMode;
  /** The node's hard ceiling of connections (`maxConnectionsPerNode`); unset: none. */
  maxConnections?: number;
}

type ContractSpec = Pick<
  ResolvedFleetSpec,
  "containerPort" | "adapter" | "cors" | "transports" | "heartbeat"
> &
  Partial<Pick<ResolvedFleetSpec, "healthCheckPath" | "redisSubscriptionMode">> & {
    stickiness: Pick<ResolvedFleetSpec["stickiness"], "mode">;
  };

/** The app environment for a resolved spec (without `REDIS_URL` unless given in `options`). */
export function renderAppEnv(
  spec: ContractSpec,
  options: RenderAppEnvOptions = {},
): Record<string, string> {
  const env: Record<string, string> = {
    [APP_ENV.port]: String(spec.containerPort),
    [APP_ENV.adapter]: spec.adapter,
    [APP_ENV.corsOrigins]: spec.cors.origins.join(","),
    [APP_ENV.corsCredentials]: String(spec.cors.credentials),
    [APP_ENV.transports]: spec.transports.join(","),
    [APP_ENV.pingIntervalMs]: String(spec.heartbeat.pingIntervalMs),
    [APP_ENV.pingTimeoutMs]: String(spec.heartbeat.pingTimeoutMs),
    [APP_ENV.stickinessMode]: spec.stickiness.mode,
    [APP_ENV.healthCheckPath]: spec.healthCheckPath ?? FLEET_DEFAULTS.healthCheckPath,
    [APP_ENV.redisMode]: options.redisMode ?? DEFAULT_REDIS_MODE,
  };
  if (spec.adapter === "redis-sharded") {
    env[APP_ENV.redisSubscriptionMode] =
      spec.redisSubscriptionMode ?? FLEET_DEFAULTS.redisSubscriptionMode;
  }
  if (options.stickyCookieName !== undefined) {
    env[APP_ENV.stickyCookieName] = options.stickyCookieName;
  }
  if (options.nodeId !== undefined) env[APP_ENV.nodeId] = options.nodeId;
  env[APP_ENV.metricsPort] = String(options.metricsPort ?? DEFAULT_METRICS_PORT);
  if (options.httpKeepAliveTimeoutMs !== undefined) {
    env[APP_ENV.httpKeepAliveTimeoutMs] = String(options.httpKeepAliveTimeoutMs);
  }
  if (options.redisTlsCa !== undefined) env[APP_ENV.redisTlsCa] = options.redisTlsCa;
  if (options.maxConnections !== undefined) {
    env[APP_ENV.maxConnections] = String(options.maxConnections);
  }
  if (options.redisUrl !== undefined) env[APP_ENV.redisUrl] = options.redisUrl;
  return env;
}

export class AppEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid app environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "AppEnvError";
  }
}

/** Reads and checks the app environment; throws `AppEnvError` listing every bad value. */
export function parseAppEnv(env: Record<string, string | undefined>): AppConfig {
  const problems: string[] = [];
  const read = (key: string): string | undefined => {
    const value = env[key];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const raw = read(key);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!isIntegerIn(value, min, max)) {
      problems.push(`${key}=${show(raw)} must be an integer from ${min} to ${max}`);
    }
    return value;
  };

  const port = integer(APP_ENV.port, FLEET_DEFAULTS.containerPort, 0, 65535);
  const pingIntervalMs = integer(APP_ENV.pingIntervalMs, 25000, 1, 3_600_000);
  const pingTimeoutMs = integer(APP_ENV.pingTimeoutMs, 20000, 1, 3_600_000);

  const adapter = (read(APP_ENV.adapter) ?? FLEET_DEFAULTS.adapter) as AppAdapterKind;
  if (!APP_ADAPTER_KINDS.includes(adapter)) {
    problems.push(
      `${APP_ENV.adapter}=${show(adapter)} must be one of ${quoted(APP_ADAPTER_KINDS)}`,
    );
  }
  const subscriptionRaw = read(APP_ENV.redisSubscriptionMode);
  const redisSubscriptionMode = (subscriptionRaw ??
    FLEET_DEFAULTS.redisSubscriptionMode) as RedisSubscriptionMode;
  if (!REDIS_SUBSCRIPTION_MODES.includes(redisSubscriptionMode)) {
    problems.push(
      `${APP_ENV.redisSubscriptionMode}=${show(redisSubscriptionMode)} must be one of ${quoted(REDIS_SUBSCRIPTION_MODES)}`,
    );
  }
  const redisMode = (read(APP_ENV.redisMode) ?? DEFAULT_REDIS_MODE) as RedisMode;
  if (!REDIS_MODES.includes(redisMode)) {
    problems.push(`${APP_ENV.redisMode}=${show(redisMode)} must be one of ${quoted(REDIS_MODES)}`);
  }

  const redisUrl = read(APP_ENV.redisUrl);
  if (redisUrl === undefined && adapter !== "memory") {
    problems.push(`${APP_ENV.redisUrl} is required with ${APP_ENV.adapter}=${adapter}`);
  }
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    // The value is a secret: never echo it.
    problems.push(`${APP_ENV.redisUrl} must start with redis:// or rediss:// (value not shown)`);
  }

  problems.push(...clusterModeProblems(redisMode, adapter, redisUrl));

  const corsOrigins = (read(APP_ENV.corsOrigins) ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "");
  for (const origin of corsOrigins) {
    const problem = originProblem(origin);
    if (problem) problems.push(`${APP_ENV.corsOrigins} entry ${show(origin)}: ${problem.reason}`);
  }

  const credentialsRaw = read(APP_ENV.corsCredentials) ?? "true";
  if (credentialsRaw !== "true" && credentialsRaw !== "false") {
    problems.push(`${APP_ENV.corsCredentials}=${show(credentialsRaw)} must be "true" or "false"`);
  }

  const transports = (read(APP_ENV.transports) ?? FLEET_DEFAULTS.transports.join(","))
    .split(",")
    .map((t) => t.trim()) as Transport[];
  const badTransports = transports.filter((t) => t !== "polling" && t !== "websocket");
  if (badTransports.length > 0 || new Set(transports).size !== transports.length) {
    problems.push(
      `${APP_ENV.transports}=${show(transports.join(","))} must list "polling" and/or "websocket" once each`,
    );
  }

  const stickyCookieName = read(APP_ENV.stickyCookieName);
  if (stickyCookieName !== undefined && !isCookieToken(stickyCookieName)) {
    problems.push(`${APP_ENV.stickyCookieName}=${show(stickyCookieName)} is not a cookie name`);
  }

  const logLevel = (read(APP_ENV.logLevel) ?? "info") as AppConfig["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`${APP_ENV.logLevel}=${show(logLevel)} must be one of ${LOG_LEVELS.join(", ")}`);
  }

  const metricsPort = integer(APP_ENV.metricsPort, DEFAULT_METRICS_PORT, 0, 65535);
  if (metricsPort !== 0 && metricsPort === port) {
    problems.push(
      `${APP_ENV.metricsPort}=${metricsPort} must differ from ${APP_ENV.port}: metrics stay off the port balancers route`,
    );
  }
  const httpKeepAliveTimeoutMs = integer(
    APP_ENV.httpKeepAliveTimeoutMs,
    DEFAULT_HTTP_KEEPALIVE_TIMEOUT_MS,
    1_000,
    MAX_HTTP_KEEPALIVE_TIMEOUT_MS,
  );

  const stickinessMode = (read(APP_ENV.stickinessMode) ??
    FLEET_DEFAULTS.stickiness.mode) as StickinessMode;
  if (!STICKINESS_MODES.includes(stickinessMode)) {
    problems.push(
      `${APP_ENV.stickinessMode}=${show(stickinessMode)} must be one of ${STICKINESS_MODES.map((m) => `"${m}"`).join(", ")}`,
    );
  }

  const redisTlsCa = read(APP_ENV.redisTlsCa);
  if (redisTlsCa !== undefined && !redisTlsCa.includes("-----BEGIN CERTIFICATE-----")) {
    problems.push(
      `${APP_ENV.redisTlsCa} must hold PEM certificate text (-----BEGIN CERTIFICATE-----)`,
    );
  }
  if (redisTlsCa !== undefined && redisUrl !== undefined && !redisUrl.startsWith("rediss://")) {
    problems.push(`${APP_ENV.redisTlsCa} is set but ${APP_ENV.redisUrl} is not rediss:// (TLS)`);
  }

  const healthCheckPath = read(APP_ENV.healthCheckPath) ?? FLEET_DEFAULTS.healthCheckPath;
  checkHealthCheckPath(healthCheckPath, (_field, message) =>
    problems.push(`${APP_ENV.healthCheckPath}: ${message}`),
  );

  const maxConnections =
    read(APP_ENV.maxConnections) === undefined
      ? undefined
      : integer(APP_ENV.maxConnections, 0, 1, MAX_CONNECTIONS_LIMIT);

  if (problems.length > 0) throw new AppEnvError(problems);
  return {
    port,
    redisUrl,
    adapter,
    redisSubscriptionMode,
    redisMode,
    corsOrigins,
    corsCredentials: credentialsRaw === "true",
    transports,
    pingIntervalMs,
    pingTimeoutMs,
    stickyCookieName,
    nodeId: read(APP_ENV.nodeId) ?? hostname(),
    logLevel,
    metricsPort,
    httpKeepAliveTimeoutMs,
    redisTlsCa: redisTlsCa === undefined ? undefined : env[APP_ENV.redisTlsCa],
    stickinessMode,
    healthCheckPath,
    ...(maxConnections === undefined ? {} : { maxConnections }),
  };
}

/**
 * What `REDIS_MODE=cluster` cannot run, with the reason and the fix:
 * - `redis` (the classic adapter): its PUBLISH reaches every shard over the cluster bus, so each
 *   shard carries the whole fleet's traffic and adding shards adds nothing; and ElastiCache
 *   Serverless (cluster mode only) rejects its PSUBSCRIBE (socket.io-redis-adapter#553), so
 *   remote broadcasts would silently stop. Refused rather than allowed with a warning.
 * - `redis-streams`: the app's zero-loss recovery writes every session key of a namespace in one
 *   pipeline (`recoverySessions.ts`), which a cluster refuses when the keys sit in several slots,
 *   and replays from the single `socket.io` stream (`recoveryReplay.ts`, one hot shard).
 * - a database number in `REDIS_URL`: a cluster has only database 0 (`SELECT` is refused).
 */
function clusterModeProblems(
  redisMode: RedisMode,
  adapter: AppAdapterKind,
  redisUrl: string | undefined,
): string[] {
  if (redisMode !== "cluster") return [];
  const problems: string[] = [];
  const setting = `${APP_ENV.redisMode}=cluster with ${APP_ENV.adapter}=${adapter}`;
  const problem = clusterModeAdapterProblem(adapter);
  if (problem !== undefined) problems.push(`${setting}: ${problem}`);
  const database = redisUrl?.match(/^rediss?:\/\/[^/]*\/(\d+)/)?.[1];
  if (database !== undefined && Number(database) !== 0) {
    problems.push(
      `${APP_ENV.redisUrl} selects database ${database}, but ${APP_ENV.redisMode}=cluster has only database 0: remove the /${database}`,
    );
  }
  return problems;
}

function quoted(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}
