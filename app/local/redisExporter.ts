/**
 * Debian's `prometheus-redis-exporter` for the fleet's redis-server, as a supervised process on a
 * loopback port of its own: the Redis memory alert reads its `redis_memory_used_bytes` and
 * `redis_memory_max_bytes`. The password goes in its environment (`REDIS_PASSWORD`, which the
 * exporter reads for `-redis.password`), never on its command line, where `ps` would show it.
 */
import { HOST, httpOk } from "./probes";
import type { RedisService } from "./redis";
import { type RestartPolicy, SupervisedProcess } from "./supervisor";

export interface RedisExporterOptions {
  binary: string;
  redis: Pick<RedisService, "port" | "password" | "caFile">;
  port: number;
  restart: RestartPolicy;
  logFile?: string;
}

export interface RedisExporterService {
  port: number;
  /** `host:port`, the Prometheus target. */
  address: string;
  process: SupervisedProcess;
}

export function redisExporterService(options: RedisExporterOptions): RedisExporterService {
  const { redis } = options;
  const scheme = redis.caFile === undefined ? "redis" : "rediss";
  const address = `${HOST}:${options.port}`;
  const process = new SupervisedProcess({
    name: "redis-exporter",
    kind: "monitoring",
    restart: options.restart,
    launch: () => ({
      command: options.binary,
      args: [
        `-redis.addr=${scheme}://${HOST}:${redis.port}`,
        `-web.listen-address=${address}`,
        "-redis-only-metrics",
        ...(redis.caFile === undefined ? [] : [`-tls-ca-cert-file=${redis.caFile}`]),
      ],
      env: { ...globalThis.process.env, REDIS_PASSWORD: redis.password },
      logFile: options.logFile,
    }),
    ready: () => httpOk(`http://${address}/metrics`),
  });
  return { port: options.port, address, process };
}
