/**
 * The `npm start` flags of the capacity and the autoscaler (`--autoscale MIN:MAX`,
 * `--connections-per-node N`, `--max-connections N`, `--scale-in-window S`), read beside the
 * launcher's own (`localFleet.ts`), and the autoscaler's start with its console lines.
 */
import { defaultConnectionsPerNode } from "../../components/shared/capacity";
import { Autoscaler } from "./autoscaler";
import type { LocalFleet } from "./fleet";

/** Local nodes have no memory limit of their own: the capacity defaults to a 512 MiB node's. */
export const LOCAL_NODE_MEMORY_MIB = 512;

export const AUTOSCALE_USAGE = `  --autoscale MIN:MAX    scale the nodes between MIN and MAX on connections per node (the
                         clouds' rule: ⌈clients ÷ capacity⌉; out at once, in one drained
                         node at a time); --nodes is the initial count
  --connections-per-node N  the capacity the autoscaler aims at (default ${defaultConnectionsPerNode(LOCAL_NODE_MEMORY_MIB)}, a ${LOCAL_NODE_MEMORY_MIB} MiB node's)
  --max-connections N    hard ceiling per node: new sessions above it get 503 (MAX_CONNECTIONS),
                         HAProxy's maxconn per node is twice it (default: none)
  --scale-in-window S    seconds the load must stay low before a node is removed (default 60)`;

/** The `parseArgs` options of these flags. */
export const AUTOSCALE_FLAGS = {
  autoscale: { type: "string" },
  "connections-per-node": { type: "string" },
  "max-connections": { type: "string" },
  "scale-in-window": { type: "string", default: "60" },
} as const;

export interface AutoscaleFlags {
  autoscale?: { min: number; max: number };
  connectionsPerNode?: number;
  maxConnections?: number;
  scaleInWindowSeconds: number;
}

/** Reads the flags; problems go to `problems` (the launcher prints them all at once). */
export function readAutoscaleFlags(
  values: Partial<Record<keyof typeof AUTOSCALE_FLAGS, string>>,
  nodes: number,
  proxy: string,
  problems: string[],
): AutoscaleFlags {
  if (values["max-connections"] !== undefined && proxy !== "haproxy") {
    // Measured: nginx (max_fails=1 fail_timeout=5s) and Apache (failonstatus=503, retry=1)
    // count a full node's 503 as a failure and take the node out, so the polling clients
    // pinned to it land on another node ("Session ID unknown") and reconnect. HAProxy retries
    // the request elsewhere (retry-on 503) without marking the node down.
    problems.push(
      `--max-connections with --proxy ${proxy}: ${proxy} takes a node out on its first 503, ` +
        "moving its polling clients; use --proxy haproxy (retries the 503 elsewhere, keeps the node)",
    );
  }
  const int = (flag: string, raw: string | undefined, min: number, max: number) => {
    if (raw === undefined) return undefined;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max))
      problems.push(`--${flag} ${raw}: must be an integer from ${min} to ${max}`);
    return n;
  };
  let autoscale: AutoscaleFlags["autoscale"];
  if (values.autoscale !== undefined) {
    const match = /^(\d+):(\d+)$/.exec(values.autoscale);
    const [min, max] = match === null ? [NaN, NaN] : [Number(match[1]), Number(match[2])];
    if (!(min >= 1 && max <= 32 && min <= max)) {
      problems.push(
        `--autoscale ${values.autoscale}: must be MIN:MAX with 1 ≤ MIN ≤ MAX ≤ 32, e.g. 1:5`,
      );
    } else if (nodes < min || nodes > max) {
      problems.push(
        `--autoscale ${values.autoscale}: --nodes ${nodes} (the initial count) must be from ${min} to ${max}`,
      );
    } else {
      autoscale = { min, max };
    }
  }
  return {
    autoscale,
    connectionsPerNode: int("connections-per-node", values["connections-per-node"], 1, 1_000_000),
    maxConnections: int("max-connections", values["max-connections"], 1, 1_000_000),
    scaleInWindowSeconds: int("scale-in-window", values["scale-in-window"], 0, 3600) ?? 60,
  };
}

/** Starts the autoscaler when `--autoscale` was given; returns it and the lines to print. */
export function startAutoscaler(
  fleet: LocalFleet,
  flags: AutoscaleFlags,
  log: (line: string) => void,
): { autoscaler?: Autoscaler; lines: string[] } {
  const capacity = flags.connectionsPerNode ?? defaultConnectionsPerNode(LOCAL_NODE_MEMORY_MIB);
  const ceiling =
    flags.maxConnections === undefined
      ? "no ceiling"
      : `ceiling ${flags.maxConnections} (503 above)`;
  if (flags.autoscale === undefined) {
    return { lines: [`  capacity       ${capacity} clients per node, ${ceiling}; no autoscaling`] };
  }
  const autoscaler = new Autoscaler(fleet, {
    ...flags.autoscale,
    connectionsPerNode: capacity,
    scaleInStabilizationMs: flags.scaleInWindowSeconds * 1000,
  });
  autoscaler.on("decision", (d) =>
    log(
      `socketio-fleet: autoscale ${d.action} ${d.node}: ${d.total} clients ${JSON.stringify(d.clients)}, ` +
        `desired ${d.desired}, nodes now ${d.nodes}`,
    ),
  );
  autoscaler.on("error", (err) => log(`socketio-fleet: autoscale step failed: ${err.message}`));
  autoscaler.start();
  const b = autoscaler.bound;
  return {
    autoscaler,
    lines: [
      `  autoscale      ${flags.autoscale.min}–${flags.autoscale.max} nodes on ${capacity} clients per node, ${ceiling}`,
      `                 scale-in after ${flags.scaleInWindowSeconds} s low, one node per ${b.removalPeriodSeconds} s ` +
        `(drain ${b.drainSeconds} s, ≤ ${b.clientsMovedPerMinute} clients moved per minute)`,
    ],
  };
}
