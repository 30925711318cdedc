import { isRecord } from "../shared/checks";
import type { PlatformProfile } from "../shared";
import { GcpComputeMode } from "./args";

/** The GCP-only arg names, accepted beside the shared ones by the shared validator. */
export const GCP_TARGET_ARGS = [
  "project",
  "region",
  "network",
  "compute",
  "autoscaling",
  "domains",
  "sslCertificates",
  "securityPolicy",
  "redis",
  "deletionProtection",
  "requestLogSampleRate",
  "monitoring",
] as const;

/**
 * Google front ends and health checkers: the only sources the app port is open to. "Packets sent
 * from GFEs have source IP addresses from the same range used by health check probers:
 * 35.191.0.0/16 and 130.211.0.0/22" (cloud.google.com/load-balancing/docs/https/request-distribution).
 */
export const GOOGLE_FRONT_END_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;

/**
 * Backend-service `timeoutSec`, the websocket lifetime, is at most a day: "Google Cloud
 * periodically restarts GFEs", so longer values only pretend (gcpdiag lb/BP/2025_002).
 */
export const MAX_BACKEND_TIMEOUT_SECONDS = 86_400;

/**
 * Cloud Run's request timeout, which also caps a websocket: "can be extended up to 60 minutes
 * (3600 seconds)" (cloud.google.com/run/docs/configuring/request-timeout); "WebSockets streams are
 * HTTP requests still subject to the request timeout" (cloud.google.com/run/docs/triggering/websockets).
 */
export const MAX_CLOUD_RUN_TIMEOUT_SECONDS = 3600;

/**
 * `affinityCookieTtlSec`: "The maximum allowed value for TTL is one day" in the provider's docs
 * (the current Compute API says two weeks); 0 makes a session cookie. One day is valid under both.
 */
export const MAX_COOKIE_TTL_SECONDS = 86_400;

/**
 * Most zones a region offers to a regional group (us-central1 has four; the API leaves AI zones
 * out unless listed). A regional group's surge must be 0 or at least its zone count ("a fixed
 * value equal to the number of zones" is the API's default `maxSurge`), and the provider sends
 * `maxSurgeFixed: 0` when unset (`expandRegionUpdatePolicy` force-sends `Fixed`, "allow setting
 * this value to 0"), which with `maxUnavailableFixed: 0` would block every update: with the zones
 * left to the API, the group surges by this many.
 */
export const MAX_REGION_ZONES = 4;

/** Whether the args pick Cloud Run (read leniently: the validator reports a malformed `compute`). */
export function isCloudRun(args: { compute?: unknown }): boolean {
  return isRecord(args.compute) && args.compute.mode === GcpComputeMode.CloudRun;
}

/** Whether the front speaks HTTPS: a managed certificate for `domains`, or `sslCertificates`. */
export function servesTls(args: { domains?: unknown; sslCertificates?: unknown }): boolean {
  const domains = Array.isArray(args.domains) ? args.domains.length : 0;
  const certificates = Array.isArray(args.sslCertificates) ? args.sslCertificates.length : 0;
  return domains > 0 || certificates > 0;
}

/**
 * What a global external Application Load Balancer (or Cloud Run behind one) can do, for the
 * shared validator. Cross-site cookie stickiness is a GCP rule of its own (`validate.ts`): the
 * `GCLB` cookie is never `SameSite=None`, so `crossOriginCookieNeedsTls` does not describe it.
 */
export function gcpPlatform(args: Record<string, unknown>): PlatformProfile {
  const cloudRun = isCloudRun(args);
  const serverless =
    "the load balancer's session affinity does not apply to a Cloud Run (serverless) backend, and " +
    "Cloud Run's own affinity is best effort, so long-polling would fail; Cloud Run fleets are " +
    'websocket-only: use `transports: ["websocket"]` with `stickiness.mode: "none"`, or ' +
    '`compute.mode: "instance-group"`';
  return {
    name: cloudRun
      ? "Cloud Run behind a Google Cloud Application Load Balancer"
      : "a Google Cloud global external Application Load Balancer",
    stickinessModes: cloudRun ? ["none"] : ["cookie", "client-ip", "none"],
    unsupportedStickinessReason: cloudRun ? { cookie: serverless, "client-ip": serverless } : {},
    // GENERATED_COOKIE names its own cookie (GCLB); a name switches to STRONG_COOKIE_AFFINITY.
    cookieNameSupported: true,
    reservedCookiePrefixes: ["GCLB"],
    cookieTtlSeconds: { min: 0, max: MAX_COOKIE_TTL_SECONDS },
    connectionTimeoutSeconds: {
      min: 1,
      max: cloudRun ? MAX_CLOUD_RUN_TIMEOUT_SECONDS : MAX_BACKEND_TIMEOUT_SECONDS,
    },
    tls: servesTls(args),
    tlsHint:
      "Set `domains` (a Google-managed certificate) or `sslCertificates` to serve HTTPS on port 443",
    crossOriginCookieNeedsTls: false,
    targetArgs: GCP_TARGET_ARGS,
  };
}
