/**
 * What each Gateway API implementation can do, for the shared validator (`ingress.controller:
 * "gateway-api"`). Session pinning per implementation:
 * - envoy-gateway: HTTPRoute `sessionPersistence` (cookie), only on the experimental-channel CRDs;
 * - gke: `GCPBackendPolicy` session affinity (the `GCLB` cookie, or client IP);
 * - istio: a `DestinationRule` cookie hash;
 * - generic: none, so long-polling is refused (websocket-only).
 * None of these cookies is `SameSite=None` (Envoy's carries name, path, Max-Age and HttpOnly;
 * Google's `GCLB=…; path=/; HttpOnly`), so cross-site pages cannot be pinned.
 */
import type { PlatformProfile } from "../shared";
import { isRecord } from "../shared/checks";
import { type KubernetesGatewayImplementation, K8S_DEFAULTS } from "./args";

/** A year: the widest cookie lifetime we accept where the implementation sets no limit. */
const YEAR = 31_536_000;

const WEBSOCKET_ONLY = '`transports: ["websocket"]` with `stickiness.mode: "none"`';

export function gatewayPlatform(
  ingress: Record<string, unknown>,
  common: Pick<PlatformProfile, "reservedCookiePrefixes" | "targetArgs">,
): PlatformProfile {
  const gateway = isRecord(ingress.gateway) ? ingress.gateway : {};
  const implementation = gateway.implementation as KubernetesGatewayImplementation | undefined;
  const channel =
    gateway.channel ??
    (implementation !== undefined ? K8S_DEFAULTS.gatewayChannel[implementation] : undefined);
  const host = typeof ingress.host === "string" ? ingress.host : undefined;
  const tls = typeof gateway.tls === "boolean" ? gateway.tls : undefined;
  const base = {
    ...common,
    crossOriginCookieNeedsTls: false,
    tls,
    tlsHint:
      "Terminate TLS on a Gateway listener, set `ingress.gateway.tls: true` and name the listener in `ingress.gateway.listener`",
    cookieTtlSeconds: { min: 1, max: YEAR },
    connectionTimeoutSeconds: { min: 1, max: 86_400 },
  };
  const lax = (cookie: string): PlatformProfile["laxStickyCookie"] => ({
    cookie,
    fleetHost: host,
    alternatives: `Serve the fleet on the page's site (\`ingress.host\` such as "ws.<that site>"), or use ${WEBSOCKET_ONLY}`,
  });
  switch (implementation) {
    case "envoy-gateway": {
      const experimental = channel === "experimental";
      const noPin =
        "Envoy Gateway pins sessions through HTTPRoute `sessionPersistence`, which only the " +
        "experimental-channel CRDs declare (server-side apply rejects it on the standard channel). " +
        `Install the experimental channel and set \`ingress.gateway.channel: "experimental"\`, or use ${WEBSOCKET_ONLY}`;
      return {
        ...base,
        name: `Envoy Gateway (Gateway API ${channel ?? "standard"} channel)`,
        stickinessModes: experimental ? ["cookie", "none"] : ["none"],
        unsupportedStickinessReason: {
          cookie: noPin,
          "client-ip": experimental
            ? "HTTPRoute `sessionPersistence` only has Cookie and Header types, no client-IP hashing. " +
              `Use \`stickiness.mode: "cookie"\` or ${WEBSOCKET_ONLY}`
            : noPin,
        },
        cookieNameSupported: true,
        laxStickyCookie: lax("Envoy's session cookie (name, path, Max-Age only)"),
      };
    }
    case "gke":
      return {
        ...base,
        name: "GKE's Gateway (a Google Cloud Application Load Balancer)",
        stickinessModes: ["cookie", "client-ip", "none"],
        // GENERATED_COOKIE is always named GCLB.
        cookieNameSupported: false,
        // GCPBackendPolicy `cookieTtlSec`: 0–1209600 in the CRD schema.
        cookieTtlSeconds: { min: 0, max: 1_209_600 },
        laxStickyCookie: lax("Google's `GCLB` cookie (`GCLB=…; path=/; HttpOnly`)"),
      };
    case "istio":
      return {
        ...base,
        name: "Istio (Gateway API)",
        stickinessModes: ["cookie", "none"],
        unsupportedStickinessReason: {
          "client-ip":
            "behind the cloud load balancer in front of Istio's gateway, the source address the gateway " +
            "hashes is often a node's, not the client's. " +
            `Use \`stickiness.mode: "cookie"\` (a DestinationRule cookie) or ${WEBSOCKET_ONLY}`,
        },
        cookieNameSupported: true,
        laxStickyCookie: lax("Envoy's hash cookie (name, path, Max-Age only)"),
      };
    default: {
      const none =
        "a generic Gateway API implementation is not known to pin sessions (HTTPRoute " +
        "`sessionPersistence` is experimental and most implementations ignore it), so long-polling " +
        `requests would land on any pod and fail with "Session ID unknown". Use ${WEBSOCKET_ONLY}, ` +
        'or name an implementation that pins sessions in `ingress.gateway.implementation` ("envoy-gateway", "gke", "istio")';
      return {
        ...base,
        name:
          implementation === "generic"
            ? "a generic Gateway API implementation"
            : "a Gateway API implementation",
        stickinessModes: implementation === "generic" ? ["none"] : ["cookie", "client-ip", "none"],
        unsupportedStickinessReason: { cookie: none, "client-ip": none },
        cookieNameSupported: true,
      };
    }
  }
}
