/**
 * `createFleetServer(config, options?)`: the Socket.IO server a fleet node runs, as a library.
 * Teams build their own image on it and add their own handlers:
 *
 * ```ts
 * const fleet = createFleetServer(parseAppEnv(process.env), { demo: false });
 * fleet.io.on("connection", (socket) => socket.on("chat", (m) => fleet.io.emit("chat", m)));
 * await fleet.listen();
 * ```
 *
 * It wires the adapter, CORS and the Origin check, the sticky cookie, health endpoints, metrics
 * on their own port (`config.metricsPort`), the demo page and protocol, and draining. It does not touch process signals:
 * `main.ts` does (see `exitOnSignals`).
 */
import { createServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Server, type ServerOptions, type Socket } from "socket.io";
import type { AppConfig } from "../../components/shared/appEnv";
import { type AdapterFactory, createAdapterSetup } from "./adapter";
import { clientOptionsHandler } from "./clientOptions";
import { stickyCookie } from "./cookie";
import { installDemoProtocol } from "./demo";
import { handleHealth, type Readiness, send } from "./health";
import { applyHttpTimeouts } from "./httpTimeouts";
import { createLogger, type Logger } from "./logger";
import { gateRefusalReason, ORIGIN_REFUSED } from "./connectionSignals";
import {
  adapterObservers,
  createMetrics,
  type FleetMetrics,
  instrument,
  instrumentReadiness,
  instrumentRedis,
} from "./metrics";
import { createMetricsServer } from "./metricsServer";
import { installGate } from "./gate";
import { corsOptions, isOriginAllowed } from "./origin";
import { createStaticHandler, defaultPublicDir } from "./publicFiles";
import { replayRecoveredInOrder } from "./recoveryReplay";
import { keepRecoverySessions, type RecoverySessionsOptions } from "./recoverySessions";
import {
  DEFAULT_DRAIN_GRACE_MS,
  type DrainOptions,
  disconnectInBatches,
  trackConnections,
} from "./shutdown";

export interface FleetServerOptions {
  /** Install the demo protocol (`whoami`, `message`). @default true */
  demo?: boolean;
  /** Directory served at `/`, or `false` for none. @default the package's `app/public` */
  publicDir?: string | false;
  /** @default a pino JSON logger on stdout at `config.logLevel`, tagged with `config.nodeId` */
  logger?: Logger;
  /** Replaces the adapter `config.adapter` selects (cluster mode passes the cluster adapter). */
  adapter?: AdapterFactory;
  /**
   * More Socket.IO options; the ones the config decides (CORS, cookie, heartbeat, transports)
   * win. An `allowRequest` here runs after the Origin check. Pass an adapter as `adapter`.
   */
  serverOptions?: Partial<ServerOptions>;
  /** Address to listen on. @default all interfaces */
  host?: string;
  drain?: DrainOptions;
  /**
   * With `redis-streams`: keep every connected client's recovery session in Redis, so clients
   * of a node that crashes recover on another node (see `recoverySessions.ts`), or `false`.
   * @default {} (refreshed every 15 s)
   */
  recoverySessions?: RecoverySessionsOptions | false;
  /**
   * The HTTP server never listens itself: a cluster primary hands it its connections
   * (`@socket.io/sticky`'s `setupWorker`). It then counts as listening from the start, and no
   * metrics listener is opened (workers sharing one metrics port would answer scrapes in turn).
   * @default false
   */
  handedConnections?: boolean;
}

export interface FleetServer {
  readonly config: AppConfig;
  readonly nodeId: string;
  readonly io: Server;
  readonly httpServer: HttpServer;
  readonly logger: Logger;
  readonly metrics: FleetMetrics;
  /** Shorthand for `io.on("connection", handler)`. */
  onConnection(handler: (socket: Socket) => void): void;
  /**
   * Listens on `config.port` and opens the metrics listener on `config.metricsPort` (0 picks a
   * free port for either); resolves with the app's port.
   */
  listen(): Promise<number>;
  /** The metrics listener's bound port, once `listen()` has resolved. */
  readonly metricsPort: number | undefined;
  /** What `/readyz` reports. */
  readiness(): Readiness;
  /**
   * Not ready and new sessions refused (503) at once; after `drain.graceMs` (when clients are
   * connected) their connections are closed in batches, then the server stops listening.
   */
  drain(): Promise<void>;
  /** `drain()`, then close Socket.IO, Redis and the HTTP server. Safe to call twice. */
  close(): Promise<void>;
}

