import { findBinary } from "../../app/local/binaries";

/** Absolute path of `name` on PATH (also /usr/sbin, where Debian puts daemons), or undefined. */
export { findBinary };

/**
 * The binary a suite needs. Missing: under `CI=true` the suite fails (CI must install it);
 * elsewhere the suite is skipped with the reason, so a laptop without HAProxy still runs the rest.
 */
export function requireBinary(ctx: Mocha.Context, name: string, debianPackage = name): string {
  const found = findBinary(name);
  if (found) return found;
  const message = `${name} is not installed (apt-get install ${debianPackage})`;
  if (process.env.CI === "true") throw new Error(`${message}: CI must install it`);
  ctx.skip();
  throw new Error(message); // unreachable: skip() throws
}
