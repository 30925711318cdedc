/**
 * One app node in this process, as a team embeds the library (`createFleetServer` on the
 * environment contract): `env` over a silent node whose app and metrics ports are picked by the
 * OS, listening on loopback, with no drain grace unless `options` says otherwise. Not listening
 * yet: call `listen()`.
 */
import {
  createFleetServer,
  type FleetServer,
  type FleetServerOptions,
  parseAppEnv,
} from "../../app/src/index";

export function inProcessNode(
  nodeId: string,
  env: Record<string, string>,
  options: FleetServerOptions = {},
): FleetServer {
  const config = parseAppEnv({
    PORT: "0",
    METRICS_PORT: "0",
    NODE_ID: nodeId,
    LOG_LEVEL: "silent",
    ...env,
  });
  return createFleetServer(config, { host: "127.0.0.1", drain: { graceMs: 0 }, ...options });
}
