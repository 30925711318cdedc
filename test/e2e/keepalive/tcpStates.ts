/**
 * Who closed a loopback TCP connection, read from the kernel's socket table (`/proc/net/tcp` and
 * `/proc/net/tcp6`): the side that closes first passes through FIN_WAIT1/FIN_WAIT2 into
 * TIME_WAIT, the other side through CLOSE_WAIT/LAST_ACK (RFC 9293 §3.3.2). A node's socket on its
 * own port in one of the first states means the node closed that connection itself.
 */
import { readFileSync } from "node:fs";

/** The kernel's state numbers (include/net/tcp_states.h). */
const ESTABLISHED = "01";
const ACTIVE_CLOSE_STATES = new Set(["04", "05", "06"]); // FIN_WAIT1, FIN_WAIT2, TIME_WAIT

interface SocketRow {
  /** `localPort>remotePort` */
  id: string;
  state: string;
}

/** Every socket whose local port is one of `ports`. */
function sockets(ports: ReadonlySet<number>): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/);
      if (local === undefined || remote === undefined) continue;
      const localPort = parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
      const remotePort = parseInt(remote.slice(remote.lastIndexOf(":") + 1), 16);
      if (ports.has(localPort)) rows.push({ id: `${localPort}>${remotePort}`, state });
    }
  }
  return rows;
}

/**
 * Samples the sockets on `ports` (the nodes' ports: their side of every proxy connection) every
 * `intervalMs` until `stop()`, and returns the connections the nodes closed themselves after they
 * had been open for at least `minOpenMs`. The minimum leaves out the proxies' health checks,
 * which ask with `HTTP/1.0` or `Connection: close` and so are closed by the node as soon as it has
 * answered (milliseconds, or a second or two on a loaded machine); a pooled connection a node
 * closes for idleness was open at least its keep-alive (5 s in the control).
 */
export function watchNodeCloses(ports: ReadonlySet<number>, minOpenMs = 4_000, intervalMs = 100) {
  const openSince = new Map<string, number>();
  /** The state each connection had at the last sample. */
  const lastState = new Map<string, string>();
  /** Connection → how long it had been open when the node closed it. */
  const closed = new Map<string, number>();
  const sample = () => {
    const now = Date.now();
    const present = new Set<string>();
    for (const { id, state } of sockets(ports)) {
      present.add(id);
      const last = lastState.get(id);
      lastState.set(id, state);
      // A connection entering ESTABLISHED starts its clock, also when its four-tuple was used
      // before (on loopback the kernel reuses a client port quickly, tcp_tw_reuse).
      if (state === ESTABLISHED) {
        if (last !== ESTABLISHED) openSince.set(id, now);
        continue;
      }
      // Measured when the close is first seen: TIME_WAIT lasts 60 s, and measuring at a later
      // sample made a health check the node closed after milliseconds look 4 s old.
      if (!ACTIVE_CLOSE_STATES.has(state)) continue;
      if (last !== undefined && ACTIVE_CLOSE_STATES.has(last)) continue;
      const since = openSince.get(id);
      if (since !== undefined && now - since >= minOpenMs && !closed.has(id)) {
        closed.set(id, now - since);
      }
    }
    for (const id of lastState.keys()) {
      if (present.has(id)) continue;
      lastState.delete(id);
      openSince.delete(id);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): string[] {
      clearInterval(timer);
      sample();
      return [...closed].map(([id, ms]) => `${id} (open ${ms} ms)`);
    },
  };
}
