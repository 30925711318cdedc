/**
 * Socket.IO clients that reconnect on their own (as browsers do), each with its own cookie jar,
 * counting every connect, disconnect (with its reason) and failed handshake, so a test can tell
 * a client that moved (disconnected, then connected again) from one that was lost.
 */
import { io, type Socket } from "socket.io-client";
import { whoami } from "../../helpers/clients";

export interface TrackedClient {
  socket: Socket;
  /** `connect` events: 1 + reconnections. */
  connects: number;
  disconnects: { at: number; reason: string }[];
  /** `connect_error` messages: failed handshakes. */
  errors: string[];
  /** When each reconnection (connect after the first) happened. */
  reconnectedAt: number[];
}

const open = new Set<Socket>();

/** Connects one client (polling, then websocket) and resolves once connected. */
export async function trackedClient(url: string): Promise<TrackedClient> {
  const socket = io(url, {
    withCredentials: true,
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    timeout: 10_000,
  });
  open.add(socket);
  const client: TrackedClient = {
    socket,
    connects: 0,
    disconnects: [],
    errors: [],
    reconnectedAt: [],
  };
  socket.on("connect", () => {
    client.connects++;
    if (client.connects > 1) client.reconnectedAt.push(Date.now());
  });
  socket.on("disconnect", (reason) => client.disconnects.push({ at: Date.now(), reason }));
  socket.on("connect_error", (err) => client.errors.push(err.message));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not connected within 10 s: ${client.errors.join("; ")}`)),
      10_000,
    );
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return client;
}

/** `count` clients, one after the other. */
export async function trackedClients(url: string, count: number): Promise<TrackedClient[]> {
  const clients: TrackedClient[] = [];
  for (let i = 0; i < count; i++) clients.push(await trackedClient(url));
  return clients;
}

/** The node each client's session is on now. */
export function nodesOf(clients: TrackedClient[]): Promise<string[]> {
  return Promise.all(clients.map((c) => whoami(c.socket)));
}

export function closeTrackedClients(clients: Iterable<TrackedClient> = []): void {
  for (const c of clients) {
    c.socket.disconnect();
    open.delete(c.socket);
  }
}

export function closeAllTrackedClients(): void {
  for (const socket of open) socket.disconnect();
  open.clear();
}
