import type { StickinessMode } from "./args";
import { isCookieToken, isRecord, originProblem, show } from "./checks";
import { FLEET_DEFAULTS } from "./defaults";
import type { PlatformProfile } from "./platform";
import { type Add, checkEnum, checkInteger, checkKnownKeys } from "./ruleKit";

const STICKINESS_MODES: readonly StickinessMode[] = ["cookie", "client-ip", "none"];

export function checkStickiness(
  value: unknown,
  platform: PlatformProfile,
  polling: boolean,
  add: Add,
): StickinessMode | undefined {
  if (value !== undefined && !isRecord(value)) {
    add(
      "stickiness",
      `\`stickiness\` (${show(value)}) must be an object such as { mode: "cookie" }`,
    );
    return undefined;
  }
  const s = value ?? {};
  checkKnownKeys(s, "stickiness.", ["mode", "cookieName", "ttlSeconds"], add);
  const mode = (s.mode ?? FLEET_DEFAULTS.stickiness.mode) as StickinessMode;
  if (!checkEnum(s.mode, "stickiness.mode", STICKINESS_MODES, add)) return undefined;
  if (!platform.stickinessModes.includes(mode)) {
    const reason =
      platform.unsupportedStickinessReason?.[mode] ??
      `use one of ${platform.stickinessModes.join(", ")}`;
    add(
      "stickiness.mode",
      `\`stickiness.mode\` ("${mode}") is not available on ${platform.name}: ${reason}`,
    );
  }
  if (mode === "none" && polling) {
    add(
      "stickiness.mode",
      '`stickiness.mode` ("none") cannot work with the "polling" transport: each long-polling ' +
        'request would land on any node and fail with HTTP 400 "Session ID unknown". Use ' +
        '`stickiness.mode: "cookie"`, or `transports: ["websocket"]`',
    );
  }
  if (s.cookieName !== undefined) checkCookieName(s.cookieName, mode, platform, add);
  const { min, max } = platform.cookieTtlSeconds;
  checkInteger(s, "ttlSeconds", min, max, "stickiness.", add, ` on ${platform.name}`);
  return mode;
}

function checkCookieName(name: unknown, mode: StickinessMode, platform: PlatformProfile, add: Add) {
  const field = "stickiness.cookieName";
  if (typeof name !== "string" || !isCookieToken(name)) {
    add(
      field,
      `\`${field}\` (${show(name)}) must be an RFC 6265 token: letters, digits and !#$%&'*+-.^_\`|~, no spaces or separators`,
    );
    return;
  }
  if (mode !== "cookie") {
    add(
      field,
      `\`${field}\` (${show(name)}) only applies to \`stickiness.mode: "cookie"\`, not "${mode}": remove it`,
    );
  }
  if (!platform.cookieNameSupported) {
    add(
      field,
      `\`${field}\` (${show(name)}) cannot be set on ${platform.name}, which names its own cookie: remove it`,
    );
  }
  const reserved = platform.reservedCookiePrefixes.find((p) =>
    name.toUpperCase().startsWith(p.toUpperCase()),
  );
  if (reserved !== undefined) {
    add(
      field,
      `\`${field}\` (${show(name)}) starts with "${reserved}", which ${platform.name} reserves: choose another name`,
    );
  }
}

export function checkCors(
  value: unknown,
  platform: PlatformProfile,
  stickyCookie: boolean,
  add: Add,
) {
  if (value !== undefined && !isRecord(value)) {
    add(
      "cors",
      `\`cors\` (${show(value)}) must be an object such as { origins: ["https://app.example.com"] }`,
    );
    return;
  }
  const c = value ?? {};
  checkKnownKeys(c, "cors.", ["origins", "credentials"], add);
  if (c.credentials !== undefined && typeof c.credentials !== "boolean") {
    add("cors.credentials", `\`cors.credentials\` (${show(c.credentials)}) must be true or false`);
  }
  const credentials = c.credentials ?? FLEET_DEFAULTS.cors.credentials;
  if (c.origins !== undefined && !Array.isArray(c.origins)) {
    add(
      "cors.origins",
      `\`cors.origins\` (${show(c.origins)}) must be an array of origins such as ["https://app.example.com"]`,
    );
    return;
  }
  const origins: unknown[] = c.origins ?? [];
  origins.forEach((origin, i) =>
    checkOrigin(origin, i, origins, credentials === true, platform, add),
  );
  if (origins.length === 0) return;
  if (stickyCookie && credentials === false) {
    add(
      "cors.credentials",
      "`cors.credentials` (false) breaks cookie stickiness for the listed origins: browsers only send " +
        "the sticky cookie cross-origin with `withCredentials`, which needs credentials allowed, so " +
        'long-polling fails with "Session ID unknown". Set `cors.credentials: true`',
    );
  }
  if (stickyCookie && platform.laxStickyCookie) checkCrossSite(origins, platform, add);
  if (stickyCookie && platform.crossOriginCookieNeedsTls && platform.tls === false) {
    add(
      "cors.origins",
      `cookie stickiness for cross-origin pages needs HTTPS on ${platform.name}: its cross-site sticky ` +
        "cookie is `SameSite=None; Secure`, which browsers drop over plain HTTP. " +
        (platform.tlsHint ?? "Enable TLS") +
        ', or use `transports: ["websocket"]`',
    );
  }
}

/** Origins on another site than the fleet, where a `Lax` sticky cookie is never sent. */
function checkCrossSite(origins: unknown[], platform: PlatformProfile, add: Add) {
  const { cookie, fleetHost, alternatives } = platform.laxStickyCookie!;
  origins.forEach((origin, i) => {
    const host =
      typeof origin === "string" && originProblem(origin) === undefined
        ? new URL(origin).hostname
        : undefined;
    if (host === undefined || (fleetHost !== undefined && siteOf(host) === siteOf(fleetHost)))
      return;
    add(
      `cors.origins[${i}]`,
      `\`cors.origins[${i}]\` (${show(origin)}) is on another site than the fleet (${fleetHost ?? "unknown host"}): ` +
        `cookie stickiness cannot work for it on ${platform.name}, whose sticky cookie is ${cookie} with no ` +
        "`SameSite=None`, so browsers treat it as `Lax` and drop it on cross-site requests, and long-polling " +
        `fails with "Session ID unknown". ${alternatives}`,
    );
  });
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

function checkOrigin(
  origin: unknown,
  i: number,
  all: unknown[],
  credentials: boolean,
  platform: PlatformProfile,
  add: Add,
) {
  const field = `cors.origins[${i}]`;
  if (typeof origin !== "string") {
    add(field, `\`${field}\` (${show(origin)}) must be a string such as "https://app.example.com"`);
    return;
  }
  if (origin === "*") {
    add(
      field,
      `\`${field}\` ("*") is not allowed${credentials ? ": browsers reject `*` with credentials" : ""}; list each origin, e.g. "https://app.example.com"`,
    );
    return;
  }
  const problem = originProblem(origin);
  if (problem) {
    add(
      field,
      `\`${field}\` (${show(origin)}) is not an origin: ${problem.reason}` +
        (problem.suggestion ? `; use "${problem.suggestion}"` : ""),
    );
    return;
  }
  if (all.indexOf(origin) !== i)
    add(field, `\`${field}\` (${show(origin)}) is listed twice: remove the duplicate`);
  if (origin.startsWith("https:") && platform.tls === false) {
    add(
      field,
      `\`${field}\` (${show(origin)}) is an https page, but the fleet is served over plain HTTP: browsers block that as mixed content. ${platform.tlsHint ?? "Enable TLS"}`,
    );
  }
}
