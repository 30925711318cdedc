/**
 * The Kubernetes target's Gateway API adapters, one per implementation that pins sessions, read
 * back in each implementation's own spelling: Envoy Gateway's HTTPRoute `sessionPersistence`,
 * GKE's `GCPBackendPolicy` (affinity and the backend timeout), Istio's `DestinationRule` cookie
 * hash. `generic` pins nothing and refuses every stickiness mode, so it is covered by the unit
 * tests (test/unit/kubernetes/gatewayApi.test.ts), not by a conformance adapter.
 */
import type { KubernetesSocketIoFleetArgs } from "../../../components/kubernetes";
import type { MockRecorder } from "../../helpers/mocks";
import { T } from "../kubernetes/fixtures";
import { durationSeconds, type Stickiness, type Timeouts } from "./suite";

export const CONFORMANCE_GATEWAY_IMPLEMENTATIONS = ["envoy-gateway", "gke", "istio"] as const;
export type ConformanceGatewayImplementation = (typeof CONFORMANCE_GATEWAY_IMPLEMENTATIONS)[number];

/** A Gateway terminating TLS on its "https" listener, run by `implementation`. */
export function gatewayIngress(
  host: string,
  implementation: ConformanceGatewayImplementation,
): KubernetesSocketIoFleetArgs["ingress"] {
  return {
    controller: "gateway-api",
    host,
    gateway: { name: "public", namespace: "gateway", tls: true, implementation, listener: "https" },
  };
}

/** Modes each implementation refuses: only GKE's balancer hashes the client's address. */
export const GATEWAY_REFUSES: Record<ConformanceGatewayImplementation, "client-ip"[]> = {
  "envoy-gateway": ["client-ip"],
  gke: [],
  istio: ["client-ip"],
};

function routeRule(mocks: MockRecorder) {
  const rules = mocks.one(T.httpRoute).inputs.spec.rules;
  if (rules.length !== 1) throw new Error(`${rules.length} rules`);
  return rules[0];
}

export function gatewayStickiness(
  implementation: ConformanceGatewayImplementation,
  mocks: MockRecorder,
): Stickiness {
  const persistence = routeRule(mocks).sessionPersistence;
  if (implementation !== "envoy-gateway" && persistence !== undefined) {
    throw new Error(`${implementation} ignores sessionPersistence, yet the route carries it`);
  }
  switch (implementation) {
    case "envoy-gateway":
      if (persistence === undefined) return { enabled: false };
      if (persistence.type !== "Cookie") throw new Error(`sessionPersistence ${persistence.type}`);
      return {
        enabled: true,
        by: "cookie",
        ttlSeconds: durationSeconds(persistence.absoluteTimeout),
      };
    case "gke": {
      const affinity = mocks.one(T.gcpBackendPolicy).inputs.spec.default.sessionAffinity;
      switch (affinity.type) {
        case "GENERATED_COOKIE":
          return { enabled: true, by: "cookie", ttlSeconds: affinity.cookieTtlSec };
        case "CLIENT_IP":
          return { enabled: true, by: "client-ip" };
        case "NONE":
          return { enabled: false };
        default:
          throw new Error(`sessionAffinity.type ${affinity.type}`);
      }
    }
    case "istio": {
      const rules = mocks.ofType(T.destinationRule);
      if (rules.length === 0) return { enabled: false };
      const hash = rules[0].inputs.spec.trafficPolicy.loadBalancer.consistentHash;
      if (hash.httpCookie === undefined) throw new Error(`consistentHash ${Object.keys(hash)}`);
      return { enabled: true, by: "cookie", ttlSeconds: durationSeconds(hash.httpCookie.ttl) };
    }
  }
}

/** Where each implementation takes the connection timeout. */
export function gatewayTimeouts(
  implementation: ConformanceGatewayImplementation,
  mocks: MockRecorder,
): Timeouts {
  if (implementation === "gke") {
    // GKE ignores route timeouts: the backend timeout is the websocket lifetime there.
    if (routeRule(mocks).timeouts !== undefined) throw new Error("route timeouts on gke");
    const policy = mocks.one(T.gcpBackendPolicy).inputs.spec.default;
    return { connection: { "GCPBackendPolicy timeoutSec": policy.timeoutSec }, exchange: {} };
  }
  return {
    connection: {
      "HTTPRoute timeouts.request": durationSeconds(routeRule(mocks).timeouts.request),
    },
    exchange: {},
  };
}

/** How long each implementation reuses an idle pod connection (documented defaults). */
export const GATEWAY_REUSE_WINDOWS: Record<
  ConformanceGatewayImplementation,
  Record<string, number>
> = {
  // Envoy's upstream HTTP idle_timeout, default 1 hour (Envoy Gateway and Istio run Envoy).
  "envoy-gateway": { "Envoy upstream idle_timeout (default)": 3600 },
  istio: { "Envoy upstream idle_timeout (default)": 3600 },
  // GKE's Gateway is a Google Cloud Application Load Balancer: Google front ends, fixed 600 s.
  gke: { "Google front ends backend keepalive (fixed)": 600 },
};

/** The exact app keep-alive: 5 s above Envoy's hour, 620 s for Google's 600 s. */
export const GATEWAY_KEEPALIVE_MS: Record<ConformanceGatewayImplementation, number> = {
  "envoy-gateway": 3_605_000,
  istio: 3_605_000,
  gke: 620_000,
};
