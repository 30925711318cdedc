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
  return warnings;
}
