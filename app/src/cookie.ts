/**
 * The engine.io cookie for app-cookie affinity (`STICKY_COOKIE_NAME`): the load balancer routes on
 * the session id engine.io puts in it. Pages on other origins only send a cookie back with
 * `SameSite=None; Secure` (browsers accept `Secure` on http://localhost and 127.0.0.1).
 */
import type { ServerOptions } from "socket.io";
import type { AppConfig } from "../../components/shared/appEnv";

export function stickyCookie(
  config: Pick<AppConfig, "stickyCookieName" | "corsOrigins">,
): ServerOptions["cookie"] {
  if (config.stickyCookieName === undefined) return undefined;
  const crossSite = config.corsOrigins.length > 0;
  return {
    name: config.stickyCookieName,
    httpOnly: true,
    path: "/",
    ...(crossSite ? { sameSite: "none", secure: true } : { sameSite: "lax" }),
  };
}
