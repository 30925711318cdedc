/**
 * How to run each self-hosted proxy in the foreground from a rendered config in a directory of
 * its own, how to tell that it routes to every node, and how to reload it gracefully with a new
 * set of nodes (`proxyService.ts`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { ResolvedFleetSpec } from "../../components/shared/args";
// The renderers' own modules, not the index: the launcher needs no Traefik (and no `yaml`).
import { renderApacheConfig } from "../../components/proxies/apache";
import { renderHaproxyConfig } from "../../components/proxies/haproxy";
import { renderNginxConfig } from "../../components/proxies/nginx";
import type { ListenAddress, ProxyNode } from "../../components/proxies/types";

export type ProxyKind = "haproxy" | "nginx" | "apache";

/** The executable of each proxy (Debian names; found on PATH or in /usr/sbin). */
export const PROXY_BINARIES: Record<ProxyKind, string> = {
  haproxy: "haproxy",
  nginx: "nginx",
  apache: "apache2",
};

/** The Debian package of each proxy. */
export const PROXY_PACKAGES: Record<ProxyKind, string> = {
  haproxy: "haproxy",
  nginx: "nginx",
  apache: "apache2",
};

export interface PreparedProxy {
  kind: ProxyKind;
  configFile: string;
  /** Arguments after the binary. */
  args: string[];
  /** HAProxy's runtime API socket (`show stat`). */
  statsSocket?: string;
}

export interface PrepareProxyOptions {
  nodes: readonly ProxyNode[];
  listen: ListenAddress;
  /** An empty directory the proxy may write to. */
  dir: string;
  /** HAProxy: `roundrobin` or `leastconn`. */
  balance?: "roundrobin" | "leastconn";
}

/** Renders the config into `dir` and returns how to run the proxy in the foreground. */
export function prepareProxy(
  kind: ProxyKind,
  spec: ResolvedFleetSpec,
  options: PrepareProxyOptions,
): PreparedProxy {
  const { nodes, listen, dir } = options;
  mkdirSync(dir, { recursive: true });
  if (kind === "haproxy") {
    const statsSocket = join(dir, "haproxy.sock");
    const configFile = join(dir, "haproxy.cfg");
    const text = renderHaproxyConfig(spec, {
      nodes,
      listen,
      statsSocket,
      balance: options.balance,
    });
    writeFileSync(configFile, text);
    // Master-worker mode (`-W`) in the foreground (`-db`): SIGUSR2 to the master reloads, a new
    // worker takes the listeners and the old one finishes its connections (HAProxy management
    // guide, "Stopping and restarting HAProxy"), and the master's pid stays the same.
    return { kind, configFile, statsSocket, args: ["-W", "-db", "-f", configFile] };
  }
  if (kind === "nginx") {
    const configFile = join(dir, "nginx.conf");
    writeFileSync(configFile, renderNginxConfig(spec, { nodes, listen, runDir: dir }));
    return { kind, configFile, args: ["-c", configFile, "-p", dir, "-e", "stderr"] };
  }
  const configFile = join(dir, "apache.conf");
  writeFileSync(configFile, renderApacheConfig(spec, { nodes, listen, runDir: dir }));
  return { kind, configFile, args: ["-DFOREGROUND", "-f", configFile] };
}

/**
 * The signal that makes each proxy's master re-read its config without dropping established
 * connections: HAProxy master-worker reload (SIGUSR2), what `nginx -s reload` sends (SIGHUP),
 * what `apachectl -k graceful` sends (SIGUSR1).
 */
export const RELOAD_SIGNALS: Record<ProxyKind, NodeJS.Signals> = {
  haproxy: "SIGUSR2",
  nginx: "SIGHUP",
  apache: "SIGUSR1",
};

/**
 * One row of HAProxy's `show stat` CSV: proxy name, server name, status ("UP", "DOWN", …),
 * current sessions.
 */
export interface HaproxyServerState {
  proxy: string;
  server: string;
  status: string;
  sessions: number;
}

/** The servers of HAProxy's backends, read from its runtime API socket. */
export async function haproxyServers(statsSocket: string): Promise<HaproxyServerState[]> {
  const csv = await askSocket(statsSocket, "show stat\n");
  const [header, ...rows] = csv.split("\n").filter((l) => l.trim() !== "");
  const columns = header.replace(/^# /, "").split(",");
  const at = (name: string) => columns.indexOf(name);
  return rows
    .map((row) => row.split(","))
    .filter((cells) => cells[at("svname")] !== "FRONTEND" && cells[at("svname")] !== "BACKEND")
    .map((cells) => ({
      proxy: cells[at("pxname")],
      server: cells[at("svname")],
      status: cells[at("status")],
      sessions: Number(cells[at("scur")] ?? 0),
    }));
}

/** Whether HAProxy reports every server named in `nodes` UP. */
export async function haproxyAllUp(
  statsSocket: string,
  nodes: readonly { name: string }[],
): Promise<boolean> {
  const servers = await haproxyServers(statsSocket);
  return nodes.every((node) => servers.some((s) => s.server === node.name && s.status === "UP"));
}

/** Sends one command to HAProxy's runtime API; resolves with its answer. */
export function haproxyCommand(statsSocket: string, command: string): Promise<string> {
  return askSocket(statsSocket, `${command}\n`);
}

function askSocket(path: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(path, () => socket.write(command));
    socket.setTimeout(2000, () => socket.destroy(new Error(`no answer on ${path}`)));
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}
