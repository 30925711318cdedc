/**
 * The app as a library: `createFleetServer` plus the environment contract it reads. Import it as
 * `socketio-fleet/app`.
 */
export { createFleetServer, type FleetServer, type FleetServerOptions } from "./server";
export { type AdapterFactory, MAX_DISCONNECTION_DURATION_MS } from "./adapter";
export { DEMO_EVENTS, installDemoProtocol, type DemoMessage } from "./demo";
export { HEALTH_PATHS, type Readiness } from "./health";
export { METRIC_NAMES, type FleetMetrics } from "./metrics";
export { isOriginAllowed } from "./origin";
export { type DrainOptions, exitOnSignals } from "./shutdown";
export { createLogger, type Logger } from "./logger";
export {
  APP_ENV,
  AppEnvError,
  parseAppEnv,
  type AppAdapterKind,
  type AppConfig,
} from "../../components/shared/appEnv";
