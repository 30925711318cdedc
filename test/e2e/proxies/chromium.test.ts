/**
 * Headless Chromium through HAProxy (cookie stickiness, 3 nodes, redis-server): the demo page on
 * origin A (its own loopback port) connects with `withCredentials: true` over long-polling to the
 * fleet at origin B and exchanges broadcasts with clients on the other nodes. With the server's
 * `CORS_CREDENTIALS=false` the same page fails (the fleet tells it to send no credentials, so the
 * sticky cookie is dropped).
 */
import { strict as assert } from "node:assert";
import type { Server } from "node:http";
import type { BrowserContext } from "playwright-core";
import { resolveFleetSpec } from "../../../components/shared";
import type { ResolvedFleetSpec } from "../../../components/shared/args";
import { requireBinary } from "../../helpers/binaries";
import { launchChromium, requireChromium, servePublicFiles } from "../../helpers/browser";
import { exchangeWithOtherNodes } from "../../helpers/demoPage";
import { closeAllClients } from "../../helpers/clients";
import { startNodes } from "../../helpers/fleet";
import { type RunningProxy, requireProxy, startProxy } from "../../helpers/proxies";
import { stopAll, waitFor } from "../../helpers/processes";
import { SESSION_ID_UNKNOWN } from "./rawHttp";
import { type RedisServer, startRedis } from "../../helpers/redisServer";

describe("headless Chromium, page on origin A, fleet behind HAProxy on origin B", function () {
  this.timeout(90_000);
  let chromiumPath: string;
  let haproxyPath: string;
  let redis: RedisServer;
  let spec: ResolvedFleetSpec;
  let proxy: RunningProxy;
  let pageServer: Server;
  let pageOrigin: string;
  const contexts: BrowserContext[] = [];

  before(async function () {
    const redisBinary = requireBinary(this, "redis-server");
    haproxyPath = requireProxy(this, "haproxy");
    chromiumPath = requireChromium(this);
    const served = await servePublicFiles();
    pageServer = served.server;
    pageOrigin = `http://localhost:${served.port}`;
    spec = resolveFleetSpec({
      image: "local",
      replicas: 3,
      stickiness: { mode: "cookie" },
      cors: { origins: [pageOrigin], credentials: true },
    });
    redis = await startRedis(redisBinary);
    const nodes = await startNodes(spec, redis);
    proxy = await startProxy(haproxyPath, "haproxy", spec, nodes);
  });

  afterEach(async () => {
    closeAllClients();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await stopAll();
    await new Promise((resolve) => pageServer?.close(resolve));
  });

  /** Opens the demo page pointed at `fleetUrl`; resolves once it reports its node (or fails). */
  async function openDemo(context: BrowserContext, fleetUrl: string) {
    const page = await context.newPage();
    const console: string[] = [];
    page.on("console", (m) => console.push(`${m.type()}: ${m.text()}`));
    const responses: { url: string; status: number; setCookie?: string; body: string }[] = [];
    page.on("response", (r) => {
      if (!r.url().includes("/socket.io/?")) return;
      void (async () => {
        const setCookie = (await r.headerValue("set-cookie")) ?? undefined;
        const body = r.status() === 400 ? await r.text() : "";
        responses.push({ url: r.url(), status: r.status(), setCookie, body });
      })();
    });
    await page.goto(`${pageOrigin}/?fleet=${encodeURIComponent(fleetUrl)}&transports=polling`);
    return { page, console, responses };
  }

  it("same-site (localhost:A → localhost:B), fresh profile: connects and exchanges broadcasts", async () => {
    const context = await launchChromium(chromiumPath);
    contexts.push(context);
    const fleetUrl = `http://localhost:${proxy.port}`;
    const { page } = await openDemo(context, fleetUrl);
    await exchangeWithOtherNodes(page, proxy.url);
    const cookies = await context.cookies(fleetUrl);
    assert.deepEqual(
      cookies.map((c) => [c.name, c.sameSite, c.secure, c.httpOnly]),
      [["SIO_NODE", "None", true, true]],
    );
  });

  it("cross-site (localhost:A → 127.0.0.1:B): works with SameSite=None; Secure and third-party cookies allowed", async () => {
    const context = await launchChromium(chromiumPath, { allowThirdPartyCookies: true });
    contexts.push(context);
    const { page } = await openDemo(context, proxy.url);
    await exchangeWithOtherNodes(page, proxy.url);
    const cookies = await context.cookies(proxy.url);
    assert.deepEqual(
      cookies.map((c) => [c.name, c.sameSite, c.secure]),
      [["SIO_NODE", "None", true]],
    );
  });

  it("cross-site in a fresh profile (third-party cookies blocked): the cookie is refused, polls get 400", async () => {
    const context = await launchChromium(chromiumPath);
    contexts.push(context);
    const { page, responses } = await openDemo(context, proxy.url);
    const rejected = await waitFor("a polling request answered 400", () =>
      responses.find((r) => r.status === 400),
    );
    assert.equal(rejected.body, SESSION_ID_UNKNOWN);
    const handshakes = responses.filter((r) => r.status === 200 && !r.url.includes("sid="));
    assert.ok(handshakes.length > 0);
    assert.equal(
      handshakes[0].setCookie?.replace(/node-\d/, "node-N"),
      "SIO_NODE=node-N; path=/; HttpOnly; Secure; Max-Age=86400; SameSite=None",
      "HAProxy sent the cross-site cookie",
    );
    assert.deepEqual(await context.cookies(proxy.url), [], "Chromium did not store the cookie");
    assert.notEqual(await page.locator("#status").textContent(), "connected");
  });

  it("with the server's CORS_CREDENTIALS=false the same page fails: no credentials, so the sticky cookie is dropped", async () => {
    const nodes = await startNodes(spec, redis, { CORS_CREDENTIALS: "false" });
    const noCredentials = await startProxy(haproxyPath, "haproxy", spec, nodes);
    const context = await launchChromium(chromiumPath);
    contexts.push(context);
    const { page, responses } = await openDemo(context, `http://localhost:${noCredentials.port}`);
    // The page takes its options from the fleet (/client-options.js): a fleet that refuses
    // credentials tells it not to send them, so its polls go without the sticky cookie and a
    // later poll reaches another node. (The shared validator refuses this combination.)
    await page.waitForFunction(() => "fleetClientOptions" in window, null, { timeout: 15_000 });
    assert.equal(
      await page.evaluate(
        () =>
          (window as unknown as { fleetClientOptions: { withCredentials: boolean } })
            .fleetClientOptions.withCredentials,
      ),
      false,
    );
    const rejected = await waitFor("a polling request answered 400", () =>
      responses.find((r) => r.status === 400),
    );
    assert.equal(rejected.body, SESSION_ID_UNKNOWN);
  });
});