export function createFleetServer(
  config: AppConfig,
  options: FleetServerOptions = {},
): FleetServer {
  const logger = options.logger ?? createLogger(config);
  const metrics = createMetrics(config.nodeId);
  // A caller's own adapter replaces the configured one: then no Redis connection is opened.
  const adapterConfig = options.adapter ? { ...config, adapter: "memory" as const } : config;
  const redis = createAdapterSetup(
    adapterConfig,
    logger,
    () => metrics.adapterErrors.inc(),
    () => metrics.redisCommandsDropped.inc(),
    adapterObservers(metrics),
  );
  let draining = false;
  const originAllowed = (req: IncomingMessage) => isOriginAllowed(config, req);

  const publicDir = options.publicDir ?? defaultPublicDir();
  const serveStatic =
    publicDir === false || publicDir === undefined ? undefined : createStaticHandler(publicDir);
  const listening = () => (options.handedConnections ?? false) || httpServer.listening;
  const readiness = (): Readiness => ({
    ready: listening() && !draining && redis.connectedOnce(),
    draining,
    redisConnectedOnce: redis.connectedOnce(),
    redis: redis.connections.map((c) => c.status),
  });
  const serveClientOptions = clientOptionsHandler(config);
  const httpServer = createServer((req, res) => {
    if (handleHealth(req, res, readiness, config.healthCheckPath)) return;
    if (serveClientOptions(req, res)) return;
    if (serveStatic?.(req, res)) return;
    send(res, 404, "text/plain", "Not Found");
  });
  applyHttpTimeouts(httpServer, config);

  const io = new Server(httpServer, {
    ...options.serverOptions,
    ...redis.serverOptions,
    adapter: options.adapter ?? redis.adapter,
    transports: config.transports,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    cors: corsOptions(config),
    cookie: stickyCookie(config),
    allowRequest: (req, callback) => {
      if (!originAllowed(req)) {
        logger.warn({ origin: req.headers.origin }, "handshake refused: origin not allowed");
        return callback(ORIGIN_REFUSED, false); // counted as origin_refused (connectionSignals.ts)
      }
      const own = options.serverOptions?.allowRequest;
      return own ? own(req, callback) : callback(null, true);
    },
  });
  const gate = installGate(httpServer, {
    path: io.path().replace(/\/?$/, "/"),
    originAllowed,
    draining: () => draining,
    onRefused: (req, status) => {
      metrics.connectionErrors.inc({ reason: gateRefusalReason(status) });
      logger.warn({ origin: req.headers.origin, url: req.url, status }, "request refused");
    },
  });
  const connections = trackConnections(io);
  instrument(io, metrics);
  instrumentRedis(metrics, redis.roles);
  instrumentReadiness(metrics, readiness);
  const metricsServer = createMetricsServer(metrics.registry);
  io.of("/").adapter.on("error", (err: Error) => {
    metrics.adapterErrors.inc();
    logger.warn({ err: err.message }, "adapter error");
  });
  const streams = adapterConfig.adapter === "redis-streams" ? redis.publisher : undefined;
  if (streams) replayRecoveredInOrder(io, streams, logger);
  if (options.demo ?? true) installDemoProtocol(io, config.nodeId);
  const sessions =
    streams && options.recoverySessions !== false
      ? keepRecoverySessions(io, streams, logger, options.recoverySessions)
      : undefined;

  let drained: Promise<void> | undefined;
  let closed: Promise<void> | undefined;
  const fleet: FleetServer = {
    config,
    nodeId: config.nodeId,
    io,
    httpServer,
    logger,
    metrics,
    onConnection: (handler) => void io.on("connection", handler),
    get metricsPort() {
      return metricsServer.listening ? (metricsServer.address() as AddressInfo).port : undefined;
    },
    async listen() {
      const metricsPort = await listenOn(metricsServer, config.metricsPort, options.host);
      const port = await listenOn(httpServer, config.port, options.host);
      logger.info({ port, metricsPort, adapter: config.adapter }, "listening");
      return port;
    },
    readiness,
    drain() {
      drained ??= (async () => {
        draining = true;
        const graceMs = options.drain?.graceMs ?? DEFAULT_DRAIN_GRACE_MS;
        logger.info({ graceMs }, "draining: not ready, refusing new sessions");
        // Let load balancers see /readyz fail before clients reconnect, so they land elsewhere.
        if (connections.size > 0 && graceMs > 0) await sleep(graceMs);
        await disconnectInBatches(connections, logger, options.drain);
        if (httpServer.listening) httpServer.close();
        httpServer.closeIdleConnections();
      })();
      return drained;
    },
    close() {
      closed ??= (async () => {
        await fleet.drain();
        await new Promise<void>((resolve) => io.close(() => resolve()));
        sessions?.close();
        await redis.close();
        httpServer.closeAllConnections();
        gate.destroyUpgradedSockets();
        if (metricsServer.listening) metricsServer.close();
        metricsServer.closeAllConnections();
        logger.info("closed");
      })();
      return closed;
    },
  };
  return fleet;
}

/** Listens on `port` (0: the OS picks); resolves with the bound port. */
function listenOn(server: HttpServer, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
