/** Raw engine.io HTTP exchanges, for asserting status codes and bodies the client library hides. */
import { request } from "node:http";

export interface RawResponse {
  status: number;
  body: string;
  setCookie: string[];
}

export function get(
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const method = body === undefined ? "GET" : "POST";
    const req = request(url, { method, headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body, setCookie: res.headers["set-cookie"] ?? [] }),
      );
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** An engine.io v4 polling handshake: the session id and the cookies the proxy set. */
export async function handshake(base: string): Promise<{ sid: string; cookies: string[] }> {
  const res = await get(`${base}/socket.io/?EIO=4&transport=polling`);
  if (res.status !== 200) throw new Error(`handshake: HTTP ${res.status} ${res.body}`);
  const open = JSON.parse(res.body.slice(1)) as { sid: string };
  return { sid: open.sid, cookies: res.setCookie.map((c) => c.split(";")[0]) };
}

/**
 * A polling request of an open session (the kind that needs stickiness): a GET, or with `body` a
 * POST of packets (`"40"` is Socket.IO's CONNECT: answered at once, where a GET with nothing
 * to deliver is held until the next ping).
 */
export function poll(
  base: string,
  sid: string,
  cookies: string[] = [],
  body?: string,
): Promise<RawResponse> {
  const headers: Record<string, string> = cookies.length ? { cookie: cookies.join("; ") } : {};
  if (body !== undefined) headers["content-type"] = "text/plain;charset=UTF-8";
  return get(`${base}/socket.io/?EIO=4&transport=polling&sid=${sid}`, headers, body);
}

/**
 * A websocket upgrade request with `origin`; resolves with the status the server answered
 * (101 when it switched protocols).
 */
export function upgradeStatus(base: string, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/socket.io/?EIO=4&transport=websocket`, {
      agent: false,
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        Origin: origin,
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    req.setTimeout(10_000, () => req.destroy(new Error("no answer to the upgrade")));
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

export const SESSION_ID_UNKNOWN = '{"code":1,"message":"Session ID unknown"}';
