import type { StickinessMode } from "./args";

/**
 * What a target can do. Targets hand one to the shared validator instead of re-implementing it;
 * the validator reads only these facts, never the target's name.
 */
export interface PlatformProfile {
  /** Shown in messages, e.g. "an AWS Application Load Balancer". */
  name: string;
  /** Stickiness modes the platform can do. */
  stickinessModes: readonly StickinessMode[];
  /** Why a mode is missing and what to use instead, for the message. */
  unsupportedStickinessReason?: Partial<Record<StickinessMode, string>>;
  /** Whether `stickiness.cookieName` can be honoured (GCP's generated cookie cannot be named). */
  cookieNameSupported: boolean;
  /** Cookie names the platform reserves, compared case-insensitively as prefixes. */
  reservedCookiePrefixes: readonly string[];
  cookieTtlSeconds: { min: number; max: number };
  connectionTimeoutSeconds: { min: number; max: number };
  /** Whether the public front speaks HTTPS; `undefined` when the target cannot tell. */
  tls?: boolean;
  /** How a user turns TLS on for this target, e.g. "set `certificateArn`". */
  tlsHint?: string;
  /**
   * Whether cookie stickiness for cross-origin pages needs HTTPS (the load balancer's
   * cross-site cookie is `SameSite=None; Secure`, which browsers only store over HTTPS).
   */
  crossOriginCookieNeedsTls?: boolean;
  /**
   * Set when the platform's sticky cookie is not `SameSite=None; Secure`: browsers treat a cookie
   * without `SameSite` as `Lax` and never send it on a cross-site request, so with cookie
   * stickiness and long-polling every origin on another site than `fleetHost` is refused.
   * `cookie` describes the cookie for the message; `alternatives` says what to do instead.
   */
  laxStickyCookie?: { cookie: string; fleetHost?: string; alternatives: string };
  /** The target's own arg names, accepted beside the shared ones (others are typos). */
  targetArgs?: readonly string[];
}

/** A platform that can do everything the spec can express: the validator's default. */
export const GENERIC_PLATFORM: PlatformProfile = {
  name: "a generic load balancer",
  stickinessModes: ["cookie", "client-ip", "none"],
  cookieNameSupported: true,
  reservedCookiePrefixes: [],
  cookieTtlSeconds: { min: 1, max: 31_536_000 },
  connectionTimeoutSeconds: { min: 1, max: 86_400 },
};
