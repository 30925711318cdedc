/**
 * The demo page in headless Chromium against two real `main.js` nodes on Redis: one tab loads
 * the page from another origin (`?fleet=` cross-origin, `withCredentials`), the other from the
 * node itself; both show their node, and a message sent from one tab is listed in both with the
 * sender's node id.
 */
import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { BrowserContext, Page } from "playwright-core";
import { type AppNode, assertAppBuilt, startAppNode } from "../../helpers/appNodes";
import { launchChromium, requireChromium, servePublicFiles } from "../../helpers/browser";
import { requireBinary } from "../../helpers/binaries";
import { stopAll, waitForHttp } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";

describe("app demo page in Chromium (two nodes, one tab cross-origin)", function () {
  this.timeout(60_000);
  let pageServer: Server | undefined;
  let browser: BrowserContext | undefined;
  let nodes: AppNode[];
  let pageOrigin: string;

  before(async function () {
    const chromium = requireChromium(this);
    const redisBinary = requireBinary(this, "redis-server", "redis-server");
    assertAppBuilt();
    const served = await servePublicFiles();
    pageServer = served.server;
    pageOrigin = `http://127.0.0.1:${served.port}`;
    const redis = await startRedis(redisBinary);
    nodes = await Promise.all(
      ["page-a", "page-b"].map((id) =>
        startAppNode(id, {
          SOCKETIO_ADAPTER: "redis",
          REDIS_URL: redis.url,
          CORS_ORIGINS: pageOrigin,
          CORS_CREDENTIALS: "true",
        }),
      ),
    );
    await Promise.all(nodes.map((n) => waitForHttp(`${n.url}/readyz`, { watch: n.process })));
    browser = await launchChromium(chromium);
  });
  after(async () => {
    await browser?.close();
    pageServer?.close();
    await stopAll();
  });

  const nodeShown = async (page: Page) => {
    await page.waitForFunction(() => document.body.dataset.nodeId !== undefined);
    return page.evaluate(() => document.body.dataset.nodeId);
  };

  it("shows each tab's node and lists every message with the sending node", async () => {
    const [a, b] = nodes;
    // Cross-origin and cross-site: page on 127.0.0.1:<page>, fleet on localhost:<node>.
    const crossOrigin = await browser!.newPage();
    await crossOrigin.goto(`${pageOrigin}/?fleet=http://localhost:${a.port}&transports=polling`);
    const sameOrigin = await browser!.newPage();
    await sameOrigin.goto(`${b.url}/`);
    assert.equal(await nodeShown(crossOrigin), "page-a");
    assert.equal(await nodeShown(sameOrigin), "page-b");
    assert.equal(await crossOrigin.textContent("#transport"), "polling");

    await crossOrigin.fill("#text", "hello from A");
    await crossOrigin.click("button[type=submit]");
    for (const page of [crossOrigin, sameOrigin]) {
      await page.waitForSelector("#messages li");
      assert.deepEqual(
        await page.$$eval("#messages li", (items) => items.map((li) => li.textContent)),
        ["[page-a] hello from A"],
      );
    }
  });
});
