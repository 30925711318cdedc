/**
 * Stack rules over the balancer in front of the fleet: sticky sessions whenever long-polling is
 * on (a polling client's requests must reach the node holding its session, or it gets HTTP 400
 * "Session ID unknown"), and every idle/request timeout above the heartbeat (or idle sockets are
 * cut between pings).
 */
import { T, fleetContainers, heartbeatSeconds, usesPolling } from "./workloads";
import { type PolicyResource, type StackRule, type StackViolation, who } from "./types";

/** Balancer defaults when the field is absent, from each product's documentation. */
const DEFAULT_TIMEOUT_SECONDS = {
  // ALB `idle_timeout.timeout_seconds` default 60 (AWS ELB docs, "Application Load Balancers").
  alb: 60,
  // ingress-nginx `proxy-read-timeout`/`proxy-send-timeout` default 60 (ingress-nginx annotations docs).
  nginx: 60,
  // Backend service `timeoutSec` default 30 (Compute Engine API, backendServices).
  gcpBackend: 30,
  // Cloud Run request timeout default 300 s (Cloud Run docs, "Request timeout").
  cloudRun: 300,
};

const NGINX = "nginx.ingress.kubernetes.io/";
const ALB = "alb.ingress.kubernetes.io/";
const TRAEFIK_STICKY = "traefik.ingress.kubernetes.io/service.sticky.cookie";

export const stickySessionsWithPolling: StackRule = {
  name: "sticky-sessions-with-polling",
  description:
    "When the fleet accepts long-polling, every balancer in front of it pins a client to one node (cookie or client-IP affinity).",
  check(resources) {
    if (!fleetContainers(resources).some(({ container }) => usesPolling(container))) return [];
    const stackSticky = resources.some(
      (r) =>
        (r.type === T.service &&
          (r.props.spec?.sessionAffinity === "ClientIP" ||
            r.props.metadata?.annotations?.[TRAEFIK_STICKY] === "true")) ||
        (r.type === T.backendConfig &&
          ["GENERATED_COOKIE", "CLIENT_IP"].includes(
            r.props.spec?.sessionAffinity?.affinityType,
          )) ||
        // GKE's Gateway and Istio ignore HTTPRoute `sessionPersistence`: they pin through these.
        (r.type === T.gcpBackendPolicy &&
          isGcpSticky(r.props.spec?.default?.sessionAffinity?.type)) ||
        (r.type === T.destinationRule && isHashSticky(r.props.spec?.trafficPolicy?.loadBalancer)),
    );
    const fix = "turn on cookie (or client-IP) stickiness, or set transports to websocket only";
    const violations: StackViolation[] = [];
    const flag = (r: PolicyResource, what: string) =>
      violations.push({
        urn: r.urn,
        message: `${who(r)}: ${what} while the fleet accepts long-polling: ${fix}`,
      });
    for (const r of resources) {
      if (r.type === T.targetGroup && r.props.stickiness?.enabled !== true) {
        flag(r, `\`stickiness.enabled\` is ${JSON.stringify(r.props.stickiness?.enabled ?? null)}`);
      }
      if (
        (r.type === T.backendService || r.type === T.regionBackendService) &&
        !isGcpSticky(r.props.sessionAffinity)
      ) {
        flag(r, `\`sessionAffinity\` is ${JSON.stringify(r.props.sessionAffinity ?? "NONE")}`);
      }
      if (r.type === T.cloudRun && r.props.template?.sessionAffinity !== true) {
        flag(r, "`template.sessionAffinity` is not true");
      }
      if (
        r.type === T.ingress &&
        !stackSticky &&
        !isIngressSticky(r.props.metadata?.annotations ?? {})
      ) {
        flag(
          r,
          "no affinity annotation (nginx `affinity`/`upstream-hash-by`, ALB `stickiness.enabled=true`) and no sticky Service or BackendConfig",
        );
      }
      if (r.type === T.httpRoute && !stackSticky) {
        const rules: { sessionPersistence?: unknown }[] = r.props.spec?.rules ?? [];
        if (!rules.every((rule) => rule.sessionPersistence !== undefined)) {
          flag(r, "a rule without `sessionPersistence`");
        }
      }
    }
    return violations;
  },
};

