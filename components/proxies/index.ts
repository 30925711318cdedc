/** Pure renderers of self-hosted load-balancer configuration for a resolved fleet spec. */
export { renderHaproxyConfig, type HaproxyRenderOptions } from "./haproxy";
export { renderNginxConfig, type NginxRenderOptions } from "./nginx";
export { APACHE_MODULES, renderApacheConfig, type ApacheRenderOptions } from "./apache";
export { renderTraefikConfig, type TraefikRenderOptions } from "./traefik";
export {
  PROXY_HEALTH_PATH,
  PROXY_UPSTREAM_IDLE_SECONDS,
  proxyBackendReuseSeconds,
  proxyCookieName,
  proxyNodeKeepAliveMs,
} from "./common";
export {
  ProxyConfigError,
  type ListenAddress,
  type ProxyNode,
  type ProxyRenderOptions,
} from "./types";
