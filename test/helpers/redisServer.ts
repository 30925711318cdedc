/**
 * A real redis-server on a loopback port of its own, with a password (as in production) and
 * optionally TLS with a throw-away CA, no persistence. `restart()` keeps port and password.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Socket } from "node:net";
import { freePort } from "./ports";
import { type ManagedProcess, start, waitFor } from "./processes";

export interface RedisServer {
  port: number;
  password: string;
  /** `redis://` or `rediss://` URL with the password. */
  url: string;
  /** With TLS: the CA certificate (PEM) that signed the server certificate. */
  caFile?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
  restart(downtimeMs?: number): Promise<void>;
}

export interface RedisServerOptions {
  tls?: boolean;
  /** With `tls`: these certificate files instead of a throw-away CA's. */
  certificates?: { certFile: string; keyFile: string; caFile: string };
  /** More redis.conf lines (e.g. `rename-command CLIENT ""`). */
  extraConfig?: string[];
}

export async function startRedis(
  binary: string,
  { tls = false, certificates, extraConfig = [] }: RedisServerOptions = {},
): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "sio-redis-"));
  const port = await freePort();
  const password = randomBytes(16).toString("hex");
  const lines = [
    "bind 127.0.0.1",
    `dir ${dir}`,
    'save ""',
    "appendonly no",
    `requirepass ${password}`,
    "daemonize no",
    "maxclients 10000",
  ];
  let caFile: string | undefined;
  if (tls) {
    caFile = certificates?.caFile ?? makeCertificates(dir);
    lines.push(
      "port 0",
      `tls-port ${port}`,
      `tls-cert-file ${certificates?.certFile ?? join(dir, "server.crt")}`,
      `tls-key-file ${certificates?.keyFile ?? join(dir, "server.key")}`,
      `tls-ca-cert-file ${caFile}`,
      "tls-auth-clients no",
    );
  } else {
    lines.push(`port ${port}`);
  }
  lines.push(...extraConfig);
  const config = join(dir, "redis.conf");
  writeFileSync(config, lines.join("\n") + "\n");

  const launch = async () => {
    const proc = start(`redis-server:${port}`, binary, [config]);
    await waitFor(`redis-server on ${port}`, () => canConnect(port), { watch: proc });
    return proc;
  };
  const server: RedisServer = {
    port,
    password,
    url: `${tls ? "rediss" : "redis"}://:${password}@127.0.0.1:${port}`,
    caFile,
    process: await launch(),
    async stop() {
      await server.process.stop("SIGTERM");
    },
    async restart(downtimeMs = 0) {
      await server.process.stop("SIGTERM");
      if (downtimeMs > 0) await new Promise((r) => setTimeout(r, downtimeMs));
      server.process = await launch();
    },
  };
  return server;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}

/** A CA and a server certificate for 127.0.0.1/localhost, made with openssl. Returns the CA path. */
function makeCertificates(dir: string): string {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  run([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=test-ca",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  ]);
  run([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  ]);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.ext",
    "-out",
    "server.crt",
  ]);
  return join(dir, "ca.crt");
}
