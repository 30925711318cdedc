/**
 * The app environment contract: the only way a target tells the app how to behave. Targets
 * render it with `renderAppEnv`; the app reads it with `parseAppEnv`. Both import this module,
 * so the two sides cannot drift. No Pulumi runtime import here: the app image loads it.
 */
import { hostname } from "node:os";
import type { AdapterKind, ResolvedFleetSpec, StickinessMode, Transport } from "./args";
import { FLEET_DEFAULTS } from "./defaults";
import { isCookieToken, isIntegerIn, originProblem, show } from "./checks";

/** Every key of the contract. `REDIS_URL` is a secret: targets wire it from their secret store. */
export const APP_ENV = {
  port: "PORT",
  redisUrl: "REDIS_URL",
  adapter: "SOCKETIO_ADAPTER",
  corsOrigins: "CORS_ORIGINS",
  corsCredentials: "CORS_CREDENTIALS",
  transports: "SOCKETIO_TRANSPORTS",
  pingIntervalMs: "PING_INTERVAL_MS",
  pingTimeoutMs: "PING_TIMEOUT_MS",
  stickyCookieName: "STICKY_COOKIE_NAME",
  nodeId: "NODE_ID",
  logLevel: "LOG_LEVEL",
  metricsPort: "METRICS_PORT",
  httpKeepAliveTimeoutMs: "HTTP_KEEPALIVE_TIMEOUT_MS",
  redisTlsCa: "REDIS_TLS_CA",
  stickinessMode: "STICKINESS_MODE",
} as const;

export const APP_ENV_KEYS: readonly string[] = Object.values(APP_ENV);

/**
 * The keys the fleet derives from the spec, which `env` may not override. `LOG_LEVEL` is an
 * operator's knob the spec does not own, so `env: { LOG_LEVEL: "debug" }` is fine.
 */
export const SPEC_OWNED_ENV_KEYS: readonly string[] = APP_ENV_KEYS.filter(
  (key) => key !== APP_ENV.logLevel,
);

/**
 * `memory` is the single-process in-memory adapter: only for one node (benchmarks, demos). A
 * fleet spec cannot select it.
 */
export type AppAdapterKind = AdapterKind | "memory";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * Port of the metrics listener (`/metrics` only), which no balancer routes. 9464 is the port
 * OpenTelemetry's Prometheus exporter uses, so scrape configs often expect it.
 */
export const DEFAULT_METRICS_PORT = 9464;

/**
 * The app's HTTP keep-alive when a target renders none. Node.js's own default is 5 s, shorter
 * than every load balancer's backend reuse window, which turns polls into intermittent 502s.
 * Targets render a value above their balancer's window (see `keepAlive` in each target); this
 * fallback is above ingress-nginx's 60 s and Traefik's 90 s for hand-run nodes.
 */
export const DEFAULT_HTTP_KEEPALIVE_TIMEOUT_MS = 95_000;

/**
 * `headersTimeout` stays this far above the keep-alive: a request arriving on a reused socket just
 * before the keep-alive expires must not hit the headers timer first (nodejs/node#27363).
 */
export const HEADERS_TIMEOUT_MARGIN_MS = 1_000;

/**
 * Largest `HTTP_KEEPALIVE_TIMEOUT_MS` the app takes: one day, above every balancer's reuse window
 * (an ALB's idle timeout goes up to 4000 s, and its keep-alive is that plus a margin).
 */
export const MAX_HTTP_KEEPALIVE_TIMEOUT_MS = 86_400_000;

const STICKINESS_MODES: readonly StickinessMode[] = ["cookie", "client-ip", "none"];

/** What the app needs to run, parsed and checked from its environment. */
export interface AppConfig {
  port: number;
  /** Required unless `adapter` is `memory`. `rediss://` means TLS. */
  redisUrl?: string;
  adapter: AppAdapterKind;
  corsOrigins: string[];
  corsCredentials: boolean;
  transports: Transport[];
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Set when the load balancer uses app-cookie affinity: engine.io issues this cookie. */
  stickyCookieName?: string;
  nodeId: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Port of the metrics-only listener; 0 lets the OS pick one. */
  metricsPort: number;
  /**
   * HTTP keep-alive of the app's server (`server.keepAliveTimeout`): above the balancer's idle
   * backend-connection reuse window, so the node never closes a connection the balancer is
   * about to reuse. `headersTimeout` is derived from it (`httpHeadersTimeoutMs`).
   */
  httpKeepAliveTimeoutMs: number;
  /**
   * PEM certificate(s) of a private CA that signed the Redis server certificate (Memorystore).
   * When set, `rediss://` connections verify the server against this CA only.
   */
  redisTlsCa?: string;
  /**
   * How the balancer pins sessions (`stickiness.mode` of the spec). The app needs it only to tell
   * its own pages the client options the fleet needs (`clientOptionsFor`).
   */
  stickinessMode: StickinessMode;
}

/** `server.headersTimeout` for a keep-alive: strictly above it, so an idle socket times out first. */
export function httpHeadersTimeoutMs(config: Pick<AppConfig, "httpKeepAliveTimeoutMs">): number {
  return config.httpKeepAliveTimeoutMs + HEADERS_TIMEOUT_MARGIN_MS;
}

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
}

type ContractSpec = Pick<
  ResolvedFleetSpec,
  "containerPort" | "adapter" | "cors" | "transports" | "heartbeat"
> & { stickiness: Pick<ResolvedFleetSpec["stickiness"], "mode"> };

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
  };
  if (options.stickyCookieName !== undefined) {
    env[APP_ENV.stickyCookieName] = options.stickyCookieName;
  }
  if (options.nodeId !== undefined) env[APP_ENV.nodeId] = options.nodeId;
  env[APP_ENV.metricsPort] = String(options.metricsPort ?? DEFAULT_METRICS_PORT);
  if (options.httpKeepAliveTimeoutMs !== undefined) {
    env[APP_ENV.httpKeepAliveTimeoutMs] = String(options.httpKeepAliveTimeoutMs);
  }
  if (options.redisTlsCa !== undefined) env[APP_ENV.redisTlsCa] = options.redisTlsCa;
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
  if (!["redis", "redis-streams", "memory"].includes(adapter)) {
    problems.push(
      `${APP_ENV.adapter}=${show(adapter)} must be one of "redis", "redis-streams", "memory"`,
    );
  }

  const redisUrl = read(APP_ENV.redisUrl);
  if (redisUrl === undefined && adapter !== "memory") {
    problems.push(`${APP_ENV.redisUrl} is required with ${APP_ENV.adapter}=${adapter}`);
  }
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    // The value is a secret: never echo it.
    problems.push(`${APP_ENV.redisUrl} must start with redis:// or rediss:// (value not shown)`);
  }

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

  if (problems.length > 0) throw new AppEnvError(problems);
  return {
    port,
    redisUrl,
    adapter,
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
  };
}
