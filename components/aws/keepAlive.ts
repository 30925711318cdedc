/**
 * The app's HTTP keep-alive behind an Application Load Balancer. An ALB keeps an idle connection
 * to a target open, and reuses it, for its connection idle timeout (`idleTimeout`, which the fleet
 * sets to `connectionTimeoutSeconds`); AWS: "configure the idle timeout of your application to be
 * larger than the idle timeout configured for the load balancer. Otherwise, if the application
 * closes the TCP connection to the load balancer ungracefully, the load balancer might send a
 * request to the application before it receives the packet indicating that the connection is
 * closed. If this is the case, then the load balancer sends an HTTP 502" (ELB user guide,
 * "Edit attributes for your Application Load Balancer", Connection idle timeout). No Pulumi import:
 * the Kubernetes target's AWS Load Balancer Controller flavour uses it too.
 */
import type { ResolvedFleetSpec } from "../shared/args";
import { keepAliveAboveMs } from "../shared/keepAlive";

/** How long the ALB may keep an idle target connection for reuse: its idle timeout, in seconds. */
export function albBackendReuseSeconds(spec: Pick<ResolvedFleetSpec, "connectionTimeoutSeconds">) {
  return spec.connectionTimeoutSeconds;
}

/** `HTTP_KEEPALIVE_TIMEOUT_MS` behind an ALB: its idle timeout plus the margin. */
export function albKeepAliveMs(spec: Pick<ResolvedFleetSpec, "connectionTimeoutSeconds">): number {
  return keepAliveAboveMs(albBackendReuseSeconds(spec));
}
