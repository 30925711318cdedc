import { strict as assert } from "node:assert";
import { renderNginxConfig, ProxyConfigError } from "../../../components/proxies";
import { lines, listen, nodes, spec } from "./fixtures";

const clientIp = spec({ stickiness: { mode: "client-ip" }, connectionTimeoutSeconds: 900 });
const options = { nodes, listen, runDir: "/tmp/run/nginx" };

describe("renderNginxConfig", () => {
  it("client-ip mode: hash $remote_addr consistent over every node with passive health", () => {
    const text = lines(renderNginxConfig(clientIp, options));
    const upstream = text.slice(text.indexOf("upstream socketio_fleet {") + 1);
    assert.deepEqual(upstream.slice(0, 7), [
      "hash $remote_addr consistent;",
      "server 127.0.0.1:4001 max_fails=1 fail_timeout=5s;",
      "server 127.0.0.1:4002 max_fails=1 fail_timeout=5s;",
      "server 127.0.0.1:4003 max_fails=1 fail_timeout=5s;",
      "keepalive 32;",
      "keepalive_timeout 60s;",
      "}",
    ]);
    assert.ok(!text.some((l) => l.startsWith("ip_hash")));
    assert.ok(text.includes("proxy_next_upstream error timeout http_502 http_503;"));
    assert.ok(text.includes("proxy_next_upstream_tries 3;"));
    assert.ok(text.includes("proxy_next_upstream_timeout 10s;"));
  });

  it("refuses cookie mode, naming stickiness.mode and NGINX Plus", () => {
    assert.throws(
      () => renderNginxConfig(spec(), options),
      (err: unknown) =>
        err instanceof ProxyConfigError &&
        err.message.startsWith(
          '`stickiness.mode` "cookie" cannot be rendered for open-source nginx: its `sticky cookie` directive is NGINX Plus only.',
        ),
    );
  });

  it("none mode: round robin (no hash)", () => {
    const s = { ...clientIp, stickiness: { mode: "none" as const, ttlSeconds: 1 } };
    assert.ok(!lines(renderNginxConfig(s, options)).some((l) => l.startsWith("hash ")));
  });

  it("websocket upgrade through a map, forwarded headers, timeouts from connectionTimeoutSeconds", () => {
    const text = lines(renderNginxConfig(clientIp, options));
    const map = text.slice(text.indexOf("map $http_upgrade $connection_upgrade {") + 1);
    // Requests without Upgrade send an empty Connection header: the node connection stays alive.
    assert.deepEqual(map.slice(0, 3), ["default upgrade;", `'' "";`, "}"]);
    for (const line of [
      "listen 127.0.0.1:8080;",
      "proxy_pass http://socketio_fleet;",
      "proxy_http_version 1.1;",
      "proxy_set_header Upgrade $http_upgrade;",
      "proxy_set_header Connection $connection_upgrade;",
      "proxy_set_header Host $host;",
      "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
      "proxy_set_header X-Forwarded-Proto $scheme;",
      "proxy_read_timeout 900s;",
      "proxy_send_timeout 900s;",
    ]) {
      assert.ok(text.includes(line), `missing ${line}`);
    }
  });

  it("runs unprivileged in the foreground: pid, temp paths and logs in runDir", () => {
    const text = lines(renderNginxConfig(clientIp, { ...options, runDir: "/tmp/run/nginx/" }));
    for (const line of [
      "daemon off;",
      "pid /tmp/run/nginx/nginx.pid;",
      "error_log stderr warn;",
      "access_log /tmp/run/nginx/access.log;",
      "client_body_temp_path /tmp/run/nginx/client_body;",
      "proxy_temp_path /tmp/run/nginx/proxy;",
      "fastcgi_temp_path /tmp/run/nginx/fastcgi;",
      "uwsgi_temp_path /tmp/run/nginx/uwsgi;",
      "scgi_temp_path /tmp/run/nginx/scgi;",
    ]) {
      assert.ok(text.includes(line), `missing ${line}`);
    }
    assert.throws(
      () => renderNginxConfig(clientIp, { ...options, runDir: "relative" }),
      /`runDir` \("relative"\) must be an absolute path/,
    );
  });
});
