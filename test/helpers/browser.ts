/**
 * Headless Chromium (the Debian package, driven by playwright-core) with a fresh profile per
 * context, and a static server for the demo page on an origin of its own.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { requireBinary } from "./binaries";
import { REPO_ROOT } from "./fleet";
import { freePort } from "./ports";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function requireChromium(ctx: Mocha.Context): string {
  return requireBinary(ctx, "chromium", "chromium");
}

/**
 * A persistent context on a fresh user-data dir. `allowThirdPartyCookies` writes the profile
 * preference `{"profile":{"cookie_controls_mode":0}}`: Chromium blocks third-party cookies in a
 * fresh profile, and a page on `localhost` calling `127.0.0.1` is cross-site.
 */
export async function launchChromium(
  executablePath: string,
  { allowThirdPartyCookies = false }: { allowThirdPartyCookies?: boolean } = {},
): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), "sio-chromium-"));
  if (allowThirdPartyCookies) {
    mkdirSync(join(dir, "Default"), { recursive: true });
    writeFileSync(
      join(dir, "Default", "Preferences"),
      JSON.stringify({ profile: { cookie_controls_mode: 0 } }),
    );
  }
  return chromium.launchPersistentContext(dir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** Serves `app/public` (the demo page) on 127.0.0.1 at a free port: origin A of the tests. */
export async function servePublicFiles(): Promise<{ port: number; server: Server }> {
  const root = join(REPO_ROOT, "app", "public");
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const file = path === "/" ? "index.html" : path.slice(1);
    if (!/^[\w.-]+$/.test(file)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(root, file));
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { port, server };
}
