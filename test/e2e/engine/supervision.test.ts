/**
 * The local fleet engine under `npm start`'s options (3 nodes, redis-server, HAProxy with the
 * sticky cookie, `restart: "always"`): what a newcomer does first, kill things, and the fleet
 * brings them back with backoff while it keeps serving.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { resolveFleetSpec } from "../../../components/shared";
import { BACKOFF } from "../../../app/local/backoff";
import { LocalFleet } from "../../../app/local/fleet";
import type { ExitEvent } from "../../../app/local/supervisor";
import { warmUp } from "../../helpers/broadcast";
import {
  type Adapter,
  type FaultClient,
  closeFaultClients,
  connectFaultClient,
  connectFaultClients,
  nodeOf,
  requireFaultBinaries,
  sequenceProblems,
  startTicker,
  waitForDeliveries,
} from "../../helpers/faultFleet";
import { TEST_NODE_ENV } from "../../helpers/fleet";
import { stopAll, waitFor, waitForHttp } from "../../helpers/processes";

async function startEngineFleet(ctx: Mocha.Context, adapter: Adapter): Promise<LocalFleet> {
  const binaries = requireFaultBinaries(ctx);
  return LocalFleet.start({
    spec: resolveFleetSpec({ image: "local", replicas: 3, adapter }),
    redisBinary: binaries.redis,
    proxy: { kind: "haproxy", binary: binaries.haproxy },
    restart: "always",
    nodeEnv: TEST_NODE_ENV,
  });
}

/** Resolves with the next `exit` event of `name`. */
function nextExit(fleet: LocalFleet, name: string): Promise<ExitEvent> {
  return new Promise((resolve) => {
    const onExit = (event: ExitEvent) => {
      if (event.name !== name) return;
      fleet.off("exit", onExit);
      resolve(event);
    };
    fleet.on("exit", onExit);
  });
}