export const timeoutsAboveHeartbeat: StackRule = {
  name: "timeouts-above-heartbeat",
  description:
    "Every load balancer or proxy idle/request timeout is above the Socket.IO heartbeat (pingInterval + pingTimeout).",
  check(resources) {
    const fleet = fleetContainers(resources);
    if (fleet.length === 0) return [];
    const heartbeat = Math.max(...fleet.map(({ container }) => heartbeatSeconds(container)));
    const violations: StackViolation[] = [];
    const check = (r: PolicyResource, field: string, seconds: number) => {
      if (!(seconds > heartbeat)) {
        violations.push({
          urn: r.urn,
          message:
            `${who(r)}: \`${field}\` (${seconds} s) must be above the heartbeat ` +
            `(pingInterval + pingTimeout = ${heartbeat} s): raise it (connectionTimeoutSeconds) or shorten the heartbeat`,
        });
      }
    };
    for (const r of resources) {
      const annotations: Record<string, string> = r.props.metadata?.annotations ?? {};
      if (r.type === T.alb && (r.props.loadBalancerType ?? "application") === "application") {
        check(r, "idleTimeout", Number(r.props.idleTimeout ?? DEFAULT_TIMEOUT_SECONDS.alb));
      }
      if (r.type === T.ingress && isNginx(r)) {
        for (const key of ["proxy-read-timeout", "proxy-send-timeout"]) {
          check(
            r,
            `${NGINX}${key}`,
            Number(annotations[NGINX + key] ?? DEFAULT_TIMEOUT_SECONDS.nginx),
          );
        }
      }
      if (r.type === T.ingress && annotations[`${ALB}load-balancer-attributes`] !== undefined) {
        const idle = /idle_timeout\.timeout_seconds=(\d+)/.exec(
          annotations[`${ALB}load-balancer-attributes`],
        );
        check(
          r,
          `${ALB}load-balancer-attributes idle_timeout`,
          Number(idle?.[1] ?? DEFAULT_TIMEOUT_SECONDS.alb),
        );
      }
      if (r.type === T.backendConfig) {
        check(
          r,
          "spec.timeoutSec",
          Number(r.props.spec?.timeoutSec ?? DEFAULT_TIMEOUT_SECONDS.gcpBackend),
        );
      }
      if (r.type === T.gcpBackendPolicy) {
        // GKE's Gateway: the backend service timeout, the websocket lifetime on Google's balancers.
        check(
          r,
          "spec.default.timeoutSec",
          Number(r.props.spec?.default?.timeoutSec ?? DEFAULT_TIMEOUT_SECONDS.gcpBackend),
        );
      }
      if (r.type === T.backendService || r.type === T.regionBackendService) {
        check(r, "timeoutSec", Number(r.props.timeoutSec ?? DEFAULT_TIMEOUT_SECONDS.gcpBackend));
      }
      if (r.type === T.cloudRun) {
        const timeout = String(r.props.template?.timeout ?? `${DEFAULT_TIMEOUT_SECONDS.cloudRun}s`);
        check(r, "template.timeout", parseFloat(timeout));
      }
    }
    return violations;
  },
};

function isGcpSticky(affinity: unknown): boolean {
  return typeof affinity === "string" && affinity !== "NONE";
}

/** An Istio `DestinationRule` load balancer hashing on a cookie or the source address. */
function isHashSticky(loadBalancer: { consistentHash?: Record<string, unknown> } | undefined) {
  const hash = loadBalancer?.consistentHash;
  return hash !== undefined && (hash.httpCookie !== undefined || hash.useSourceIp === true);
}

function isIngressSticky(annotations: Record<string, string>): boolean {
  return (
    annotations[`${NGINX}affinity`] === "cookie" ||
    annotations[`${NGINX}upstream-hash-by`] !== undefined ||
    /stickiness\.enabled=true/.test(annotations[`${ALB}target-group-attributes`] ?? "")
  );
}

function isNginx(r: PolicyResource): boolean {
  const annotations: Record<string, string> = r.props.metadata?.annotations ?? {};
  return (
    r.props.spec?.ingressClassName === "nginx" ||
    annotations["kubernetes.io/ingress.class"] === "nginx" ||
    Object.keys(annotations).some((k) => k.startsWith(NGINX))
  );
}
