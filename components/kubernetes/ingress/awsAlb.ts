/**
 * The AWS Load Balancer Controller (an Application Load Balancer per Ingress).
 * - `target-type: ip`: the ALB targets pod IPs, so its stickiness pins a pod (with `instance`
 *   targets it would pin a node, and kube-proxy would spread the session across pods).
 * - `target-group-attributes`: `lb_cookie` stickiness (cookie `AWSALB`) with the TTL, or, when
 *   `stickiness.cookieName` is set, `app_cookie` stickiness on the cookie the app issues
 *   (`STICKY_COOKIE_NAME`); and a deregistration delay matching the pod's grace period.
 * - `load-balancer-attributes`: the idle timeout = `connectionTimeoutSeconds` (1–4000 s).
 * - Health check on the readiness path; with `certificateArn`, HTTPS on 443 and HTTP redirected.
 */
import { READINESS_PATH } from "../../shared";
import { K8S_DEFAULTS } from "../args";
import type { FleetContext } from "../context";
import { TERMINATION_GRACE_SECONDS } from "../workload";
import { albBackendReuseSeconds, albKeepAliveMs } from "../../aws/keepAlive";
import { type IngressPlan, ingressArgs } from "./common";

const P = "alb.ingress.kubernetes.io/";

export function targetGroupAttributes(ctx: FleetContext): string {
  const { mode, cookieName, ttlSeconds } = ctx.spec.stickiness;
  const stickiness =
    mode !== "cookie"
      ? ["stickiness.enabled=false"]
      : cookieName === undefined
        ? [
            "stickiness.enabled=true",
            "stickiness.type=lb_cookie",
            `stickiness.lb_cookie.duration_seconds=${ttlSeconds}`,
          ]
        : [
            "stickiness.enabled=true",
            "stickiness.type=app_cookie",
            `stickiness.app_cookie.cookie_name=${cookieName}`,
            `stickiness.app_cookie.duration_seconds=${ttlSeconds}`,
          ];
  // The target drains from the start of termination: through the preStop sleep and the app's
  // drain (the grace period), or the ALB cuts the websockets the app is still moving.
  const drain = `deregistration_delay.timeout_seconds=${TERMINATION_GRACE_SECONDS}`;
  return [...stickiness, drain].join(",");
}

export function albAnnotations(ctx: FleetContext): Record<string, string> {
  const arn = ctx.ingress.certificateArn;
  const annotations: Record<string, string> = {
    [`${P}scheme`]: "internet-facing",
    [`${P}target-type`]: "ip",
    [`${P}healthcheck-path`]: READINESS_PATH,
    [`${P}target-group-attributes`]: targetGroupAttributes(ctx),
    [`${P}load-balancer-attributes`]: `idle_timeout.timeout_seconds=${ctx.spec.connectionTimeoutSeconds}`,
    [`${P}listen-ports`]: JSON.stringify(
      arn === undefined ? [{ HTTP: 80 }] : [{ HTTP: 80 }, { HTTPS: 443 }],
    ),
  };
  if (arn !== undefined) {
    annotations[`${P}certificate-arn`] = arn;
    annotations[`${P}ssl-redirect`] = "443";
  }
  return annotations;
}

export function awsAlbPlan(ctx: FleetContext): IngressPlan {
  const { mode, cookieName } = ctx.spec.stickiness;
  return {
    serviceAnnotations: {},
    ingress: ingressArgs(ctx, {
      className: ctx.ingress.className ?? K8S_DEFAULTS.className["aws-alb"],
      annotations: albAnnotations(ctx),
    }),
    customResources: [],
    appCookieName: mode === "cookie" ? cookieName : undefined,
    // The ALB reuses idle pod connections up to its idle timeout, like the AWS target's ALB.
    backendReuse: {
      windowSeconds: albBackendReuseSeconds(ctx.spec),
      appKeepAliveMs: albKeepAliveMs(ctx.spec),
    },
  };
}
