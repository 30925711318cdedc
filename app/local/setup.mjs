// The set-up step of `npm start` and `npm test`, in plain Node.js (no dependency, no TypeScript:
// it runs before either is installed). Idempotent, and fast when nothing is missing:
// 1. `npm ci` when node_modules is absent or does not match package-lock.json;
// 2. the build (`tsc -p tsconfig.build.json`) when a source file changed since the last one;
// 3. for `test`: the Debian packages the end-to-end tests run for real, installed with apt-get
//    when running as root on Debian, else it stops with the exact command to run.
// Usage: node app/local/setup.mjs start|test
/* global process, console */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const STAMP = join(ROOT, "dist", ".build-stamp");
/** What tsconfig.build.json compiles, plus the files that change its output. */
const BUILD_INPUTS = ["components", "app/src", "app/local", "test/bench", "test/helpers"];
const BUILD_CONFIG = ["tsconfig.json", "tsconfig.build.json", "package-lock.json"];
/**
 * Debian packages of the programs the end-to-end tests start (git for the fresh clone, python3 for
 * the Python example's check; prometheus, with promtool, and the redis exporter for the alert
 * rules' tests and `npm start -- --monitoring`).
 */
const TEST_PACKAGES = [
  "redis-server",
  "haproxy",
  "nginx",
  "apache2",
  "chromium",
  "openssl",
  "ca-certificates",
  "git",
  "python3",
  "prometheus",
  "prometheus-redis-exporter",
];

const mode = process.argv[2];
if (mode !== "start" && mode !== "test") {
  console.error("usage: node app/local/setup.mjs start|test");
  process.exit(2);
}
const done = [];
if (mode === "test") installTestPackages();
installDependencies();
build();
console.log(done.length === 0 ? "setup: nothing to do" : `setup: ${done.join(", ")}`);

function installDependencies() {
  const problem = dependencyProblem();
  if (problem === undefined) return;
  console.log(`setup: ${problem}: npm ci`);
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  done.push("dependencies installed");
}

/** Why node_modules does not match the lockfile, or undefined when it does. */
function dependencyProblem() {
  const hiddenLock = join(ROOT, "node_modules", ".package-lock.json");
  if (!existsSync(join(ROOT, "node_modules"))) return "node_modules is missing";
  if (!existsSync(hiddenLock)) return "node_modules was not installed by npm";
  const wanted = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")).packages;
  const installed = JSON.parse(readFileSync(hiddenLock, "utf8")).packages;
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === "" || entry.link === true) continue;
    const have = installed[path];
    // Optional packages for other platforms are in the lockfile but never installed.
    if (have === undefined && (entry.optional === true || entry.devOptional === true)) continue;
    if (have?.version !== entry.version) {
      return `${path} is ${have?.version ?? "missing"}, package-lock.json wants ${entry.version}`;
    }
  }
  return undefined;
}

function build() {
  const hash = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, "utf8") === hash) return;
  console.log("setup: sources changed since the last build: tsc -p tsconfig.build.json");
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  run(process.execPath, [tsc, "-p", "tsconfig.build.json"]);
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  writeFileSync(STAMP, hash);
  done.push("built");
}

/** A hash of every build input's path and content. */
function sourceHash() {
  const hash = createHash("sha256");
  const files = [...BUILD_CONFIG, ...BUILD_INPUTS.flatMap((dir) => tsFiles(dir))].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    if (existsSync(join(ROOT, file))) hash.update(readFileSync(join(ROOT, file)));
  }
  return hash.digest("hex");
}

function tsFiles(dir) {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(ROOT.length + 1));
}

function installTestPackages() {
  if (!existsSync("/etc/debian_version")) {
    console.error(
      `setup: not Debian: install ${TEST_PACKAGES.join(", ")} with your package manager, then run npm test again`,
    );
    process.exit(1);
  }
  const missing = TEST_PACKAGES.filter((p) => !debianPackageInstalled(p));
  if (missing.length === 0) return;
  const command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing];
  if (process.getuid?.() !== 0) {
    console.error(`setup: the end-to-end tests need: sudo ${command.join(" ")}`);
    process.exit(1);
  }
  console.log(`setup: installing ${missing.join(" ")}`);
  // Package scripts must not start system services (nginx and apache2 would fight over :80):
  // policy-rc.d exit 101 = "action forbidden" (Debian's invoke-rc.d policy interface).
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    run("apt-get", ["update", "-qq"], env);
    run(command[0], command.slice(1), env);
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  done.push(`installed ${missing.join(" ")}`);
}

function debianPackageInstalled(name) {
  try {
    const status = execFileSync("dpkg-query", ["-W", "-f=${Status}", name], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    return status.toString().includes("install ok installed");
  } catch {
    return false;
  }
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`setup: ${command} ${args.join(" ")} failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}
