import { strict as assert } from "node:assert";
import {
  proxyNodeKeepAliveMs,
  renderHaproxyConfig,
  ProxyConfigError,
} from "../../../components/proxies";
import { lines, listen, nodes, spec } from "./fixtures";

describe("renderHaproxyConfig", () => {
  it("cookie mode: inserts the sticky cookie and names each server's cookie value", () => {
    const text = lines(renderHaproxyConfig(spec(), { nodes, listen }));
    assert.ok(text.includes("balance roundrobin"));
    assert.ok(
      text.includes('cookie SIO_NODE insert indirect nocache httponly attr "Max-Age=86400"'),
    );
    assert.deepEqual(
      text.filter((l) => l.startsWith("server ")),
      [
        "server node-1 127.0.0.1:4001 cookie node-1 check inter 1s fastinter 500ms fall 2 rise 2",
        "server node-2 127.0.0.1:4002 cookie node-2 check inter 1s fastinter 500ms fall 2 rise 2",
        "server node-3 127.0.0.1:4003 cookie node-3 check inter 1s fastinter 500ms fall 2 rise 2",
      ],
    );
    assert.ok(!text.some((l) => l.startsWith("hash-type")));
  });

  it("cookie mode with cross-origin pages: SameSite=None and Secure, the spec's name and TTL", () => {
    const s = spec({
      cors: { origins: ["http://localhost:3000"] },
      stickiness: { cookieName: "AFFINITY", ttlSeconds: 600 },
    });
    const text = lines(renderHaproxyConfig(s, { nodes, listen }));
    assert.ok(
      text.includes(
        'cookie AFFINITY insert indirect nocache httponly attr "Max-Age=600" attr "SameSite=None" secure',
      ),
    );
    const sameSite = lines(renderHaproxyConfig(s, { nodes, listen, crossSiteCookie: false }));
    assert.ok(
      sameSite.includes('cookie AFFINITY insert indirect nocache httponly attr "Max-Age=600"'),
    );
  });

  it("client-ip mode: consistent source hashing, no cookie", () => {
    const text = lines(
      renderHaproxyConfig(spec({ stickiness: { mode: "client-ip" } }), { nodes, listen }),
    );
    assert.ok(text.includes("balance source"));
    assert.ok(text.includes("hash-type consistent"));
    assert.ok(!text.some((l) => l.startsWith("cookie ")));
    assert.ok(
      text.includes("server node-1 127.0.0.1:4001 check inter 1s fastinter 500ms fall 2 rise 2"),
    );
  });

  it("none mode: round robin (or leastconn) without a cookie", () => {
    const s = { ...spec(), stickiness: { mode: "none" as const, ttlSeconds: 86400 } };
    const text = lines(renderHaproxyConfig(s, { nodes, listen, balance: "leastconn" }));
    assert.ok(text.includes("balance leastconn"));
    assert.ok(!text.some((l) => l.startsWith("cookie ")));
  });

  it("timeouts: tunnel = connectionTimeoutSeconds, client/server above the heartbeat", () => {
    const s = spec({
      connectionTimeoutSeconds: 120,
      heartbeat: { pingIntervalMs: 10000, pingTimeoutMs: 5000 },
    });
    const text = lines(renderHaproxyConfig(s, { nodes, listen }));
    assert.ok(text.includes("timeout tunnel 120s"));
    assert.ok(text.includes("timeout client 25s"));
    assert.ok(text.includes("timeout server 25s"));
    assert.ok(text.includes("timeout connect 5s"));
  });

  it("keep-alive: idle server connections reused safely for 60 s; nodes keep theirs 5 s longer", () => {
    const text = lines(renderHaproxyConfig(spec(), { nodes, listen }));
    assert.ok(text.includes("timeout http-keep-alive 60s"));
    assert.ok(text.includes("http-reuse safe"));
    assert.equal(proxyNodeKeepAliveMs(spec()), 65_000);
    // A heartbeat whose `timeout server` (150 + 10 s) exceeds the idle time raises the bound.
    const slow = spec({ heartbeat: { pingIntervalMs: 100_000, pingTimeoutMs: 50_000 } });
    assert.equal(proxyNodeKeepAliveMs(slow), 165_000);
  });

  it("health, failover, limits, listen address and the stats socket", () => {
    const text = lines(
      renderHaproxyConfig(spec(), { nodes, listen, statsSocket: "/tmp/x/haproxy.sock" }),
    );
    for (const line of [
      "maxconn 9000",
      "stats socket /tmp/x/haproxy.sock mode 600 level admin",
      "mode http",
      "option httpchk GET /readyz",
      "http-check expect status 200",
      "option redispatch 1",
      "option persist",
      "retries 3",
      "retry-on conn-failure empty-response 503",
      "option forwardfor",
      "bind 127.0.0.1:8080",
      "default_backend socketio_fleet",
    ]) {
      assert.ok(text.includes(line), `missing ${line}`);
    }
    assert.ok(
      !text.some((l) => l.startsWith("on-marked-down")),
      "a Redis outage must not cut sessions",
    );
    const noSocket = lines(renderHaproxyConfig(spec(), { nodes, listen, maxconn: 100 }));
    assert.ok(noSocket.includes("maxconn 100"));
    assert.ok(!noSocket.some((l) => l.startsWith("stats socket")));
  });

  it("limits each server to twice the nodes' hard ceiling (maxConnectionsPerNode), none without one", () => {
    const ceiling = lines(
      renderHaproxyConfig(spec({ maxConnectionsPerNode: 500 }), { nodes, listen }),
    );
    assert.equal(
      ceiling.find((l) => l.startsWith("server node-1")),
      "server node-1 127.0.0.1:4001 cookie node-1 check inter 1s fastinter 500ms fall 2 rise 2 maxconn 1000",
    );
    const given = lines(renderHaproxyConfig(spec(), { nodes, listen, serverMaxconn: 70 }));
    assert.ok(given.find((l) => l.startsWith("server node-2"))?.endsWith(" maxconn 70"));
    const none = lines(renderHaproxyConfig(spec(), { nodes, listen }));
    assert.ok(none.filter((l) => l.startsWith("server ")).every((l) => !l.includes("maxconn")));
  });

  it("refuses bad nodes and listen addresses, naming every field", () => {
    assert.throws(
      () =>
        renderHaproxyConfig(spec(), {
          nodes: [nodes[0], { name: "node 1", host: "127.0.0.1", port: 0 }],
          listen: { host: "a b", port: 80 },
        }),
      (err: unknown) =>
        err instanceof ProxyConfigError &&
        err.message ===
          '`nodes[1].name` ("node 1") must match [A-Za-z0-9_-]+; `nodes[1].port` (0) must be an integer from 1 to 65535; `listen.host` ("a b") is not a host name or IP',
    );
    assert.throws(
      () => renderHaproxyConfig(spec(), { nodes: [], listen }),
      /`nodes` must list at least one node/,
    );
    assert.throws(
      () => renderHaproxyConfig(spec(), { nodes: [nodes[0], nodes[0]], listen }),
      /`nodes\[1\].name` \(node-1\) is a duplicate/,
    );
  });
});
