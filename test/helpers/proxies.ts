/**
 * Real HAProxy, nginx and Apache processes in the foreground, each from the config that
 * `components/proxies` renders, in a temp dir of its own: the local fleet engine's proxy
 * (`app/local/proxyService.ts`) under `restart: "never"`, so `stopAll()` stops them. Resolves
 * once the proxy routes to every node (HAProxy: every server UP on its stats socket; nginx and
 * Apache: the proxy answers `/readyz`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedFleetSpec } from "../../components/shared/args";
import type { ProxyNode } from "../../components/proxies";
import {
  PROXY_BINARIES,
  PROXY_PACKAGES,
  type PreparedProxy,
  type ProxyKind,
} from "../../app/local/proxyProcess";
import { type ProxyService, proxyService } from "../../app/local/proxyService";
import { requireBinary } from "./binaries";
import { freePort } from "./ports";
import { type ManagedProcess, waitFor } from "./processes";

export interface RunningProxy {
  kind: ProxyKind;
  port: number;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  readonly prepared: PreparedProxy;
  /** The current run. */
  readonly process: ManagedProcess;
  service: ProxyService;
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
  const service = proxyService({
    kind,
    binary,
    spec,
    nodes,
    balance,
    listen: { host: "127.0.0.1", port: await freePort() },
    dir: mkdtempSync(join(tmpdir(), `sio-${kind}-`)),
    restart: "never",
  });
  service.process.start();
  await service.process.whenReady();
  const running = runningProxyOf(service);
  await waitFor(`${kind} to route to ${nodes.length} nodes`, () => service.allUp(), {
    watch: running.process,
  });
  return running;
}

/** The test view of an engine proxy (also the one a `LocalFleet` runs). */
export function runningProxyOf(service: ProxyService): RunningProxy {
  return {
    kind: service.kind,
    port: service.port,
    url: service.url,
    service,
    get prepared() {
      return service.prepared;
    },
    get process() {
      const run = service.process.run;
      if (run === undefined) throw new Error(`${service.kind} was never started`);
      return run;
    },
  };
}
