/** Where the compiled app entry points are, whether the engine runs from `dist/` or from source. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** The package root: the nearest directory above this file with a package.json. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** A compiled entry point of the app (`npm run build`); fails with how to build it when missing. */
export function appEntry(file: "main.js" | "cluster.js"): string {
  const entry = join(PACKAGE_ROOT, "dist", "app", "src", file);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  return entry;
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
