/**
 * The fleet dashboard: an HTTP server on loopback serving a plain HTML+JS page (`page/`), the
 * fleet's state as JSON, its alerts as the engine's Prometheus evaluates them (`/api/alerts`,
 * fetched here on loopback: the page never talks to Prometheus), and control actions (kill or drain a node, restart Redis or kill a Redis
 * Cluster node, add or remove a node).
 *
 * Any web page the user opens can send requests to 127.0.0.1, so nothing here trusts the network:
 * - every `/api/` request needs the per-run token (printed in the terminal, in the URL's
 *   fragment, which browsers never send to servers or in a Referer) in `X-Fleet-Token`;
 * - control requests (POST) also need an `Origin` that is the dashboard's own; a cross-site
 *   form or `fetch` carries its own origin and gets 403;
 * - the `Host` header must name the dashboard (127.0.0.1 or localhost on its port), so a DNS
 *   rebinding page cannot make itself same-origin;
 * - the token is compared in constant time.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../appEntry";
import type { LocalFleet } from "../fleet";
import { fleetAlerts } from "./alertState";
import { FleetState } from "./fleetState";

export interface Dashboard {
  /** The URL to open, with the token in its fragment. */
  url: string;
  origin: string;
  token: string;
  state: FleetState;
  close(): Promise<void>;
}

/** The page's files, served as they are from the source tree (no build step). */
const PAGE_DIR = join(PACKAGE_ROOT, "app", "local", "dashboard", "page");
const PAGE_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/dashboard.js": { file: "dashboard.js", type: "text/javascript; charset=utf-8" },
  "/dashboard.css": { file: "dashboard.css", type: "text/css; charset=utf-8" },
};

/** Security headers for every answer: no framing, no sniffing, scripts from itself only. */
const HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
};

export async function startDashboard(
  fleet: LocalFleet,
  { host, port }: { host: string; port: number },
): Promise<Dashboard> {
  const token = randomBytes(24).toString("hex");
  const state = new FleetState(fleet);
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => json(res, 500, { error: err.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const origin = `http://${host}:${actual}`;
  const allowedHosts = new Set([`${host}:${actual}`, `localhost:${actual}`]);
  const allowedOrigins = new Set([origin, `http://localhost:${actual}`]);
  state.start();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", origin).pathname;
    if (!allowedHosts.has(req.headers.host ?? "")) return json(res, 403, { error: "unknown Host" });
    const page = PAGE_FILES[path];
    if (req.method === "GET" && page !== undefined) {
      res.writeHead(200, { ...HEADERS, "Content-Type": page.type });
      res.end(readFileSync(join(PAGE_DIR, page.file)));
      return;
    }
    if (!path.startsWith("/api/")) return json(res, 404, { error: "not found" });
    if (!tokenMatches(req.headers["x-fleet-token"], token)) {
      return json(res, 403, { error: "missing or wrong X-Fleet-Token (printed by npm start)" });
    }
    if (req.method === "GET" && path === "/api/state") {
      // The processes as they are now: a sample's are up to a sampling round old, and a
      // restart's backoff (0.5 s) and start fall between two samples.
      return json(res, 200, { history: state.history, processes: fleet.snapshot() });
    }
    if (req.method === "GET" && path === "/api/alerts") {
      return json(res, 200, await fleetAlerts(fleet));
    }
    if (req.method !== "POST") return json(res, 405, { error: "use POST for control requests" });
    if (!allowedOrigins.has(req.headers.origin ?? "")) {
      return json(res, 403, { error: "control requests must come from the dashboard's own page" });
    }
    const accepted = control(fleet, path);
    if (accepted === undefined) return json(res, 404, { error: `no such action or node: ${path}` });
    return json(res, 202, accepted);
  }

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    state,
    close: () =>
      new Promise((resolve) => {
        state.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A control action by path; long ones (drain, scaling) run on and report through the state. */
function control(fleet: LocalFleet, path: string): { accepted: string } | undefined {
  const nodeAction = /^\/api\/nodes\/(node-\d+)\/(kill|drain|remove)$/.exec(path);
  if (nodeAction !== null) {
    const [, name, action] = nodeAction;
    if (!fleet.nodes.some((n) => n.name === name)) return undefined;
    if (action === "kill") fleet.signalNode(name, "SIGKILL");
    if (action === "drain") fleet.signalNode(name, "SIGTERM");
    if (action === "remove") background(fleet.removeNode(name));
    return { accepted: `${action} ${name}` };
  }
  const redisKill = /^\/api\/redis\/(redis-\d+)\/kill$/.exec(path);
  if (redisKill !== null) {
    const name = redisKill[1];
    if (!fleet.redisCluster?.nodes.some((n) => n.name === name)) return undefined;
    fleet.signalRedisNode(name, "SIGKILL");
    return { accepted: `kill ${name}` };
  }
  if (path === "/api/nodes") {
    background(fleet.addNode());
    return { accepted: "add a node" };
  }
  if (path === "/api/redis/restart") {
    background(fleet.restartRedis());
    return { accepted: "restart redis-server" };
  }
  return undefined;
}

function background(task: Promise<unknown>): void {
  task.catch((err: Error) =>
    console.error(`socketio-fleet: dashboard action failed: ${err.message}`),
  );
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== "string" || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...HEADERS, "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}
