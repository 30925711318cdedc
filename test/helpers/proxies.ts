/**
 * Real HAProxy, nginx and Apache processes in the foreground, each from the config that
 * `components/proxies` renders, in a temp dir of its own; started through `start()` so
 * `stopAll()` stops them. Resolves once the proxy routes to every node (HAProxy: every server UP
 * on its stats socket; nginx and Apache: the proxy answers `/readyz`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedFleetSpec } from "../../components/spec/args";
import type { ProxyNode } from "../../components/proxies";
import {
  PROXY_BINARIES,
  PROXY_PACKAGES,
  type PreparedProxy,
  type ProxyKind,
  haproxyAllUp,
  prepareProxy,
} from "../../app/local/proxyProcess";
import { requireBinary } from "./binaries";
import { freePort } from "./ports";
import { type ManagedProcess, start, waitFor, waitForHttp } from "./processes";

export interface RunningProxy {
  kind: ProxyKind;
  port: number;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  prepared: PreparedProxy;
  process: ManagedProcess;
}

/** The proxy's binary: under CI=true a missing one fails the suite, elsewhere it skips it. */
export function requireProxy(ctx: Mocha.Context, kind: ProxyKind): string {
  return requireBinary(ctx, PROXY_BINARIES[kind], PROXY_PACKAGES[kind]);
}

export async function startProxy(
  binary: string,
  kind: ProxyKind,
  spec: ResolvedFleetSpec,
  nodes: readonly ProxyNode[],
  { balance }: { balance?: "roundrobin" | "leastconn" } = {},
): Promise<RunningProxy> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `sio-${kind}-`));
  const plain = nodes.map(({ name, host, port: p }) => ({ name, host, port: p }));
  const prepared = prepareProxy(kind, spec, {
    nodes: plain,
    listen: { host: "127.0.0.1", port },
    dir,
    balance,
  });
  const proc = start(`${kind}:${port}`, binary, prepared.args);
  const url = `http://127.0.0.1:${port}`;
  if (prepared.statsSocket) {
    const socket = prepared.statsSocket;
    await waitFor(
      `HAProxy to report ${nodes.length} servers UP`,
      () => haproxyAllUp(socket, plain),
      {
        watch: proc,
      },
    );
  }
  await waitForHttp(`${url}/readyz`, { watch: proc });
  return { kind, port, url, prepared, process: proc };
}
