/** Structured JSON logs (pino) on stdout, every line tagged with the node id. */
import pino, { type Logger } from "pino";
import type { AppConfig } from "../../components/shared/appEnv";

export type { Logger };

/** A pino logger writing JSON lines to stdout, with `nodeId` on every line. */
export function createLogger(config: Pick<AppConfig, "nodeId" | "logLevel">): Logger {
  return pino({ level: config.logLevel, base: { nodeId: config.nodeId, pid: process.pid } });
}
