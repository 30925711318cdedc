/**
 * The fleet's redis-server as a supervised process: loopback only, a random password, no
 * persistence, optionally TLS with a throw-away CA (`redisTls.ts`). The config file (mode 600)
 * keeps the password out of the process list; a restart reuses port, password and config.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { HOST, canConnect } from "./probes";
import { makeRedisCertificates } from "./redisTls";
import { type RestartPolicy, SupervisedProcess } from "./supervisor";

export interface RedisOptions {
  binary: string;
  /** An empty directory of its own (config, certificates). */
  dir: string;
  port: number;
  tls?: boolean;
  /** With `tls`: these certificate files instead of a throw-away CA's. */
  certificates?: { certFile: string; keyFile: string; caFile: string };
  /** More redis.conf lines (e.g. `rename-command CLIENT ""`, as Memorystore blocks it). */
  extraConfig?: string[];
  restart: RestartPolicy;
  /** Appends redis-server's output here. */
  logFile?: string;
}

export interface RedisService {
  port: number;
  password: string;
  /** `redis://` or `rediss://` URL with the password (a secret: never log it). */
  url: string;
  /** With TLS: the CA certificate (PEM) that signed the server certificate. */
  caFile?: string;
  configFile: string;
  process: SupervisedProcess;
}

/**
 * redis-server's default `maxclients` is 10,000; the soak and bench runs open more adapter
 * connections than a laptop fleet, so it is stated rather than left to the FD limit.
 */
const MAX_CLIENTS = 10_000;

export function redisService(options: RedisOptions): RedisService {
  const password = randomBytes(16).toString("hex");
  const lines = [
    `bind ${HOST}`,
    `dir ${options.dir}`,
    'save ""',
    "appendonly no",
    `requirepass ${password}`,
    "daemonize no",
    "protected-mode yes",
    `maxclients ${MAX_CLIENTS}`,
  ];
  let caFile: string | undefined;
  if (options.tls === true) {
    const certs = options.certificates ?? makeRedisCertificates(options.dir);
    caFile = certs.caFile;
    lines.push(
      "port 0",
      `tls-port ${options.port}`,
      `tls-cert-file ${certs.certFile}`,
      `tls-key-file ${certs.keyFile}`,
      `tls-ca-cert-file ${certs.caFile}`,
      "tls-auth-clients no",
    );
  } else {
    lines.push(`port ${options.port}`);
  }
  lines.push(...(options.extraConfig ?? []));
  const configFile = join(options.dir, "redis.conf");
  writeFileSync(configFile, lines.join("\n") + "\n", { mode: 0o600 });
  const process = new SupervisedProcess({
    name: "redis-server",
    kind: "redis",
    restart: options.restart,
    launch: () => ({ command: options.binary, args: [configFile], logFile: options.logFile }),
    ready: () => canConnect(options.port),
  });
  const scheme = options.tls === true ? "rediss" : "redis";
  return {
    port: options.port,
    password,
    url: `${scheme}://:${password}@${HOST}:${options.port}`,
    caFile,
    configFile,
    process,
  };
}