describe("engine supervision (npm start options, restart: always)", function () {
  this.timeout(90_000);
  let fleet: LocalFleet | undefined;
  const everyone: FaultClient[] = [];
  afterEach(async () => {
    closeFaultClients(everyone.splice(0));
    await fleet?.stop();
    fleet = undefined;
    await stopAll();
  });

  it("SIGKILL a node: restarted on its port within its backoff, /readyz 200 again, its clients recover every broadcast (redis-streams)", async function () {
    fleet = await startEngineFleet(this, "redis-streams");
    const clients = await connectFaultClients(fleet.proxy!.url, 6);
    const sender = await connectFaultClient(fleet.node("node-1").url, ["websocket"]);
    everyone.push(...clients, sender);
    await warmUp([...clients, sender].map((c) => c.socket));
    const onVictim = (await Promise.all(clients.map(nodeOf))).map((n) => n === "node-3");
    assert.ok(onVictim.some(Boolean), "some clients are on node-3");

    for (const c of clients) c.run = "supervised-kill";
    const ticker = startTicker(sender.socket, "supervised-kill", 50);
    await sleep(300);
    const victim = fleet.node("node-3");
    const pidBefore = victim.process.run!.pid;
    const exit = nextExit(fleet, "node-3");
    const killedAt = Date.now();
    process.kill(pidBefore, "SIGKILL"); // as a user would: kill -9 <pid>
    const event = await exit;
    assert.equal(event.cause, "SIGKILL");
    assert.equal(event.restartInMs, BACKOFF.initialMs, "first crash: the initial backoff");
    await victim.process.whenReady(15_000);
    const readyAfterMs = Date.now() - killedAt;
    assert.notEqual(victim.process.run!.pid, pidBefore, "a new process");
    assert.equal(victim.process.restarts, 1);
    await waitForHttp(`${victim.url}/readyz`, { timeoutMs: 5000 });
    await waitFor("HAProxy to have node-3 UP again", () => fleet!.proxy!.allUp());
    console.log(`      node-3 ready again ${readyAfterMs} ms after SIGKILL (backoff 500 ms)`);

    await sleep(500);
    const sent = await ticker.stop();
    await waitForDeliveries(clients, 0, sent, 15_000);
    for (const [i, c] of clients.entries()) {
      const what = `client ${i} (${c.transports.join("+")}${onVictim[i] ? ", on node-3" : ""})`;
      assert.deepEqual(sequenceProblems(c, 0, sent), [], what);
      assert.ok(c.socket.connected, `${what}: connected`);
      assert.ok(!c.agent.statuses.some((s) => s >= 500), `${what}: ${c.agent.statuses}`);
    }
  });

  it("SIGKILL redis-server: restarted on its port, every node ready again, broadcasts flow exactly once", async function () {
    fleet = await startEngineFleet(this, "redis");
    const redis = fleet.redis!;
    const pidBefore = redis.process.run!.pid;
    const exit = nextExit(fleet, "redis-server");
    process.kill(pidBefore, "SIGKILL");
    assert.equal((await exit).cause, "SIGKILL");
    await redis.process.whenReady(15_000);
    assert.notEqual(redis.process.run!.pid, pidBefore);
    for (const node of fleet.nodes) {
      await waitForHttp(`${node.url}/readyz`, { timeoutMs: 20_000 });
      assert.equal(node.process.state, "running", `${node.name} was never restarted`);
      assert.equal(node.process.restarts, 0, `${node.name} kept running through the outage`);
    }

    const clients = await connectFaultClients(fleet.proxy!.url, 3);
    const sender = await connectFaultClient(fleet.node("node-2").url, ["websocket"]);
    everyone.push(...clients, sender);
    await warmUp([...clients, sender].map((c) => c.socket));
    assert.equal(new Set(await Promise.all(clients.map(nodeOf))).size, 3, "clients on every node");
    for (const c of clients) c.run = "after-redis";
    const ticker = startTicker(sender.socket, "after-redis", 50);
    await sleep(1000);
    const sent = await ticker.stop();
    await waitForDeliveries(clients, 0, sent);
    for (const [i, c] of clients.entries()) {
      assert.deepEqual(sequenceProblems(c, 0, sent), [], `client ${i}`);
      assert.equal(c.received.length, sent, `client ${i}: exactly once`);
    }
  });

  it("a node that crashes at start-up (bad env) backs off 0.5 s, 1 s, 2 s, 4 s instead of spinning; the others keep serving", async function () {
    fleet = await startEngineFleet(this, "redis");
    const exits: ExitEvent[] = [];
    fleet.on("exit", (e) => void (e.name === "node-4" && exits.push(e)));
    const bad = await fleet.addNode({ waitReady: false, extraEnv: { PING_INTERVAL_MS: "soon" } });
    await sleep(7000);
    assert.ok(exits.length >= 3 && exits.length <= 5, `${exits.length} exits in 7 s`);
    assert.deepEqual(
      exits.map((e) => e.restartInMs),
      [500, 1000, 2000, 4000].slice(0, exits.length),
    );
    for (const e of exits) {
      assert.equal(e.cause, 1);
      assert.match(e.lastLines, /PING_INTERVAL_MS/, "its own error is in the log lines");
    }
    assert.ok(["backoff", "starting"].includes(bad.process.state), bad.process.state);
    const page = await fetch(`${fleet.proxy!.url}/readyz`);
    assert.equal(page.status, 200, "the fleet keeps serving");
    await fleet.removeNode("node-4");
    assert.deepEqual(
      fleet.nodes.map((n) => n.name),
      ["node-1", "node-2", "node-3"],
    );
  });

  it("SIGKILL the proxy: restarted on its port (no orphan worker left), serving again; a proxy that cannot come back stops the fleet", async function () {
    fleet = await startEngineFleet(this, "redis");
    const proxy = fleet.proxy!;
    const master = proxy.process.run!.pid;
    const exit = nextExit(fleet, "haproxy");
    process.kill(master, "SIGKILL");
    assert.equal((await exit).cause, "SIGKILL");
    await proxy.process.whenReady(15_000);
    await waitFor("HAProxy to have every node UP", () => proxy.allUp());
    const res = await fetch(`${proxy.url}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(processesInGroup(master), [], "the killed master's worker went with it");

    // Its restart fails (a config HAProxy refuses): the fleet gives up instead of serving nobody.
    const fatal = new Promise<string>((resolve) => fleet!.once("fatal", resolve));
    writeFileSync(proxy.prepared.configFile, "this is not an HAProxy config\n");
    proxy.process.kill("SIGKILL");
    const reason = await fatal;
    assert.match(reason, /haproxy did not come back after a restart/);
  });
});

/** Live processes of the process group `pgid` (Linux /proc; zombies excluded). */
function processesInGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state !== "Z" && Number(group) === pgid) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
