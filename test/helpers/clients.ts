/**
 * Socket.IO clients for end-to-end tests: each with its own cookie jar (`withCredentials: true`,
 * as the Node client keeps cookies only then), optionally bound to a source address (nginx hashes
 * the client address), plus exact delivery counting.
 */
import { Agent } from "node:http";
import { io, type Socket } from "socket.io-client";
import { waitFor } from "./processes";

export interface ClientOptions {
  transports?: ("polling" | "websocket")[];
  /** Source address to bind (e.g. 127.0.1.1), so client-IP hashing sees distinct clients. */
  localAddress?: string;
  extraHeaders?: Record<string, string>;
}

const open = new Set<Socket>();

/** Connects and resolves once connected; rejects with the connect error otherwise. */
export async function connectClient(url: string, options: ClientOptions = {}): Promise<Socket> {
  const socket = io(url, {
    transports: options.transports ?? ["polling", "websocket"],
    withCredentials: true,
    forceNew: true,
    reconnection: false,
    timeout: 10_000,
    extraHeaders: options.extraHeaders,
    // The client types say string | boolean; engine.io-client hands any http.Agent to its
    // XMLHttpRequest and ws transports.
    ...(options.localAddress
      ? { agent: new Agent({ localAddress: options.localAddress }) as unknown as string }
      : {}),
  });
  open.add(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => reject(err));
  });
  return socket;
}

/** The node a client's session lives on (the demo protocol's `whoami`). */
export async function whoami(socket: Socket): Promise<string> {
  const reply = (await socket.timeout(5000).emitWithAck("whoami")) as { nodeId: string };
  return reply.nodeId;
}

/** Closes every client opened through `connectClient`. */
export function closeAllClients(): void {
  for (const socket of open) socket.disconnect();
  open.clear();
}

/**
 * Connects clients until one sits on each of `nodeCount` nodes (at most `maxClients` tries);
 * `optionsFor(i)` gives the i-th client's options (e.g. a distinct source address). Returns one
 * client per node, keyed by node id; the extra clients are closed.
 */
export async function clientPerNode(
  url: string,
  nodeCount: number,
  optionsFor: (i: number) => ClientOptions,
  maxClients = 24,
): Promise<Map<string, Socket>> {
  const pinned = new Map<string, Socket>();
  for (let i = 0; i < maxClients && pinned.size < nodeCount; i++) {
    const socket = await connectClient(url, optionsFor(i));
    const node = await whoami(socket);
    if (pinned.has(node)) socket.disconnect();
    else pinned.set(node, socket);
  }
  if (pinned.size < nodeCount) {
    throw new Error(`${maxClients} clients reached only ${[...pinned.keys()].join(", ")}`);
  }
  return pinned;
}

/** Records every `message` a client receives. */
export function recordMessages(socket: Socket): { nodeId: string; payload: unknown }[] {
  const received: { nodeId: string; payload: unknown }[] = [];
  socket.on("message", (m: { nodeId: string; payload: unknown }) => received.push(m));
  return received;
}

/**
 * Waits until `count()` reaches `expected`, then waits `settleMs` more and checks it did not
 * exceed it: too many deliveries fail as well as too few.
 */
export async function expectExactly(
  what: string,
  count: () => number,
  expected: number,
  settleMs = 300,
): Promise<void> {
  await waitFor(`${what} to reach ${expected} (now ${count()})`, () => count() >= expected, {
    timeoutMs: 10_000,
  });
  await new Promise((r) => setTimeout(r, settleMs));
  const final = count();
  if (final !== expected) throw new Error(`${what}: expected exactly ${expected}, got ${final}`);
}
