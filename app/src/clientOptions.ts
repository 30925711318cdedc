/**
 * `GET /client-options.js`: the Socket.IO client options this fleet needs, for the app's own pages
 * (the demo page). They are `clientOptionsFor` applied to the node's own config: the same function
 * the components' `clientOptions` output comes from, on the same facts (transports, CORS origins
 * and credentials from their contract keys, the balancer's stickiness mode from
 * `STICKINESS_MODE`), so the page connects exactly as a front-end build using the stack output.
 * Derived rather than passed as a second copy in the environment, so the two cannot disagree.
 *
 * A script that sets `window.socketIoFleetClientOptions`, not JSON: a page on another origin loads
 * it with a `<script>` tag, as it loads `/socket.io/socket.io.js`, with no CORS exchange.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppConfig } from "../../components/shared/appEnv";
import {
  clientOptionsFor,
  type SocketIoClientOptions,
} from "../../components/shared/clientOptions";

export const CLIENT_OPTIONS_PATH = "/client-options.js";

type ClientConfig = Pick<
  AppConfig,
  "transports" | "stickinessMode" | "corsOrigins" | "corsCredentials"
>;

/** The client options for the fleet this node belongs to. */
export function appClientOptions(config: ClientConfig): SocketIoClientOptions {
  return clientOptionsFor({
    transports: config.transports,
    stickiness: { mode: config.stickinessMode },
    cors: { origins: config.corsOrigins, credentials: config.corsCredentials },
  });
}

/** Answers `GET`/`HEAD /client-options.js`; returns false for any other request. */
export function clientOptionsHandler(
  config: ClientConfig,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const body = `window.socketIoFleetClientOptions = ${JSON.stringify(appClientOptions(config))};\n`;
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if ((req.url ?? "").split("?")[0] !== CLIENT_OPTIONS_PATH) return false;
    res.writeHead(200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
