/**
 * The fleet's proxy as a supervised process, from the config `components/proxies` renders, and
 * its graceful reload: the config is rendered again for the new set of nodes and the master is
 * signalled (`RELOAD_SIGNALS`); the reload is done once the master has a worker it did not
 * have before (and, for HAProxy, its stats socket lists exactly the new servers).
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResolvedFleetSpec } from "../../components/shared/args";
import type { ListenAddress, ProxyNode } from "../../components/proxies/types";
import { HOST, httpOk } from "./probes";
import {
  type PreparedProxy,
  type ProxyKind,
  RELOAD_SIGNALS,
  haproxyCommand,
  haproxyServers,
  prepareProxy,
} from "./proxyProcess";
import { UPSTREAM_NAME } from "../../components/proxies/common";
import { childPids } from "./processRun";
import { type RestartPolicy, SupervisedProcess } from "./supervisor";

export interface ProxyOptions {
  kind: ProxyKind;
  binary: string;
  spec: ResolvedFleetSpec;
  nodes: readonly ProxyNode[];
  listen: ListenAddress;
  /** A directory of its own. */
  dir: string;
  balance?: "roundrobin" | "leastconn";
  restart: RestartPolicy;
  logFile?: string;
}

export interface ProxyService {
  kind: ProxyKind;
  port: number;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  prepared: PreparedProxy;
  process: SupervisedProcess;
  /** The nodes of the config it runs. */
  nodes(): readonly ProxyNode[];
  /** Whether HAProxy reports every node UP (other proxies: `/readyz` through it answers 200). */
  allUp(): Promise<boolean>;
  /** Whether HAProxy reports `name` UP (other proxies have no per-backend view: true). */
  backendUp(name: string): Promise<boolean>;
  /**
   * Stops sending new sessions to `name` while its sessions keep working (before a scale-in
   * drain). HAProxy: runtime state `drain` ("only persistent connections", i.e. requests whose
   * cookie names it), confirmed by `show stat`. A reload without the node instead would send a
   * polling session's next request elsewhere ("Session ID unknown"): all its clients at once.
   * nginx and Apache have no such state: the node's own 503 on new sessions while draining
   * sends them elsewhere. A reload resets runtime state; the fleet's scaling steps run one at a
   * time, so none reloads in the middle of a drain.
   */
  stopNewSessions(name: string): Promise<void>;
  /** Renders the config for `nodes` and reloads gracefully; resolves once it took effect. */
  reload(nodes: readonly ProxyNode[], timeoutMs?: number): Promise<void>;
}

/** A new worker is up within a second or two; 15 s covers a loaded 2-core machine. */
const RELOAD_TIMEOUT_MS = 15_000;

export function proxyService(options: ProxyOptions): ProxyService {
  let nodes = plainNodes(options.nodes);
  const render = () =>
    prepareProxy(options.kind, options.spec, {
      nodes,
      listen: options.listen,
      dir: options.dir,
      balance: options.balance,
    });
  let prepared = render();
  const url = `http://${HOST}:${options.listen.port}`;
  const supervised = new SupervisedProcess({
    name: options.kind,
    kind: "proxy",
    restart: options.restart,
    launch: () => ({ command: options.binary, args: prepared.args, logFile: options.logFile }),
    ready: () => httpOk(`${url}/readyz`),
  });
  const allUp = async () => {
    if (prepared.statsSocket === undefined) return httpOk(`${url}/readyz`);
    const servers = await haproxyServers(prepared.statsSocket);
    return nodes.every((n) => servers.some((s) => s.server === n.name && s.status === "UP"));
  };
  const backendUp = async (name: string) => {
    if (prepared.statsSocket === undefined) return true;
    const servers = await haproxyServers(prepared.statsSocket);
    return servers.some((s) => s.server === name && s.status === "UP");
  };
  const service: ProxyService = {
    kind: options.kind,
    port: options.listen.port,
    url,
    get prepared() {
      return prepared;
    },
    process: supervised,
    nodes: () => nodes,
    allUp,
    backendUp,
    async stopNewSessions(name) {
      const socket = prepared.statsSocket;
      if (socket === undefined) return;
      const answer = await haproxyCommand(
        socket,
        `set server ${UPSTREAM_NAME}/${name} state drain`,
      );
      if (answer.trim() !== "") throw new Error(`${options.kind}: drain ${name}: ${answer.trim()}`);
      const servers = await haproxyServers(socket);
      // DRAIN while its checks pass; a node already DOWN (crashed) gets no new sessions anyway.
      const state = servers.find((s) => s.server === name)?.status;
      if (state === undefined || state.startsWith("UP")) {
        throw new Error(`${options.kind}: ${name} is ${state ?? "absent"}, not DRAIN`);
      }
    },
    async reload(next, timeoutMs = RELOAD_TIMEOUT_MS) {
      const run = supervised.run;
      if (run === undefined || run.hasExited()) throw new Error(`${options.kind} is not running`);
      nodes = plainNodes(next);
      prepared = render();
      const workersBefore = new Set(childPids(run.pid));
      // The master alone: its workers must not see the signal (nginx's would exit on SIGHUP).
      process.kill(run.pid, RELOAD_SIGNALS[options.kind]);
      const deadline = Date.now() + timeoutMs;
      const tookEffect = async () => {
        if (!childPids(run.pid).some((pid) => !workersBefore.has(pid))) return false;
        if (prepared.statsSocket === undefined) return true;
        const servers = await haproxyServers(prepared.statsSocket).catch(() => []);
        const names = servers.map((s) => s.server).sort();
        return JSON.stringify(names) === JSON.stringify(nodes.map((n) => n.name).sort());
      };
      // nginx: the old workers stop accepting only once they have read the master's shutdown
      // order; until then a new connection may still reach the old config (a handshake routed
      // by the old hash ring, its next poll by the new one: "Session ID unknown"). nginx retitles
      // them "nginx: worker process is shutting down" (ngx_worker_process_cycle).
      const oldWorkersStopped = () =>
        options.kind !== "nginx" ||
        [...workersBefore].every((pid) => {
          const title = processTitle(pid);
          return title === undefined || title.includes("shutting down");
        });
      while (!(await tookEffect()) || !oldWorkersStopped()) {
        if (run.hasExited())
          throw new Error(`${options.kind} exited on reload:\n${run.lastLines()}`);
        if (Date.now() > deadline) {
          throw new Error(
            `${options.kind} reload took no effect within ${timeoutMs} ms:\n${run.lastLines()}`,
          );
        }
        await sleep(100, undefined, { ref: false });
      }
    },
  };
  return service;
}

/** `/proc/<pid>/cmdline` as one string (a process may retitle itself); undefined once gone. */
function processTitle(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

function plainNodes(nodes: readonly ProxyNode[]): ProxyNode[] {
  return nodes.map(({ name, host, port }) => ({ name, host, port }));
}
