/** Inputs every proxy renderer takes besides the resolved fleet spec. */

/** One Socket.IO node behind the proxy. `name` is its route: the sticky cookie's value. */
export interface ProxyNode {
  name: string;
  host: string;
  port: number;
}

/** Where the proxy listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

export interface ProxyRenderOptions {
  nodes: readonly ProxyNode[];
  listen: ListenAddress;
  /**
   * Whether the sticky cookie is for cross-site pages: `SameSite=None; Secure`. Browsers store a
   * `Secure` cookie only over HTTPS or from `localhost`/`127.0.0.1`, so a plain-HTTP front on
   * another host must serve same-site pages (set this to `false`) or terminate TLS.
   * @default servesCrossOrigin(spec) — pages on other origins need the cookie on their requests.
   */
  crossSiteCookie?: boolean;
}

/** A spec the proxy cannot serve, or bad node/listen addresses; the message names the field. */
export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProxyConfigError";
  }
}
