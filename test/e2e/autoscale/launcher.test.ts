/**
 * `npm start` with the autoscaler's flags: the launcher prints the capacity, the ceiling and the
 * derived scale-in period, scales out when clients pass the capacity and back in when they
 * leave, logging each decision; bad flags are refused together, naming each flag and value.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { requireBinary } from "../../helpers/binaries";
import { closeAllClients, connectClient } from "../../helpers/clients";
import { REPO_ROOT, terminate } from "../../helpers/fleet";
import { freePort } from "../../helpers/ports";
import { start, stopAll, waitFor } from "../../helpers/processes";
import { requireProxy } from "../../helpers/proxies";

const LAUNCHER = join(REPO_ROOT, "dist", "app", "local", "localFleet.js");

describe("npm start --autoscale", function () {
  this.timeout(90_000);
  afterEach(async () => {
    closeAllClients();
    await stopAll();
  });

  it("prints the capacity and the scale-in bound, scales out past the capacity and back in", async function () {
    requireBinary(this, "redis-server");
    requireProxy(this, "haproxy");
    if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run \`npm run build\``);
    const port = await freePort();
    const args = ["--port", String(port), "--nodes", "1", "--autoscale", "1:2"];
    args.push("--connections-per-node", "2", "--max-connections", "3", "--scale-in-window", "2");
    const proc = start("localFleet", process.execPath, [LAUNCHER, ...args]);
    const url = `http://127.0.0.1:${port}/`;
    await waitFor("the launcher's URL", () => proc.output().includes(url), {
      timeoutMs: 30_000,
      watch: proc,
    });
    const output = proc.output();
    assert.match(output, /autoscale {6}1–2 nodes on 2 clients per node, ceiling 3 \(503 above\)/);
    assert.match(
      output,
      /scale-in after 2 s low, one node per 32 s \(drain 2 s, ≤ 4 clients moved per minute\)/,
    );

    const clients = [];
    for (let i = 0; i < 3; i++) clients.push(await connectClient(url));
    await waitFor("a scale-out", () => /autoscale add node-2: 3 clients/.test(proc.output()), {
      timeoutMs: 30_000,
      watch: proc,
    });
    for (const c of clients) c.disconnect();
    await waitFor("a scale-in", () => /autoscale remove node-\d: 0 clients/.test(proc.output()), {
      timeoutMs: 30_000,
      watch: proc,
    });
    assert.equal(await terminate(proc, "SIGTERM", 30_000), 0, proc.output());
  });

  it("refuses bad capacity flags, every problem at once", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: "utf8", timeout: 20_000 });
    const bad = run("--nodes", "3", "--autoscale", "4:2", "--connections-per-node", "x");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--autoscale 4:2: must be MIN:MAX with 1 ≤ MIN ≤ MAX ≤ 32/);
    assert.match(bad.stderr, /--connections-per-node x: must be an integer from 1 to 1000000/);
    const outside = run("--nodes", "3", "--autoscale", "1:2");
    assert.match(outside.stderr, /--nodes 3 \(the initial count\) must be from 1 to 2/);
    const nginx = run("--proxy", "nginx", "--max-connections", "100");
    assert.equal(nginx.status, 2);
    assert.match(nginx.stderr, /--max-connections with --proxy nginx: nginx takes a node out/);
    const above = run("--connections-per-node", "500", "--max-connections", "100");
    assert.equal(above.status, 2);
    assert.match(
      above.stderr,
      /connectionsPerNode.*\(500\) is above .maxConnectionsPerNode. \(100\)/,
    );
  });
});
