import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Environment variable that replaces the search path for redis-server and the proxies (a
 * `PATH`-style list). Set it to an empty directory to force the cluster-mode fallback.
 */
export const BIN_PATH_ENV = "SOCKETIO_FLEET_BIN_PATH";

/**
 * Absolute path of an executable `name`: in `$SOCKETIO_FLEET_BIN_PATH` when set, else on `PATH`
 * plus /usr/sbin and /sbin (where Debian puts daemons). Undefined when not found.
 */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env[BIN_PATH_ENV];
  const dirs =
    override !== undefined
      ? override.split(delimiter)
      : [...(env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin"];
  return dirs
    .filter((d) => d !== "")
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
