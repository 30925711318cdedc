/** Small loopback probes the engine waits on: free ports, open ports, HTTP 200. */
import { connect, createServer } from "node:net";

/** Everything the local fleet runs listens on loopback. */
export const HOST = "127.0.0.1";

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

/**
 * The ports `freePort` draws from: below the kernel's ephemeral range (Linux's
 * `ip_local_port_range` starts at 32768), so no outgoing connection of a busy test run takes a port
 * between the moment it is chosen and the moment a spawned node binds it. Letting the OS pick
 * (`listen(0)`) returned ephemeral ports, and once in a full run a client socket took one first:
 * a node died with `EADDRINUSE`.
 */
export const FREE_PORT_RANGE = { min: 20000, max: 32767 } as const;

/** Ports handed out by this process, never handed out twice (unless the range runs out). */
const issued = new Set<number>();

/** A TCP port that was free on `host` a moment ago, outside the ephemeral range. */
export async function freePort(host = HOST): Promise<number> {
  const { min, max } = FREE_PORT_RANGE;
  if (issued.size > (max - min) / 2) issued.clear();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    if (issued.has(port)) continue;
    if (await canListen(port, host)) {
      issued.add(port);
      return port;
    }
  }
  throw new Error(`no free port from ${min} to ${max} on ${host} after 200 tries`);
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
