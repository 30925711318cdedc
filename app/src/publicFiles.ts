/**
 * Serves the demo page (`app/public`) at `/`. A fixed allow-list of files read once at startup:
 * no path from the request ever reaches the file system.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/**
 * `app/public` from the source tree (`app/src`, run by tsx) or the compiled tree
 * (`dist/app/src`, also the image's layout), or undefined when neither exists.
 */
export function defaultPublicDir(): string | undefined {
  const candidates = [
    join(__dirname, "..", "public"),
    join(__dirname, "..", "..", "..", "app", "public"),
  ];
  return candidates.find((dir) => existsSync(join(dir, "index.html")));
}

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createStaticHandler(dir: string): StaticHandler {
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type !== undefined) files.set(`/${name}`, { type, body: readFileSync(join(dir, name)) });
  }
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0];
    const file = files.get(path === "/" ? "/index.html" : path);
    if (file === undefined) return false;
    res.writeHead(200, { "Content-Type": file.type, "Cache-Control": "no-cache" });
    res.end(file.body);
    return true;
  };
}
