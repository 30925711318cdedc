/**
 * Headless Chromium, a page on origin A (the demo page, `localhost:<page port>`) and a fleet of
 * 3 nodes behind HAProxy (cookie stickiness, redis-server) on origin B (`localhost:<proxy port>`):
 * the page connects with exactly the `clientOptions` the components export for this spec
 * (`clientOptionsFor(spec)`: polling, `/socket.io/`, `withCredentials` because the sticky cookie
 * must travel cross-origin), stays on one node through every polling request, and exchanges
 * broadcasts with clients on the other nodes.
 */
import { strict as assert } from "node:assert";
import type { Server } from "node:http";
import type { BrowserContext } from "playwright-core";
import { clientOptionsFor, resolveFleetSpec } from "../../../components/shared";
import type { ResolvedFleetSpec } from "../../../components/shared/args";
import { requireBinary } from "../../helpers/binaries";
import { launchChromium, requireChromium, servePublicFiles } from "../../helpers/browser";
import { exchangeWithOtherNodes } from "../../helpers/demoPage";
import { closeAllClients } from "../../helpers/clients";
import { startNodes } from "../../helpers/fleet";
import { type RunningProxy, requireProxy, startProxy } from "../../helpers/proxies";
import { stopAll } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";

describe("headless Chromium with exactly the exported clientOptions (cross-origin, HAProxy cookie)", function () {
  this.timeout(90_000);
  let pageServer: Server | undefined;
  let context: BrowserContext | undefined;
  let spec: ResolvedFleetSpec;
  let proxy: RunningProxy;
  let pageOrigin: string;

  before(async function () {
    const redisBinary = requireBinary(this, "redis-server");
    const haproxy = requireProxy(this, "haproxy");
    const chromium = requireChromium(this);
    const served = await servePublicFiles();
    pageServer = served.server;
    pageOrigin = `http://localhost:${served.port}`;
    spec = resolveFleetSpec({
      image: "local",
      replicas: 3,
      transports: ["polling"],
      stickiness: { mode: "cookie" },
      cors: { origins: [pageOrigin] },
    });
    const redis = await startRedis(redisBinary);
    const nodes = await startNodes(spec, redis, { METRICS_PORT: "0" });
    proxy = await startProxy(haproxy, "haproxy", spec, nodes);
    context = await launchChromium(chromium);
  });
  after(async () => {
    closeAllClients();
    await context?.close();
    pageServer?.close();
    await stopAll();
  });

  it("connects with clientOptionsFor(spec), stays on one node through polling, and receives cross-node broadcasts", async () => {
    const exported = clientOptionsFor(spec);
    assert.deepEqual(exported, {
      transports: ["polling"],
      path: "/socket.io/",
      withCredentials: true,
    });
    const fleetUrl = `http://localhost:${proxy.port}`;
    const page = await context!.newPage();
    const polls: { status: number; sid: string | null }[] = [];
    page.on("response", (r) => {
      if (!r.url().includes("/socket.io/?")) return;
      polls.push({ status: r.status(), sid: new URL(r.url()).searchParams.get("sid") });
    });
    // No `?transports=`: the page takes every option from the fleet.
    await page.goto(`${pageOrigin}/?fleet=${encodeURIComponent(fleetUrl)}`);
    await page.waitForFunction(() => document.body.dataset.nodeId !== undefined, null, {
      timeout: 15_000,
    });
    assert.deepEqual(
      await page.evaluate(
        () => (window as unknown as { fleetClientOptions: unknown }).fleetClientOptions,
      ),
      exported,
      "the options the page passed to io()",
    );
    await exchangeWithOtherNodes(page, proxy.url);
    // Every polling request of the session reached the node that holds it: one session id, all
    // 200 (a request landing elsewhere is a 400 "Session ID unknown"), several polls.
    const session = polls.filter((p) => p.sid !== null);
    assert.ok(session.length >= 4, `${session.length} polling requests`);
    assert.deepEqual([...new Set(session.map((p) => p.sid))].length, 1, "one session throughout");
    assert.deepEqual(
      polls.filter((p) => p.status !== 200),
      [],
      "polling requests not answered 200",
    );
  });
});
