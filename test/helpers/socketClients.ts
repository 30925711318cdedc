/**
 * Socket.IO clients for end-to-end tests: connected (or failed) deterministically, all closed by
 * `closeClients()` (call it in an `afterEach`/`after` hook).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from "socket.io-client";

const open = new Set<Socket>();

export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** A client connected to `url` (rejects on `connect_error` or after `timeoutMs`). */
export function connectClient(
  url: string,
  options: ClientOptions = {},
  timeoutMs = 10_000,
): Promise<Socket> {
  const socket = io(url, { forceNew: true, reconnection: false, timeout: timeoutMs, ...options });
  open.add(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connection to ${url}`)), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** `whoami` with an ack: the node id the client is connected to. */
export async function whoami(socket: Socket, timeoutMs = 5000): Promise<string> {
  const reply = (await socket.timeout(timeoutMs).emitWithAck("whoami")) as { nodeId: string };
  return reply.nodeId;
}

/** Closes every client opened by `connectClient`. */
export function closeClients(): void {
  for (const socket of open) socket.disconnect();
  open.clear();
}
