/**
 * The demo protocol (the demo page and the tests use these names):
 * - `whoami` with an ack → `{ nodeId }`;
 * - `message` with any JSON payload → broadcast to every client on every node (sender included)
 *   as `message` `{ nodeId, payload }`, where `nodeId` is the node the sender is connected to.
 */
import type { Server, Socket } from "socket.io";

export const DEMO_EVENTS = { whoami: "whoami", message: "message" } as const;

export interface DemoMessage {
  nodeId: string;
  payload: unknown;
}

export function installDemoProtocol(io: Server, nodeId: string): void {
  io.on("connection", (socket: Socket) => {
    socket.on(DEMO_EVENTS.whoami, (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack === "function") ack({ nodeId });
    });
    socket.on(DEMO_EVENTS.message, (payload: unknown) => {
      const message: DemoMessage = { nodeId, payload: payload ?? null };
      io.emit(DEMO_EVENTS.message, message);
    });
  });
}
