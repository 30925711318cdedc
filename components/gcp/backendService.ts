import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { APP_DRAIN_SECONDS, READINESS_PATH, type ResolvedFleetSpec } from "../shared";
import type { GcpFleetTransforms } from "./args";
import { NAMED_PORT } from "./instanceGroup";

/**
 * Requests per second per VM the balancer plans for (`RATE` balancing). A capacity hint, not a
 * limit: with the one instance group as the only backend, the balancer still routes beyond it.
 */
export const MAX_RATE_PER_INSTANCE = 1000;

/**
 * How long the balancer keeps sending a removed VM's open connections before it is deleted. The
 * app drains its sockets in `APP_DRAIN_SECONDS` once stopped; a little more covers that (the API
 * allows 0–3600, default 300, which would only delay every scale-in and rollout).
 */
export const CONNECTION_DRAINING_SECONDS = APP_DRAIN_SECONDS + 5;

export type BackendTarget =
  | { kind: "instance-group"; group: pulumi.Input<string> }
  | { kind: "cloud-run"; endpointGroup: pulumi.Input<string> };

export interface BackendServiceOptions {
  spec: ResolvedFleetSpec;
  project?: pulumi.Input<string>;
  target: BackendTarget;
  securityPolicyId?: pulumi.Input<string>;
  /** `logConfig.sampleRate`, 0–1. */
  logSampleRate: number;
  transform: GcpFleetTransforms;
}

export interface FleetBackend {
  backendService: gcp.compute.BackendService;
  readinessCheck?: gcp.compute.HealthCheck;
}

/**
 * The global backend service. For the instance group: `EXTERNAL_MANAGED` set explicitly (the
 * provider still defaults to the classic `EXTERNAL`), HTTP to the group's named port, `timeoutSec`
 * = `connectionTimeoutSeconds`, which on a Google front end is the *lifetime* of a websocket (not
 * an idle timeout: an active socket is cut when it elapses, and the client reconnects), session
 * affinity from the spec, connection draining, request logs, and a readiness check on `/readyz`.
 * For Cloud Run (a serverless NEG) the API rejects `timeoutSec`, health checks and a port name,
 * and affinity does not apply: only the scheme, protocol, logs and Cloud Armor remain.
 */
export function createBackendService(
  name: string,
  o: BackendServiceOptions,
  parent: pulumi.Resource,
): FleetBackend {
  const logConfig = { enable: true, sampleRate: o.logSampleRate };
  if (o.target.kind === "cloud-run") {
    const args: gcp.compute.BackendServiceArgs = {
      project: o.project,
      loadBalancingScheme: "EXTERNAL_MANAGED",
      protocol: "HTTP",
      securityPolicy: o.securityPolicyId,
      logConfig,
      backends: [{ group: o.target.endpointGroup }],
    };
    o.transform.backendService?.(args);
    return { backendService: new gcp.compute.BackendService(`${name}-backend`, args, { parent }) };
  }

  const readinessArgs: gcp.compute.HealthCheckArgs = {
    project: o.project,
    description: "Socket.IO fleet readiness (load balancing): 503 while draining or without Redis",
    checkIntervalSec: 5,
    timeoutSec: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    httpHealthCheck: { port: o.spec.containerPort, requestPath: READINESS_PATH },
    logConfig: { enable: true },
  };
  o.transform.healthCheck?.(readinessArgs);
  const readinessCheck = new gcp.compute.HealthCheck(`${name}-readiness`, readinessArgs, {
    parent,
  });
  const args: gcp.compute.BackendServiceArgs = {
    project: o.project,
    loadBalancingScheme: "EXTERNAL_MANAGED",
    protocol: "HTTP",
    portName: NAMED_PORT,
    timeoutSec: o.spec.connectionTimeoutSeconds,
    connectionDrainingTimeoutSec: CONNECTION_DRAINING_SECONDS,
    healthChecks: readinessCheck.id,
    securityPolicy: o.securityPolicyId,
    logConfig,
    ...sessionAffinity(o.spec.stickiness),
    backends: [
      {
        group: o.target.group,
        // Never UTILIZATION with affinity: utilization-based balancing moves load between
        // backends as CPU changes, which breaks pinned sessions (gcpdiag lb/BP/2026_001: "Backend
        // Services with Session Affinity should not use UTILIZATION balancing mode"). RATE keeps
        // them; IN_FLIGHT, made for websockets, is still in Preview.
        balancingMode: "RATE",
        maxRatePerInstance: MAX_RATE_PER_INSTANCE,
        capacityScaler: 1,
      },
    ],
  };
  o.transform.backendService?.(args);
  const backendService = new gcp.compute.BackendService(`${name}-backend`, args, { parent });
  return { backendService, readinessCheck };
}

/**
 * Backend-service affinity for the spec (the API's own upper-case values):
 * - cookie: `GENERATED_COOKIE` (the front end's `GCLB` cookie) for `ttlSeconds`
 *   (`affinityCookieTtlSec`; 0 makes it a session cookie);
 * - cookie with `cookieName`: `STRONG_COOKIE_AFFINITY` with that cookie, path `/`, the same TTL;
 * - client-ip: `CLIENT_IP` (the front end sees the real client address);
 * - none: `NONE` (websocket-only; the validator refuses it with polling).
 * Affinity on always comes with `localityLbPolicy: "RING_HASH"`: "If session_affinity is not
 * NONE, and locality_lb_policy is not set to MAGLEV, WEIGHTED_MAGLEV, or RING_HASH, session
 * affinity settings will not take effect" (provider doc of `localityLbPolicy`).
 */
export function sessionAffinity(
  s: ResolvedFleetSpec["stickiness"],
): Pick<
  gcp.compute.BackendServiceArgs,
  "sessionAffinity" | "affinityCookieTtlSec" | "strongSessionAffinityCookie" | "localityLbPolicy"
> {
  switch (s.mode) {
    case "none":
      return { sessionAffinity: "NONE" };
    case "client-ip":
      return { sessionAffinity: "CLIENT_IP", localityLbPolicy: "RING_HASH" };
    case "cookie":
      if (s.cookieName === undefined) {
        return {
          sessionAffinity: "GENERATED_COOKIE",
          affinityCookieTtlSec: s.ttlSeconds,
          localityLbPolicy: "RING_HASH",
        };
      }
      return {
        sessionAffinity: "STRONG_COOKIE_AFFINITY",
        strongSessionAffinityCookie: {
          name: s.cookieName,
          path: "/",
          ttl: { seconds: s.ttlSeconds },
        },
        localityLbPolicy: "RING_HASH",
      };
  }
}
