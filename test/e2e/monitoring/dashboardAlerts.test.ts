/**
 * The dashboard's alerts in headless Chromium, over a monitored engine fleet (`startMonitoredFleet`,
 * alert durations × 0.1): every alert of the catalog listed inactive; redis-server killed →
 * SocketIoRedisDisconnected shown pending then firing, since when and on which nodes; started
 * again → inactive. The page gets the alerts from the dashboard (`/api/alerts`, token-protected),
 * never from Prometheus. With `DASHBOARD_SCREENSHOT=<file.png>` it saves the page while the alert
 * fires (the README's `app/local/dashboard/dashboard-alerts.png`).
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import type { Socket } from "socket.io-client";
import { ALERT_NAMES, fleetAlerts } from "../../../components/shared/alerts";
import { type Dashboard, startDashboard } from "../../../app/local/dashboard/server";
import type { LocalFleet } from "../../../app/local/fleet";
import { launchChromium, requireChromium } from "../../helpers/browser";
import { closeAllClients, connectClient } from "../../helpers/clients";
import { requireMonitoringBinaries, startMonitoredFleet } from "../../helpers/monitoring";
import { stopAll } from "../../helpers/processes";

const ALERT = ALERT_NAMES.redisDisconnected;

describe("dashboard: the fleet's alerts from the engine's Prometheus (headless Chromium)", function () {
  this.timeout(150_000);
  let fleet: LocalFleet;
  let dashboard: Dashboard;
  let browser: BrowserContext;
  let page: Page;
  let ticker: NodeJS.Timeout | undefined;
  const sockets: Socket[] = [];

  before(async function () {
    const chromium = requireChromium(this);
    fleet = await startMonitoredFleet(requireMonitoringBinaries(this));
    dashboard = await startDashboard(fleet, { host: "127.0.0.1", port: 0 });
    for (const [i, node] of fleet.nodes.entries()) {
      for (let c = 0; c <= i; c++) {
        sockets.push(await connectClient(node.url, { transports: ["websocket"] }));
      }
    }
    ticker = setInterval(() => sockets[0].emit("message", "tick"), 200);
    browser = await launchChromium(chromium);
    page = await browser.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
  });
  after(async () => {
    clearInterval(ticker);
    closeAllClients();
    await browser?.close();
    await dashboard?.close();
    await fleet?.stop();
    await stopAll();
  });

  const alertState = (name: string) =>
    page.locator(`tr[data-alert="${name}"] [data-field="state"]`).textContent();
  const waitForState = (name: string, state: string, timeout: number) =>
    page.waitForFunction(
      ([n, s]) =>
        document.querySelector(`tr[data-alert="${n}"] [data-field="state"]`)?.textContent === s,
      [name, state],
      { timeout },
    );

  it("lists every alert of the catalog, inactive, from Prometheus", async () => {
    await page.goto(dashboard.url);
    await waitForState(ALERT, "inactive", 20_000);
    const names = await page
      .locator("tr[data-alert]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-alert")));
    assert.deepEqual(
      names,
      fleetAlerts({ connectionsPerNode: 1 }).map((a) => a.name),
    );
    for (const name of names) assert.equal(await alertState(name!), "inactive");
  });

  it("/api/alerts needs the dashboard token", async () => {
    const res = await fetch(`${dashboard.origin}/api/alerts`);
    assert.equal(res.status, 403);
    const ok = await fetch(`${dashboard.origin}/api/alerts`, {
      headers: { "X-Fleet-Token": dashboard.token },
    });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { monitoring: boolean }).monitoring, true);
  });

  it("redis-server killed: pending, then firing with since when and the nodes; restarted: inactive", async () => {
    fleet.redis!.process.kill("SIGKILL");
    await waitForState(ALERT, "pending", 20_000);
    await waitForState(ALERT, "firing", 30_000);
    // Each node's series fires on its own evaluation: wait until all are firing, none pending.
    await page.waitForFunction(
      ([name]) => {
        const cell = document.querySelector(`tr[data-alert="${name}"] [data-field="instances"]`);
        const text = cell?.textContent ?? "";
        return (
          !text.includes("(pending)") &&
          ["node-1", "node-2", "node-3"].every((n) => text.includes(`node="${n}"`))
        );
      },
      [ALERT],
      { timeout: 10_000 },
    );
    const row = page.locator(`tr[data-alert="${ALERT}"]`);
    assert.match((await row.getAttribute("class")) ?? "", /firing/);
    const instances = (await row.locator('[data-field="instances"]').textContent()) ?? "";
    for (const node of ["node-1", "node-2", "node-3"]) {
      assert.match(instances, new RegExp(`node="${node}"`));
    }
    assert.match((await row.locator('[data-field="since"]').textContent()) ?? "", /ago\)$/);
    const screenshot = process.env.DASHBOARD_SCREENSHOT;
    if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true });

    fleet.redis!.process.start();
    await fleet.redis!.process.whenReady();
    await waitForState(ALERT, "inactive", 30_000);
  });
});
