/**
 * What the Chromium tests check on the demo page (`app/public/`): which node it landed on, and that
 * it exchanges broadcasts with Node clients on every other node, exactly once each way.
 */
import { strict as assert } from "node:assert";
import type { Page } from "playwright-core";
import { clientPerNode, expectExactly, recordMessages } from "./clients";

/** The node the page's session is on, once it has connected. */
export async function pageNode(page: Page): Promise<string> {
  await page.waitForFunction(() => document.body.dataset.nodeId !== undefined, null, {
    timeout: 15_000,
  });
  return page.evaluate(() => document.body.dataset.nodeId as string);
}

/**
 * The page (on polling) and Node clients on the other two nodes see each other's messages, exactly
 * once, and the page stays on its node throughout. Returns that node.
 */
export async function exchangeWithOtherNodes(page: Page, fleetUrl: string): Promise<string> {
  const node = await pageNode(page);
  const clients = await clientPerNode(fleetUrl, 3, () => ({ transports: ["polling"] }));
  const others = [...clients].filter(([n]) => n !== node);
  assert.equal(others.length, 2);
  const inboxes = others.map(([n, socket]) => ({ node: n, inbox: recordMessages(socket) }));
  for (const [n, socket] of others) socket.emit("message", `hello from ${n}`);
  for (const [n] of others) {
    await page
      .locator("#messages li", { hasText: `[${n}] hello from ${n}` })
      .waitFor({ timeout: 10_000 });
  }
  await page.evaluate(() =>
    (window as unknown as { fleetSocket: { emit(e: string, p: unknown): void } }).fleetSocket.emit(
      "message",
      "hello from the browser",
    ),
  );
  for (const { node: n, inbox } of inboxes) {
    const fromPage = () =>
      inbox.filter((m) => m.payload === "hello from the browser" && m.nodeId === node).length;
    await expectExactly(`the page's message at ${n}`, fromPage, 1);
  }
  assert.equal(await page.locator("#transport").textContent(), "polling");
  assert.equal(await page.locator("#status").textContent(), "connected");
  assert.equal(await pageNode(page), node, "the page stayed on its node");
  return node;
}
