/**
 * HAProxy, nginx and Apache with the configs `components/proxies` renders, in front of real nodes
 * on a real redis-server: Engine.IO polling clients that stay idle between polls for longer than
 * Node.js's 5 s default keep-alive, so every poll after a pause goes out on a proxy→node
 * connection that sat idle for more than 5 s (each proxy reuses idle node connections: HAProxy
 * `http-reuse safe`, nginx `keepalive`, Apache's connection pool).
 *
 * With the nodes' keep-alive from `proxyNodeKeepAliveMs` (above the proxy's reuse window): no
 * 502 (no non-200 answer at all) and the nodes never close a proxy connection themselves — the
 * proxy always closes first, so the race cannot happen.
 *
 * Control, the old 5 s keep-alive: the nodes close the idle proxy connections themselves during
 * every pause, which this test asserts from the kernel's socket table (`tcpStates.ts`: closed by
 * the node after being open for 4 s or more, which leaves out health checks). That is
 * the race's precondition. The 502 itself is not asserted: it needs the proxy to write a request
 * onto a connection inside the microseconds between the node's close and the proxy reading the
 * FIN, and on loopback the proxy usually reads the FIN first (then it drops the connection and
 * opens another), so no client schedule provokes it deterministically; the count is logged.
 */
import { strict as assert } from "node:assert";
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProxyKind } from "../../../app/local/proxyProcess";
import { proxyNodeKeepAliveMs } from "../../../components/proxies";
import { resolveFleetSpec } from "../../../components/shared";
import type { ResolvedFleetSpec, StickinessMode } from "../../../components/shared/args";
import { requireBinary } from "../../helpers/binaries";
import { type FleetNode, startNodes, terminate } from "../../helpers/fleet";
import { requireProxy, startProxy } from "../../helpers/proxies";
import { stopAll } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import { watchNodeCloses } from "./tcpStates";

const CLIENTS = 4;
const ROUNDS = 2;
/** Pauses between polls: all above Node's 5 s default, spread so clients do not move in step. */
const pauseMs = (client: number, round: number) => 5_600 + ((client * 7 + round * 3) % 8) * 100;

const CASES: { kind: ProxyKind; mode: StickinessMode }[] = [
  { kind: "haproxy", mode: "cookie" },
  { kind: "nginx", mode: "client-ip" },
  { kind: "apache", mode: "cookie" },
];

interface Answer {
  status: number;
  body: string;
  setCookie: string[];
}

/** One HTTP exchange on the client's own keep-alive agent (one connection to the proxy). */
function send(
  agent: Agent,
  url: string,
  { body, cookies, localAddress }: { body?: string; cookies: string[]; localAddress?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (cookies.length > 0) headers.cookie = cookies.join("; ");
    if (body !== undefined) headers["content-type"] = "text/plain;charset=UTF-8";
    const req = request(
      url,
      { method: body === undefined ? "GET" : "POST", headers, agent, localAddress },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk.toString()));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text,
            setCookie: res.headers["set-cookie"] ?? [],
          }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A polling client: handshake, CONNECT, then `ROUNDS` times a pause, a message (POST) and a poll
 * (GET, answered at once with the broadcast it caused), answering pings. Returns every status.
 */
async function pollingClient(base: string, client: number, localAddress?: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: number[] = [];
  try {
    const url = `${base}/socket.io/?EIO=4&transport=polling`;
    const open = await send(agent, url, { cookies: [], localAddress });
    statuses.push(open.status);
    if (open.status !== 200) return statuses;
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    const cookies = open.setCookie.map((c) => c.split(";")[0]);
    const session = `${url}&sid=${sid}`;
    const post = async (packets: string) =>
      statuses.push((await send(agent, session, { body: packets, cookies, localAddress })).status);
    await post("40");
    let pong = false;
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(pauseMs(client, round));
      await post(
        [...(pong ? ["3"] : []), `42["message","client ${client} round ${round}"]`].join("\x1e"),
      );
      const poll = await send(agent, session, { cookies, localAddress });
      statuses.push(poll.status);
      pong = poll.body.split("\x1e").includes("2");
    }
    return statuses;
  } finally {
    agent.destroy();
  }
}

async function run(nodes: FleetNode[], proxyUrl: string, mode: StickinessMode) {
  const watch = watchNodeCloses(new Set(nodes.map((n) => n.port)));
  const results = await Promise.all(
    [...Array(CLIENTS).keys()].map((i) =>
      pollingClient(proxyUrl, i, mode === "client-ip" ? `127.0.${i + 1}.1` : undefined),
    ),
  );
  return { statuses: results.flat(), nodeCloses: watch.stop() };
}

for (const c of CASES) {
  describe(`keep-alive behind ${c.kind} (${c.mode}): polls after pauses longer than 5 s`, function () {
    this.timeout(120_000);
    let redis: RedisServer;
    let proxyBinary: string;
    let spec: ResolvedFleetSpec;

    before(async function () {
      const redisBinary = requireBinary(this, "redis-server");
      proxyBinary = requireProxy(this, c.kind);
      spec = resolveFleetSpec({ image: "local", replicas: 2, stickiness: { mode: c.mode } });
      redis = await startRedis(redisBinary);
    });
    after(() => stopAll());

    async function fleet(keepAliveMs: number) {
      const nodes = await startNodes(spec, redis, {
        HTTP_KEEPALIVE_TIMEOUT_MS: String(keepAliveMs),
        METRICS_PORT: "0",
      });
      const proxy = await startProxy(proxyBinary, c.kind, spec, nodes);
      return { nodes, proxy };
    }

    it(`nodes at proxyNodeKeepAliveMs (${proxyNodeKeepAliveMs(resolveFleetSpec({ image: "x" }))} ms): every answer 200, no 502, and no node ever closes a proxy connection`, async () => {
      const { nodes, proxy } = await fleet(proxyNodeKeepAliveMs(spec));
      const { statuses, nodeCloses } = await run(nodes, proxy.url, c.mode);
      assert.equal(statuses.length, CLIENTS * (2 + 2 * ROUNDS));
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
        `non-200 answers through ${c.kind}`,
      );
      assert.deepEqual(nodeCloses, [], "connections the nodes closed themselves");
      await Promise.all([proxy.process, ...nodes.map((n) => n.process)].map((p) => terminate(p)));
    });

    it("control, the old 5 s keep-alive: the nodes close idle proxy connections during the pauses (the race's precondition)", async () => {
      const { nodes, proxy } = await fleet(5_000);
      const { statuses, nodeCloses } = await run(nodes, proxy.url, c.mode);
      assert.ok(nodeCloses.length > 0, "no node closed an idle proxy connection");
      const failed = statuses.filter((s) => s !== 200);
      // Logged, not asserted (see the file comment): the 502 race is not deterministic.
      console.log(
        `      ${c.kind}, 5 s keep-alive: ${nodeCloses.length} connections closed by the nodes, ` +
          `${failed.length} of ${statuses.length} answers not 200 (${failed.length > 0 ? failed.join(",") : "none"})`,
      );
      await Promise.all([proxy.process, ...nodes.map((n) => n.process)].map((p) => terminate(p)));
    });
  });
}
