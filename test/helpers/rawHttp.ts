/** Raw HTTP probes for what a browser would send: Origin headers and websocket upgrades. */
import { request } from "node:http";
import { randomBytes } from "node:crypto";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET with the given headers; the whole body is read. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await fetch(url, { headers });
  const out: RawResponse["headers"] = {};
  res.headers.forEach((value, key) => (out[key] = value));
  out["set-cookie"] = res.headers.getSetCookie();
  return { status: res.status, headers: out, body: await res.text() };
}

/**
 * Attempts a websocket upgrade; resolves with 101 when the server switches protocols (the
 * socket is then closed), or with the HTTP status it answered instead.
 */
export function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
        ...headers,
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The engine.io session id from a polling handshake body (`0{"sid":…}`). */
export function sidOf(handshakeBody: string): string {
  const sid = (JSON.parse(handshakeBody.slice(1)) as { sid?: string }).sid;
  if (sid === undefined) throw new Error(`no sid in ${handshakeBody}`);
  return sid;
}
