/**
 * The README's two commands on a fresh clone: `git clone` into a temp dir (no node_modules, no
 * dist), then `npm start`: its set-up step installs the dependencies from the lockfile and
 * builds, and the fleet comes up and answers `/healthz`; run again, the set-up step does nothing.
 * Slow by nature (a whole `npm ci`, from npm's cache when warm).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireBinary } from "../../helpers/binaries";
import { REPO_ROOT } from "../../helpers/fleet";
import { freePort } from "../../helpers/ports";
import { start, stopAll, waitFor, waitForHttp } from "../../helpers/processes";
import { requireProxy } from "../../helpers/proxies";

/** `npm ci` of this project (455 MB of node_modules) plus a build, on 2 shared cores. */
const FIRST_START_TIMEOUT_MS = 10 * 60_000;

describe("fresh clone: npm start sets itself up", function () {
  this.timeout(FIRST_START_TIMEOUT_MS + 120_000);
  let clone: string;
  after(async () => {
    await stopAll();
    if (clone !== undefined) rmSync(clone, { recursive: true, force: true });
  });

  it("npm start installs, builds, serves /healthz; the set-up step then does nothing", async function () {
    requireBinary(this, "git");
    requireBinary(this, "redis-server");
    requireProxy(this, "haproxy");
    clone = mkdtempSync(join(tmpdir(), "sio-fresh-clone-"));
    execFileSync("git", ["clone", "--quiet", REPO_ROOT, clone], { stdio: "ignore" });
    assert.ok(!existsSync(join(clone, "node_modules")), "a clone has no node_modules");
    assert.ok(!existsSync(join(clone, "dist")), "a clone has no dist");

    const port = await freePort();
    const env = { ...process.env, npm_config_prefer_offline: "true" };
    const fleet = start(
      "npm-start",
      "npm",
      ["start", "--", "--port", String(port), "--nodes", "2"],
      {
        cwd: clone,
        env,
      },
    );
    // `close` comes after every process holding the output pipe has exited: npm, sh and the
    // launcher. npm can exit on SIGTERM before the launcher has written its shutdown line, so
    // `exited` (npm's own exit) is too early to read the output.
    const outputClosed = once(fleet.child, "close");
    const url = `http://127.0.0.1:${port}/`;
    await waitFor(
      "npm start to print its URL",
      () => fleet.output().includes(`URL            ${url}`),
      {
        timeoutMs: FIRST_START_TIMEOUT_MS,
        intervalMs: 500,
        watch: fleet,
      },
    );
    const output = fleet.output();
    assert.match(output, /setup: node_modules is missing: npm ci/);
    assert.match(output, /setup: dependencies installed, built/);
    await waitForHttp(`${url}healthz`);
    // Ctrl-C in a terminal signals the whole foreground process group: npm, sh and the launcher.
    await fleet.stop("SIGTERM", 30_000);
    await outputClosed;
    assert.match(fleet.output(), /received SIGTERM; stopping \d+ processes/);

    const again = start("setup-again", process.execPath, ["app/local/setup.mjs", "start"], {
      cwd: clone,
      env,
    });
    assert.equal(await again.exited, 0, again.output());
    assert.equal(again.output().trim(), "setup: nothing to do");
  });
});
