import type { PlatformProfile } from "../shared";
import { type IngressArgs, type IngressController, K8S_TARGET_ARGS } from "./args";
import { gatewayPlatform } from "./gatewayPlatform";

const COMMON = {
  reservedCookiePrefixes: [] as string[],
  crossOriginCookieNeedsTls: true,
  targetArgs: K8S_TARGET_ARGS,
};

/** A year: the widest cookie lifetime we accept where the controller sets no limit. */
const YEAR = 31_536_000;

/**
 * What each controller can do, for the shared validator. `ingress` may be anything the user
 * passed: an unknown controller gets a permissive profile (its own problem is reported apart).
 */
export function kubernetesPlatform(ingress: unknown): PlatformProfile {
  const i = (
    typeof ingress === "object" && ingress !== null ? ingress : {}
  ) as Partial<IngressArgs>;
  const hasSecret = i.tlsSecretName !== undefined;
  switch (i.controller as IngressController | undefined) {
    case "nginx":
      return {
        ...COMMON,
        name: "ingress-nginx",
        stickinessModes: ["cookie", "client-ip", "none"],
        cookieNameSupported: true,
        cookieTtlSeconds: { min: 1, max: YEAR },
        connectionTimeoutSeconds: { min: 1, max: 86_400 },
        tls: hasSecret,
        tlsHint: "Set `ingress.tlsSecretName` (and `ingress.host`)",
      };
    case "traefik":
      return {
        ...COMMON,
        name: "Traefik (Kubernetes Ingress)",
        stickinessModes: ["cookie", "none"],
        unsupportedStickinessReason: {
          "client-ip":
            "Traefik's Kubernetes Ingress annotations only offer cookie stickiness (client-IP hashing is " +
            'not available through Service annotations). Use `stickiness.mode: "cookie"` or ' +
            '`transports: ["websocket"]`',
        },
        cookieNameSupported: true,
        cookieTtlSeconds: { min: 1, max: YEAR },
        connectionTimeoutSeconds: { min: 1, max: 86_400 },
        tls: hasSecret,
        tlsHint: "Set `ingress.tlsSecretName` (and `ingress.host`)",
      };
    case "gke":
      return {
        ...COMMON,
        name: "GKE Ingress (a Google Cloud Application Load Balancer)",
        stickinessModes: ["cookie", "client-ip", "none"],
        // GENERATED_COOKIE is always named GCLB.
        cookieNameSupported: false,
        cookieTtlSeconds: { min: 0, max: 86_400 },
        connectionTimeoutSeconds: { min: 1, max: 86_400 },
        tls: hasSecret,
        tlsHint: "Set `ingress.tlsSecretName` (and `ingress.host`)",
      };
    case "aws-alb":
      return {
        ...COMMON,
        name: "the AWS Load Balancer Controller (an Application Load Balancer)",
        stickinessModes: ["cookie", "none"],
        unsupportedStickinessReason: {
          "client-ip":
            "an Application Load Balancer has no source-IP stickiness (only Network Load Balancers do). " +
            'Use `stickiness.mode: "cookie"` or `transports: ["websocket"]`',
        },
        cookieNameSupported: true,
        reservedCookiePrefixes: ["AWSALB", "AWSALBAPP", "AWSALBTG"],
        cookieTtlSeconds: { min: 1, max: 604_800 },
        connectionTimeoutSeconds: { min: 1, max: 4000 },
        tls: i.certificateArn !== undefined,
        tlsHint: "Set `ingress.certificateArn`",
      };
    case "gateway-api":
      return gatewayPlatform(i as Record<string, unknown>, COMMON);
    default:
      return {
        ...COMMON,
        name: "a Kubernetes ingress",
        stickinessModes: ["cookie", "client-ip", "none"],
        cookieNameSupported: true,
        cookieTtlSeconds: { min: 0, max: YEAR },
        connectionTimeoutSeconds: { min: 1, max: 86_400 },
      };
  }
}
