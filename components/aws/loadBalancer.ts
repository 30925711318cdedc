import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { READINESS_PATH, type ResolvedFleetSpec } from "../shared";
import { type AwsFleetTransforms, TLS_POLICY } from "./args";

export interface FleetLoadBalancer {
  loadBalancer: aws.lb.LoadBalancer;
  targetGroup: aws.lb.TargetGroup;
  /** Port 80: forwards (no certificate) or only redirects to HTTPS. */
  httpListener: aws.lb.Listener;
  /** Port 443, with a certificate. */
  httpsListener?: aws.lb.Listener;
}

export interface LoadBalancerOptions {
  spec: ResolvedFleetSpec;
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  certificateArn?: pulumi.Input<string>;
  deregistrationDelaySeconds: number;
  accessLogsBucket?: pulumi.Input<string>;
  deletionProtection: boolean;
  transform: AwsFleetTransforms;
}

export function createLoadBalancer(
  name: string,
  o: LoadBalancerOptions,
  parent: pulumi.Resource,
): FleetLoadBalancer {
  const tgArgs: aws.lb.TargetGroupArgs = {
    targetType: "ip",
    port: o.spec.containerPort,
    protocol: "HTTP",
    vpcId: o.vpcId,
    deregistrationDelay: o.deregistrationDelaySeconds,
    // Readiness, not liveness: a draining node, or one that never reached Redis, takes no new
    // clients. Readiness does not follow Redis after the first connection, so a Redis blip does
    // not fail every target at once (the container health check is the liveness probe).
    healthCheck: {
      enabled: true,
      path: READINESS_PATH,
      protocol: "HTTP",
      matcher: "200",
      interval: 15,
      timeout: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
    },
    stickiness: targetGroupStickiness(o.spec.stickiness),
  };
  o.transform.targetGroup?.(tgArgs);
  const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, tgArgs, { parent });

  const lbArgs: aws.lb.LoadBalancerArgs = {
    loadBalancerType: "application",
    internal: false,
    securityGroups: [o.securityGroupId],
    subnets: o.publicSubnetIds,
    // Above the heartbeat (validated), so healthy idle sockets are never cut.
    idleTimeout: o.spec.connectionTimeoutSeconds,
    dropInvalidHeaderFields: true,
    enableDeletionProtection: o.deletionProtection,
    accessLogs:
      o.accessLogsBucket === undefined
        ? undefined
        : { bucket: o.accessLogsBucket, prefix: name, enabled: true },
  };
  o.transform.loadBalancer?.(lbArgs);
  const loadBalancer = new aws.lb.LoadBalancer(`${name}-alb`, lbArgs, { parent });

  const listener = (suffix: string, args: aws.lb.ListenerArgs) => {
    o.transform.listener?.(args);
    return new aws.lb.Listener(`${name}-${suffix}`, args, { parent });
  };
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  if (o.certificateArn === undefined) {
    const httpListener = listener("http", {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: forward,
    });
    return { loadBalancer, targetGroup, httpListener };
  }
  const httpsListener = listener("https", {
    loadBalancerArn: loadBalancer.arn,
    port: 443,
    protocol: "HTTPS",
    sslPolicy: TLS_POLICY,
    certificateArn: o.certificateArn,
    defaultActions: forward,
  });
  const httpListener = listener("http", {
    loadBalancerArn: loadBalancer.arn,
    port: 80,
    protocol: "HTTP",
    defaultActions: [
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ],
  });
  return { loadBalancer, targetGroup, httpListener, httpsListener };
}

/**
 * Target-group stickiness for the spec. The API values are AWS's own (`lb_cookie`,
 * `app_cookie`), not the camelCase of the provider's doc comments.
 * - cookie: `lb_cookie` (the ALB's `AWSALB` cookie) for `ttlSeconds`;
 * - cookie with `cookieName`: `app_cookie` keyed on the cookie the app issues
 *   (`STICKY_COOKIE_NAME`); the ALB adds its `AWSALBAPP` cookie for the same duration;
 * - none: disabled (websocket-only; the validator rejects it with polling).
 */
export function targetGroupStickiness(
  s: ResolvedFleetSpec["stickiness"],
): aws.types.input.lb.TargetGroupStickiness {
  if (s.mode !== "cookie") return { enabled: false, type: "lb_cookie" };
  if (s.cookieName === undefined) {
    return { enabled: true, type: "lb_cookie", cookieDuration: s.ttlSeconds };
  }
  return {
    enabled: true,
    type: "app_cookie",
    cookieName: s.cookieName,
    cookieDuration: s.ttlSeconds,
  };
}
