/**
 * `npm start` (the compiled launcher `dist/app/local/localFleet.js`) as a user runs it: the URL it
 * prints serves the demo page and Socket.IO through the proxy with sessions on every node; SIGTERM
 * (or, under `--restart never`, the crash of a child) leaves no process behind; without
 * redis-server and the proxy it falls back to cluster mode on the same port.
 */
import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProxyKind } from "../../app/local/proxyProcess";
import { requireBinary } from "../helpers/binaries";
import {
  type ClientOptions,
  clientPerNode,
  closeAllClients,
  expectExactly,
  recordMessages,
} from "../helpers/clients";
import { REPO_ROOT, terminate } from "../helpers/fleet";
import { freePort } from "../helpers/ports";
import { type ManagedProcess, start, stopAll, waitFor } from "../helpers/processes";
import { requireProxy } from "../helpers/proxies";

const LAUNCHER = join(REPO_ROOT, "dist", "app", "local", "localFleet.js");

interface Launched {
  process: ManagedProcess;
  url: string;
  /** Every pid the launcher printed (each the leader of a process group of its own). */
  pids: Map<string, number>;
}

async function launch(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Launched> {
  if (!existsSync(LAUNCHER)) throw new Error(`${LAUNCHER} is missing: run \`npm run build\``);
  const port = await freePort();
  const proc = start("localFleet", process.execPath, [LAUNCHER, "--port", String(port), ...args], {
    env,
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitFor(
    `the launcher to print its URL`,
    () => proc.output().includes(`URL            ${url}`),
    {
      timeoutMs: 30_000,
      watch: proc,
    },
  );
  const pids = new Map<string, number>();
  for (const m of proc.output().matchAll(/^ {2}(\S+)\s+pid (\d+)/gm)) pids.set(m[1], Number(m[2]));
  return { process: proc, url, pids };
}

/** Pids of the live processes whose process group is one of `groups` (zombies excluded). */
function processesInGroups(groups: Iterable<number>): number[] {
  const wanted = new Set(groups);
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const [state, , pgid] = fields;
      if (state !== "Z" && wanted.has(Number(pgid))) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

async function stopAndCheckNothingLeft(fleet: Launched, expectedExit: number | string = 0) {
  assert.ok(processesInGroups(fleet.pids.values()).length >= fleet.pids.size);
  const code = await terminate(fleet.process, "SIGTERM", 30_000);
  assert.equal(code, expectedExit, fleet.process.output());
  assert.deepEqual(processesInGroups(fleet.pids.values()), [], "processes left behind");
}

async function broadcastCrossesNodes(
  url: string,
  nodeCount: number,
  options: (i: number) => ClientOptions,
) {
  const clients = await clientPerNode(url, nodeCount, options);
  const inboxes = [...clients.values()].map((socket) => recordMessages(socket));
  const [, sender] = [...clients][0];
  sender.emit("message", "across the fleet");
  for (const inbox of inboxes) await expectExactly("deliveries", () => inbox.length, 1);
  return [...clients.keys()];
}

describe("local fleet (npm start)", function () {
  this.timeout(90_000);
  afterEach(async () => {
    closeAllClients();
    await stopAll();
  });

  const topologies: {
    proxy: ProxyKind;
    adapter?: string;
    options: (i: number) => ClientOptions;
  }[] = [
    { proxy: "haproxy", options: () => ({ transports: ["polling"] }) },
    { proxy: "haproxy", adapter: "redis-streams", options: () => ({}) },
    {
      proxy: "nginx",
      options: (i) => ({ transports: ["polling"], localAddress: `127.0.${i + 1}.1` }),
    },
    { proxy: "apache", options: () => ({ transports: ["polling"] }) },
  ];
  for (const { proxy, adapter = "redis", options } of topologies) {
    it(`--proxy ${proxy} --adapter ${adapter}: serves the demo page and Socket.IO on 3 nodes; SIGTERM leaves nothing running`, async function () {
      requireBinary(this, "redis-server");
      requireProxy(this, proxy);
      const fleet = await launch(["--proxy", proxy, "--adapter", adapter, "--nodes", "3"]);
      assert.match(
        fleet.process.output(),
        new RegExp(`3 nodes behind ${proxy} .*, ${adapter} adapter`),
      );
      assert.deepEqual(
        [...fleet.pids.keys()],
        ["redis-server", "node-1", "node-2", "node-3", proxy],
      );
      const page = await fetch(fleet.url);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<ul id="messages">/);
      const nodes = await broadcastCrossesNodes(fleet.url, 3, options);
      assert.deepEqual(nodes.sort(), ["node-1", "node-2", "node-3"]);
      closeAllClients();
      await stopAndCheckNothingLeft(fleet);
    });
  }

  it("with redis-server but without the chosen proxy: cluster mode, and says what to install", async function () {
    const bin = mkdtempSync(join(tmpdir(), "sio-only-redis-"));
    symlinkSync(requireBinary(this, "redis-server"), join(bin, "redis-server"));
    const fleet = await launch(["--proxy", "nginx", "--nodes", "2"], {
      ...process.env,
      SOCKETIO_FLEET_BIN_PATH: bin,
    });
    assert.match(fleet.process.output(), /nginx not installed: cluster mode instead/);
    assert.match(fleet.process.output(), /apt-get install redis-server nginx/);
    await stopAndCheckNothingLeft(fleet);
  });

  it("--monitoring: Prometheus and the redis exporter run with the fleet, their URL printed; SIGTERM leaves nothing running", async function () {
    requireBinary(this, "redis-server");
    requireProxy(this, "haproxy");
    requireBinary(this, "prometheus");
    requireBinary(this, "prometheus-redis-exporter");
    const fleet = await launch(["--nodes", "2", "--monitoring", "--alert-time-scale", "0.1"]);
    assert.deepEqual(
      [...fleet.pids.keys()],
      ["redis-server", "node-1", "node-2", "haproxy", "redis-exporter", "prometheus"],
    );
    const prometheus =
      /prometheus +pid \d+ +(http:\/\/127\.0\.0\.1:\d+)\/alerts +\(alert durations × 0\.1\)/.exec(
        fleet.process.output(),
      );
    assert.ok(prometheus, fleet.process.output());
    assert.equal((await fetch(`${prometheus[1]}/-/ready`)).status, 200);
    await stopAndCheckNothingLeft(fleet);
  });

  it("--monitoring without prometheus: stops with the apt-get command", async function () {
    const bin = mkdtempSync(join(tmpdir(), "sio-no-prometheus-"));
    symlinkSync(requireBinary(this, "redis-server"), join(bin, "redis-server"));
    const proc = start("localFleet", process.execPath, [LAUNCHER, "--monitoring"], {
      env: { ...process.env, SOCKETIO_FLEET_BIN_PATH: bin },
    });
    assert.equal(await proc.exited, 2);
    assert.match(
      proc.output(),
      /--monitoring: prometheus and prometheus-redis-exporter not installed; install with:\n {2}sudo apt-get install --no-install-recommends prometheus prometheus-redis-exporter/,
    );
  });

  it("refuses a --proxy-bin that is not an executable", async () => {
    const proc = start("localFleet", process.execPath, [
      LAUNCHER,
      "--proxy-bin",
      "/nonexistent/haproxy",
    ]);
    assert.equal(await proc.exited, 2);
    assert.match(proc.output(), /--proxy-bin \/nonexistent\/haproxy: not an executable file/);
  });

  it("--restart never: a crashed node stops the whole fleet, and nothing is left running", async function () {
    requireBinary(this, "redis-server");
    requireProxy(this, "haproxy");
    const fleet = await launch(["--nodes", "2", "--restart", "never"]);
    process.kill(fleet.pids.get("node-2") as number, "SIGKILL");
    const code = await fleet.process.exited;
    assert.equal(code, 1);
    assert.match(fleet.process.output(), /node-2 \(pid \d+\) exited \(SIGKILL\)/);
    assert.deepEqual(processesInGroups(fleet.pids.values()), [], "processes left behind");
  });

  it("without redis-server and the proxy: cluster mode on the same port, broadcasts cross workers", async () => {
    const empty = mkdtempSync(join(tmpdir(), "sio-no-bin-"));
    const fleet = await launch(["--nodes", "3"], {
      ...process.env,
      SOCKETIO_FLEET_BIN_PATH: empty,
    });
    const output = fleet.process.output();
    assert.match(output, /redis-server and haproxy not installed: cluster mode instead/);
    assert.match(output, /apt-get install redis-server haproxy/);
    assert.deepEqual([...fleet.pids.keys()], ["cluster"]);
    const page = await fetch(fleet.url);
    assert.equal(page.status, 200);
    const workers = await broadcastCrossesNodes(fleet.url, 3, () => ({ transports: ["polling"] }));
    assert.equal(new Set(workers).size, 3);
    closeAllClients();
    await stopAndCheckNothingLeft(fleet);
  });
});
