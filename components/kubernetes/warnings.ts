/**
 * What the component warns about at preview (`pulumi.log.warn` on the component): choices that
 * are valid but that the user should revisit. Problems that would break the fleet are refused by
 * `validate.ts` instead.
 */
import type { FleetContext } from "./context";
import { CLIENT_ADDRESS_REQUIREMENTS, INGRESS_NGINX_RETIRED_WARNING } from "./ingress/nginx";

/** Every warning for a resolved fleet, in a stable order (none for a clean spec). */
export function kubernetesFleetWarnings(ctx: FleetContext): string[] {
  const warnings: string[] = [];
  if (ctx.ingress.controller === "nginx") {
    warnings.push(INGRESS_NGINX_RETIRED_WARNING);
    const clientAddress = ctx.ingress.clientAddress;
    if (ctx.spec.stickiness.mode === "client-ip" && clientAddress !== undefined) {
      warnings.push(
        `\`stickiness.mode: "client-ip"\` hashes \`$remote_addr\`; with \`ingress.clientAddress: "${clientAddress}"\` that is the client only if ${CLIENT_ADDRESS_REQUIREMENTS[clientAddress]}. The component cannot check the controller: verify it.`,
      );
    }
  }
  if (ctx.redis.mode === "external" && ctx.redis.cluster) {
    if (ctx.spec.adapter === "redis") {
      warnings.push(
        '`redis.cluster: true` with `adapter: "redis"`: on a cluster a classic PUBLISH is forwarded to every shard over the cluster bus, so adding shards adds no capacity. Use `adapter: "redis-sharded"` (SPUBLISH: each channel lives on one shard).',
      );
    } else if (ctx.spec.adapter === "redis-streams") {
      warnings.push(
        '`redis.cluster: true` with `adapter: "redis-streams"`: the adapter\'s stream is one key, so one shard carries every broadcast. Use `adapter: "redis-sharded"` to spread the load (it has no connection state recovery).',
      );
    }
  }
  return warnings;
}
