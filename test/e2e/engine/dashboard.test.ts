/**
 * The fleet dashboard in headless Chromium, over a real engine fleet (3 nodes, redis-server,
 * HAProxy): it shows each node's client count as the test connected them, a kill from the page
 * shows the node restarting and then ready, and control requests without the per-run token or
 * from another Origin get 403 and change nothing.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { BrowserContext, Page } from "playwright-core";
import type { Socket } from "socket.io-client";
import { resolveFleetSpec } from "../../../components/shared";
import { type Dashboard, startDashboard } from "../../../app/local/dashboard/server";
import { LocalFleet } from "../../../app/local/fleet";
import { launchChromium, requireChromium } from "../../helpers/browser";
import { closeAllClients, connectClient } from "../../helpers/clients";
import { requireFaultBinaries } from "../../helpers/faultFleet";
import { TEST_NODE_ENV } from "../../helpers/fleet";
import { stopAll } from "../../helpers/processes";

/** Clients connected straight to each node, so each row has a count of its own. */
const CLIENTS_PER_NODE: Record<string, number> = { "node-1": 1, "node-2": 2, "node-3": 3 };

describe("engine dashboard (headless Chromium)", function () {
  this.timeout(90_000);
  let fleet: LocalFleet;
  let dashboard: Dashboard;
  let browser: BrowserContext;
  let page: Page;
  let ticker: NodeJS.Timeout | undefined;
  const sockets: Socket[] = [];

  before(async function () {
    const chromium = requireChromium(this);
    const binaries = requireFaultBinaries(this);
    fleet = await LocalFleet.start({
      spec: resolveFleetSpec({ image: "local", replicas: 3 }),
      redisBinary: binaries.redis,
      proxy: { kind: "haproxy", binary: binaries.haproxy },
      restart: "always",
      nodeEnv: TEST_NODE_ENV,
    });
    dashboard = await startDashboard(fleet, { host: "127.0.0.1", port: 0 });
    for (const [name, count] of Object.entries(CLIENTS_PER_NODE)) {
      for (let i = 0; i < count; i++) {
        sockets.push(await connectClient(fleet.node(name).url, { transports: ["websocket"] }));
      }
    }
    // Traffic for the events-per-second columns and charts: node-1's client broadcasts 10/s.
    ticker = setInterval(() => sockets[0].emit("message", "tick"), 100);
    browser = await launchChromium(chromium);
    page = await browser.newPage();
  });
  after(async () => {
    clearInterval(ticker);
    closeAllClients();
    await browser?.close();
    await dashboard?.close();
    await fleet?.stop();
    await stopAll();
  });

  const cell = (name: string, field: string) =>
    page.locator(`tr[data-process="${name}"] [data-field="${field}"]`);

  it("shows 3 nodes with the client counts the test connected, each ready and UP in HAProxy", async () => {
    await page.goto(dashboard.url);
    for (const [name, count] of Object.entries(CLIENTS_PER_NODE)) {
      await page.waitForFunction(
        ([n, c]) =>
          document.querySelector(`tr[data-process="${n}"] [data-field="clients"]`)?.textContent ===
          c,
        [name, String(count)],
        { timeout: 15_000 },
      );
      assert.equal(await cell(name, "ready").textContent(), "ready");
      assert.equal(await cell(name, "state").textContent(), "running");
      assert.equal(await cell(name, "backend").textContent(), "UP");
    }
    // node-1 receives 10 events/s; node-3 sends each of those broadcasts to its clients.
    await page.waitForFunction(
      () =>
        Number(
          document.querySelector('tr[data-process="node-1"] [data-field="events-in"]')?.textContent,
        ) >= 5 &&
        Number(
          document.querySelector('tr[data-process="node-3"] [data-field="events-out"]')
            ?.textContent,
        ) >= 5,
      undefined,
      { timeout: 15_000 },
    );
    assert.equal(await page.locator('tr[data-kind="node"]').count(), 3);
    assert.equal(await page.locator('tr[data-process="redis-server"]').count(), 1);
    assert.equal(await page.locator('tr[data-process="haproxy"]').count(), 1);
    const screenshot = process.env.DASHBOARD_SCREENSHOT; // the README's picture
    if (screenshot !== undefined) {
      await sleep(8000); // some history for the charts
      await page.screenshot({ path: screenshot, fullPage: true });
    }
  });

  it("kill on node-2 shows it restarting, then running and ready again with a new pid", async () => {
    const pidBefore = await cell("node-2", "pid").textContent();
    await page.locator('tr[data-process="node-2"] button[data-action="kill"]').click();
    await page.waitForFunction(
      () => {
        const state = document.querySelector('tr[data-process="node-2"] [data-field="state"]');
        return ["backoff", "starting"].includes(state?.textContent ?? "");
      },
      undefined,
      { timeout: 10_000, polling: 50 },
    );
    // No helper functions inside page code: tsx's name helper does not exist in the page.
    await page.waitForFunction(
      () =>
        ["state", "ready", "restarts"]
          .map(
            (f) =>
              document.querySelector(`tr[data-process="node-2"] [data-field="${f}"]`)?.textContent,
          )
          .join() === "running,ready,1",
      undefined,
      { timeout: 20_000 },
    );
    assert.notEqual(await cell("node-2", "pid").textContent(), pidBefore);
  });

  it("a control request without the token, or from another Origin, gets 403 and changes nothing", async () => {
    const pid = fleet.node("node-1").process.run!.pid;
    const kill = `${dashboard.origin}/api/nodes/node-1/kill`;
    const attempts: [string, Record<string, string>][] = [
      ["no token", { Origin: dashboard.origin }],
      ["wrong token", { Origin: dashboard.origin, "X-Fleet-Token": "0".repeat(48) }],
      ["another Origin", { Origin: "http://evil.example", "X-Fleet-Token": dashboard.token }],
      ["no Origin", { "X-Fleet-Token": dashboard.token }],
    ];
    for (const [what, headers] of attempts) {
      const res = await fetch(kill, { method: "POST", headers });
      assert.equal(res.status, 403, what);
    }
    const state = await fetch(`${dashboard.origin}/api/state`);
    assert.equal(state.status, 403, "state without the token");
    await sleep(1500);
    assert.equal(fleet.node("node-1").process.run!.pid, pid, "node-1 was not killed");
    assert.equal(fleet.node("node-1").process.restarts, 0);
    assert.equal(fleet.nodes.length, 3);
  });
});
