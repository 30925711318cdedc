/**
 * The GCP rule for cookie stickiness with pages on another site. The load balancer's affinity
 * cookie carries no `SameSite` attribute: a Google front end answers
 * `set-cookie: GCLB=…; path=/; HttpOnly` (a captured response with `via: 1.1 google`; Google does
 * not document the attributes, and `strongSessionAffinityCookie` has no SameSite setting either).
 * Browsers treat a cookie without `SameSite` as `Lax` (Chrome since version 80), so they never
 * send it on a cross-site XHR: every poll after the handshake may reach another node and fail
 * with "Session ID unknown". The fleet therefore refuses that combination rather than warn.
 * Same-site pages (app.example.com → ws.example.com) are fine: `Lax` cookies are sent there.
 */
import { FLEET_DEFAULTS } from "../shared";
import { isRecord, show } from "../shared/checks";
import type { Add } from "../shared/ruleKit";
import { isCloudRun } from "./platform";

export function checkCrossSiteCookie(args: Record<string, unknown>, add: Add) {
  if (isCloudRun(args)) return; // Cloud Run refuses cookie stickiness outright
  const transports = Array.isArray(args.transports) ? args.transports : FLEET_DEFAULTS.transports;
  const stickiness = isRecord(args.stickiness) ? args.stickiness : {};
  const mode = stickiness.mode ?? FLEET_DEFAULTS.stickiness.mode;
  if (!transports.includes("polling") || mode !== "cookie") return;
  if (!isRecord(args.cors) || !Array.isArray(args.cors.origins)) return;
  const domains = Array.isArray(args.domains)
    ? args.domains.filter((d): d is string => typeof d === "string")
    : [];
  const fleetSites = new Set(domains.map(siteOf));
  args.cors.origins.forEach((origin, i) => {
    const host = hostOf(origin);
    if (host === undefined || fleetSites.has(siteOf(host))) return;
    const fleet =
      domains.length === 0
        ? "the load balancer's IP address (no `domains`)"
        : `\`domains\` (${domains.join(", ")})`;
    add(
      `cors.origins[${i}]`,
      `\`cors.origins[${i}]\` (${show(origin)}) is on another site than the fleet, ${fleet}: cookie stickiness cannot work for it, ` +
        "because the load balancer's GCLB cookie has no `SameSite=None` (it is sent as `GCLB=…; path=/; HttpOnly`), so browsers " +
        'drop it on cross-site requests and long-polling fails with "Session ID unknown". Serve the fleet on the page\'s site ' +
        '(a `domains` entry such as "ws.<that site>"), or use `stickiness.mode: "client-ip"`, or `transports: ["websocket"]`',
    );
  });
}

function hostOf(origin: unknown): string | undefined {
  if (typeof origin !== "string") return undefined;
  try {
    return new URL(origin).hostname;
  } catch {
    return undefined; // the shared validator reports a malformed origin
  }
}

/**
 * The registrable domain of `host`, approximated by its last two labels (an IP address is its own
 * site). Without the Public Suffix List, hosts under a two-label suffix such as `co.uk` read as
 * one site, so the rule may miss such a case; it never refuses a truly same-site page.
 */
export function siteOf(host: string): string {
  if (/^[\d.]+$/.test(host) || host.includes(":")) return host;
  return host.split(".").slice(-2).join(".");
}
