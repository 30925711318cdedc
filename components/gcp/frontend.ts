import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { GcpFleetTransforms } from "./args";

/**
 * The client-side HTTP keep-alive of the proxies: the global external Application Load
 * Balancer's default, stated explicitly ("default value is 610 seconds, the minimum allowed value
 * is 5 seconds and the maximum allowed value is 1200 seconds"; provider doc of
 * `httpKeepAliveTimeoutSec`, which the classic `EXTERNAL` scheme does not offer).
 */
export const CLIENT_KEEPALIVE_SECONDS = 610;

export interface FrontendOptions {
  project?: pulumi.Input<string>;
  backendServiceId: pulumi.Input<string>;
  /** Host names for a Google-managed certificate (unless `sslCertificates` are given). */
  domains: string[];
  sslCertificates?: pulumi.Input<string>[];
  transform: GcpFleetTransforms;
}

export interface FleetFrontend {
  address: gcp.compute.GlobalAddress;
  urlMap: gcp.compute.URLMap;
  /** Port 80: forwards (no certificate) or only redirects to HTTPS. */
  httpProxy: gcp.compute.TargetHttpProxy;
  httpForwardingRule: gcp.compute.GlobalForwardingRule;
  redirectUrlMap?: gcp.compute.URLMap;
  httpsProxy?: gcp.compute.TargetHttpsProxy;
  httpsForwardingRule?: gcp.compute.GlobalForwardingRule;
  certificate?: gcp.compute.ManagedSslCertificate;
  sslPolicy?: gcp.compute.SSLPolicy;
}

/**
 * The global external Application Load Balancer's front: one global IPv4 address, port 443
 * (target HTTPS proxy with the certificate and a `MODERN` + TLS 1.2 SSL policy) and port 80, which
 * only redirects (301) to HTTPS, or serves plain HTTP when there is no certificate. Both
 * forwarding rules set `EXTERNAL_MANAGED` explicitly: the provider's default is still the classic
 * `EXTERNAL`, which would pair a classic front with the managed backend service.
 */
export function createFrontend(
  name: string,
  o: FrontendOptions,
  parent: pulumi.Resource,
): FleetFrontend {
  const address = new gcp.compute.GlobalAddress(
    `${name}-ip`,
    { project: o.project, ipVersion: "IPV4", description: "Socket.IO fleet (socketio-fleet)" },
    { parent },
  );
  const urlMapArgs: gcp.compute.URLMapArgs = {
    project: o.project,
    description: "Socket.IO fleet: everything to the backend service",
    defaultService: o.backendServiceId,
  };
  o.transform.urlMap?.(urlMapArgs);
  const urlMap = new gcp.compute.URLMap(`${name}-urlmap`, urlMapArgs, { parent });
  const forwardingRule = (port: 80 | 443, target: pulumi.Input<string>) =>
    new gcp.compute.GlobalForwardingRule(
      `${name}-${port === 443 ? "https" : "http"}`,
      {
        project: o.project,
        ipAddress: address.id,
        ipProtocol: "TCP",
        portRange: String(port),
        loadBalancingScheme: "EXTERNAL_MANAGED",
        target,
      },
      { parent },
    );

  const tls = o.domains.length > 0 || (o.sslCertificates ?? []).length > 0;
  if (!tls) {
    const httpProxy = new gcp.compute.TargetHttpProxy(
      `${name}-http-proxy`,
      { project: o.project, urlMap: urlMap.id, httpKeepAliveTimeoutSec: CLIENT_KEEPALIVE_SECONDS },
      { parent },
    );
    const httpForwardingRule = forwardingRule(80, httpProxy.id);
    return { address, urlMap, httpProxy, httpForwardingRule };
  }

  // Auto-named, so a change of domains creates the new certificate before deleting the old one.
  const certificate =
    o.sslCertificates === undefined
      ? new gcp.compute.ManagedSslCertificate(
          `${name}-cert`,
          { project: o.project, type: "MANAGED", managed: { domains: o.domains } },
          { parent },
        )
      : undefined;
  const sslPolicyArgs: gcp.compute.SSLPolicyArgs = {
    project: o.project,
    description: "Socket.IO fleet: TLS 1.2+, modern ciphers",
    profile: "MODERN",
    minTlsVersion: "TLS_1_2",
  };
  o.transform.sslPolicy?.(sslPolicyArgs);
  const sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, sslPolicyArgs, { parent });
  const httpsProxy = new gcp.compute.TargetHttpsProxy(
    `${name}-https-proxy`,
    {
      project: o.project,
      urlMap: urlMap.id,
      sslCertificates: certificate === undefined ? o.sslCertificates : [certificate.id],
      sslPolicy: sslPolicy.id,
      httpKeepAliveTimeoutSec: CLIENT_KEEPALIVE_SECONDS,
    },
    { parent },
  );
  const httpsForwardingRule = forwardingRule(443, httpsProxy.id);

  const redirectArgs: gcp.compute.URLMapArgs = {
    project: o.project,
    description: "Socket.IO fleet: port 80 redirects to HTTPS",
    defaultUrlRedirect: {
      httpsRedirect: true,
      redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT",
      stripQuery: false,
    },
  };
  o.transform.urlMap?.(redirectArgs);
  const redirectUrlMap = new gcp.compute.URLMap(`${name}-redirect`, redirectArgs, { parent });
  const httpProxy = new gcp.compute.TargetHttpProxy(
    `${name}-http-proxy`,
    {
      project: o.project,
      urlMap: redirectUrlMap.id,
      httpKeepAliveTimeoutSec: CLIENT_KEEPALIVE_SECONDS,
    },
    { parent },
  );
  const httpForwardingRule = forwardingRule(80, httpProxy.id);
  return {
    address,
    urlMap,
    httpProxy,
    httpForwardingRule,
    redirectUrlMap,
    httpsProxy,
    httpsForwardingRule,
    certificate,
    sslPolicy,
  };
}
