import * as pulumi from "@pulumi/pulumi";
import {
  APP_ENV,
  GOOGLE_FRONT_END_KEEPALIVE_MS,
  renderAppEnv,
  type ResolvedFleetSpec,
} from "../shared";

/**
 * The plain app environment on GCP: the user's `env` under the contract (the contract wins; the
 * validator refuses overrides anyway), the keep-alive above the Google front ends' 600 s, and the
 * Redis CA when there is one. Never `REDIS_URL`: that comes from Secret Manager.
 */
export function gcpAppEnv(
  spec: ResolvedFleetSpec,
  redisTlsCa: pulumi.Input<string> | undefined,
  redisMode: "standalone" | "cluster" = "standalone",
  maxConnections?: number,
): pulumi.Output<Record<string, string>> {
  return pulumi.all([pulumi.output(spec.env), pulumi.output(redisTlsCa)]).apply(([userEnv, ca]) => {
    const contract = renderAppEnv(spec, {
      // Above the front ends' fixed 600 s backend keep-alive (components/shared/keepAlive.ts).
      httpKeepAliveTimeoutMs: GOOGLE_FRONT_END_KEEPALIVE_MS,
      redisTlsCa: ca === undefined || ca === "" ? undefined : ca,
      redisMode,
      ...(maxConnections === undefined ? {} : { maxConnections }),
    });
    const env: Record<string, string> = { ...(userEnv as Record<string, string>), ...contract };
    delete env[APP_ENV.redisUrl];
    return env;
  });
}
