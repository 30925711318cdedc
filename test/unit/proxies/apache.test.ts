import { strict as assert } from "node:assert";
import { renderApacheConfig, ProxyConfigError } from "../../../components/proxies";
import { lines, listen, nodes, spec } from "./fixtures";

const options = { nodes, listen, runDir: "/tmp/run/apache" };

describe("renderApacheConfig", () => {
  it("cookie mode: route cookie set by Apache and stickysession on the balancer", () => {
    const text = lines(renderApacheConfig(spec({ connectionTimeoutSeconds: 600 }), options));
    assert.deepEqual(
      text.filter((l) => l.startsWith("BalancerMember")),
      [1, 2, 3].map(
        (i) =>
          `BalancerMember "http://127.0.0.1:400${i}" route=node-${i} upgrade=websocket timeout=600 connectiontimeout=5 ttl=60 retry=1 hcmethod=GET hcuri=/readyz hcinterval=1 hcpasses=2 hcfails=2`,
      ),
    );
    assert.ok(
      text.includes("ProxySet lbmethod=byrequests failonstatus=503 stickysession=SIO_NODE"),
    );
    assert.ok(
      text.includes(
        'Header add Set-Cookie "SIO_NODE=.%{BALANCER_WORKER_ROUTE}e; path=/; Max-Age=86400; HttpOnly" env=BALANCER_ROUTE_CHANGED',
      ),
    );
    assert.ok(text.includes("ProxyPreserveHost On"));
    assert.ok(text.includes('ProxyPass "/" "balancer://socketio_fleet/"'));
    assert.ok(text.includes("Listen 127.0.0.1:8080"));
  });

  it("cross-origin pages: SameSite=None; Secure on the route cookie", () => {
    const s = spec({
      cors: { origins: ["http://localhost:3000"] },
      stickiness: { cookieName: "R" },
    });
    assert.ok(
      lines(renderApacheConfig(s, options)).includes(
        'Header add Set-Cookie "R=.%{BALANCER_WORKER_ROUTE}e; path=/; Max-Age=86400; HttpOnly; SameSite=None; Secure" env=BALANCER_ROUTE_CHANGED',
      ),
    );
  });

  it("refuses client-ip mode, naming stickiness.mode", () => {
    assert.throws(
      () => renderApacheConfig(spec({ stickiness: { mode: "client-ip" } }), options),
      (err: unknown) =>
        err instanceof ProxyConfigError &&
        err.message.startsWith(
          '`stickiness.mode` "client-ip" cannot be rendered for Apache: mod_proxy_balancer has no client-address hashing.',
        ),
    );
  });

  it("none mode: no route cookie, no stickysession", () => {
    const s = { ...spec(), stickiness: { mode: "none" as const, ttlSeconds: 1 } };
    const text = lines(renderApacheConfig(s, options));
    assert.ok(text.includes("ProxySet lbmethod=byrequests failonstatus=503"));
    assert.ok(!text.some((l) => l.startsWith("Header add Set-Cookie")));
  });

  it("loads mod_proxy_http for websockets, never unixd/log_config/wstunnel; runs from runDir", () => {
    const text = lines(renderApacheConfig(spec(), { ...options, modulesDir: "/m" }));
    const modules = text.filter((l) => l.startsWith("LoadModule"));
    assert.ok(modules.includes("LoadModule proxy_http_module /m/mod_proxy_http.so"));
    assert.ok(modules.includes("LoadModule proxy_balancer_module /m/mod_proxy_balancer.so"));
    assert.ok(!modules.some((l) => /unixd|log_config|wstunnel/.test(l)));
    for (const line of [
      'PidFile "/tmp/run/apache/httpd.pid"',
      'ErrorLog "/tmp/run/apache/error.log"',
      "Mutex file:/tmp/run/apache default",
      'DefaultRuntimeDir "/tmp/run/apache"',
    ]) {
      assert.ok(text.includes(line), `missing ${line}`);
    }
  });
});
