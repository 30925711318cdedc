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
  if (ctx.monitoringWithoutCollector) warnings.push(MONITORING_WITHOUT_COLLECTOR_WARNING);
  return warnings;
}

/**
 * Monitoring is on by default, but off GKE the component cannot know which collector's CRDs the
 * cluster has, and creating a kind the cluster lacks fails `pulumi up`: it creates none and says so.
 */
export const MONITORING_WITHOUT_COLLECTOR_WARNING =
  "Monitoring is on by default, but no collector is set: no PodMonitor, alert rules or dashboard were created " +
  '(the component only assumes GKE Managed Prometheus on GKE). Set `monitoring.collector` to "prometheus-operator" ' +
  '(with `monitoring.namespaces` naming where Prometheus runs) or "gke-managed-prometheus", or set ' +
  "`monitoring.enabled: false` to silence this.";
