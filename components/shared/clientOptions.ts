/**
 * The Socket.IO client options a fleet needs, derived from the same spec the balancer is built
 * from, so the front end cannot drift from the fleet. No Pulumi import: front-end builds and the
 * app's demo page use it too.
 */
import type { ResolvedFleetSpec, Transport } from "./args";
import { SOCKET_IO_PATH } from "./defaults";
import { needsStickiness, servesCrossOrigin } from "./derived";

/** Options to pass to `io(url, options)` (socket.io-client 4), as a plain object. */
export interface SocketIoClientOptions {
  /** The transports the fleet accepts, in the order the client should try them. */
  transports: Transport[];
  /** The Engine.IO request path the balancer routes. */
  path: string;
  /**
   * Whether the client must send cookies on cross-origin requests. True when the balancer pins
   * sessions with a cookie and pages on other origins connect: without it the browser drops the
   * sticky cookie and every poll after the handshake may reach another node ("Session ID
   * unknown"). Harmless on a same-origin page.
   */
  withCredentials: boolean;
}

/** What the options depend on: a resolved spec, or the app's own config (see `app/src`). */
export type ClientSpec = Pick<ResolvedFleetSpec, "transports" | "cors"> & {
  stickiness: Pick<ResolvedFleetSpec["stickiness"], "mode">;
};

/** The client options for a resolved spec. */
export function clientOptionsFor(spec: ClientSpec): SocketIoClientOptions {
  const cookiePinned = needsStickiness(spec) && spec.stickiness.mode === "cookie";
  return {
    transports: [...spec.transports],
    path: SOCKET_IO_PATH,
    withCredentials: cookiePinned && servesCrossOrigin(spec) && spec.cors.credentials,
  };
}
