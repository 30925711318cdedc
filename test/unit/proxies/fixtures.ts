import type { SocketIoFleetArgs } from "../../../components/shared/args";
import { resolveFleetSpec } from "../../../components/shared";

export const nodes = [1, 2, 3].map((i) => ({
  name: `node-${i}`,
  host: "127.0.0.1",
  port: 4000 + i,
}));
export const listen = { host: "127.0.0.1", port: 8080 };

export function spec(args: Partial<SocketIoFleetArgs> = {}) {
  return resolveFleetSpec({ image: "app:1", ...args });
}

/** The trimmed lines of a config, for exact line assertions. */
export function lines(text: string): string[] {
  return text.split("\n").map((l) => l.trim());
}
