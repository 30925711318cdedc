/**
 * A real redis-server on a loopback port of its own, with a password (as in production) and
 * optionally TLS with a throw-away CA, no persistence: the local fleet engine's Redis
 * (`app/local/redis.ts`) under `restart: "never"`, so a test decides when it comes back.
 * `restart()` keeps port and password.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type RedisOptions, type RedisService, redisService } from "../../app/local/redis";
import { freePort } from "./ports";
import type { ManagedProcess } from "./processes";

export interface RedisServer {
  port: number;
  password: string;
  /** `redis://` or `rediss://` URL with the password. */
  url: string;
  /** With TLS: the CA certificate (PEM) that signed the server certificate. */
  caFile?: string;
  /** The current run. */
  readonly process: ManagedProcess;
  stop(): Promise<void>;
  restart(downtimeMs?: number): Promise<void>;
}

/** What `startRedis` takes beyond the binary (the engine's TLS and config options). */
export type RedisServerOptions = Pick<RedisOptions, "tls" | "certificates" | "extraConfig">;

export async function startRedis(
  binary: string,
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  const service = redisService({
    binary,
    dir: mkdtempSync(join(tmpdir(), "sio-redis-")),
    port: await freePort(),
    ...options,
    restart: "never",
  });
  service.process.start();
  await service.process.whenReady();
  return redisServerOf(service);
}

/** The test view of an engine Redis (also the one a `LocalFleet` runs). */
export function redisServerOf(service: RedisService): RedisServer {
  return {
    port: service.port,
    password: service.password,
    url: service.url,
    caFile: service.caFile,
    get process() {
      const run = service.process.run;
      if (run === undefined) throw new Error("redis-server was never started");
      return run;
    },
    async stop() {
      await service.process.stop("SIGTERM");
    },
    async restart(downtimeMs = 0) {
      await service.process.stop("SIGTERM");
      if (downtimeMs > 0) await sleep(downtimeMs);
      service.process.start();
      await service.process.whenReady();
    },
  };
}
