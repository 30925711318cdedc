import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PreparedRedis {
  configFile: string;
  password: string;
  url: string;
}

/**
 * A redis-server config in `dir`: loopback only, a random password, no persistence. The config
 * file (mode 600) keeps the password out of the process list.
 */
export function prepareRedis(dir: string, port: number): PreparedRedis {
  const password = randomBytes(16).toString("hex");
  const configFile = join(dir, "redis.conf");
  const lines = [
    "bind 127.0.0.1",
    `port ${port}`,
    `dir ${dir}`,
    'save ""',
    "appendonly no",
    `requirepass ${password}`,
    "daemonize no",
    "protected-mode yes",
  ];
  writeFileSync(configFile, lines.join("\n") + "\n", { mode: 0o600 });
  return { configFile, password, url: `redis://:${password}@127.0.0.1:${port}` };
}
