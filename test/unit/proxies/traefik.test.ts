import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { renderTraefikConfig } from "../../../components/proxies";
import { listen, nodes, spec } from "./fixtures";

/**
 * The structure of Traefik's file-provider dynamic configuration (doc.traefik.io, "Routing
 * configuration > HTTP > Service": `http.routers.<name>.{rule,entryPoints,service}`,
 * `http.services.<name>.loadBalancer.{strategy,servers[].url,sticky.cookie.{name,secure,httpOnly,
 * sameSite,maxAge,path},healthCheck.{path,interval,timeout},passHostHeader,serversTransport}`,
 * `http.serversTransports.<name>.forwardingTimeouts.{dialTimeout,responseHeaderTimeout,
 * idleConnTimeout}`).
 */
describe("renderTraefikConfig", () => {
  const servers = nodes.map((n) => ({ url: `http://127.0.0.1:${n.port}` }));
  const transport = {
    forwardingTimeouts: {
      dialTimeout: "5s",
      responseHeaderTimeout: "55s",
      idleConnTimeout: "60s",
    },
  };

  it("cookie mode, cross-origin pages: the exact router, service and transport", () => {
    const s = spec({ cors: { origins: ["https://app.example.com"] } });
    assert.deepEqual(parse(renderTraefikConfig(s, { nodes, listen })), {
      http: {
        routers: {
          "socketio-fleet": {
            rule: "PathPrefix(`/`)",
            entryPoints: ["web"],
            service: "socketio-fleet",
          },
        },
        services: {
          "socketio-fleet": {
            loadBalancer: {
              servers,
              sticky: {
                cookie: {
                  name: "SIO_NODE",
                  secure: true,
                  httpOnly: true,
                  sameSite: "none",
                  maxAge: 86400,
                  path: "/",
                },
              },
              healthCheck: { path: "/readyz", interval: "1s", timeout: "1s" },
              passHostHeader: true,
              serversTransport: "socketio-fleet",
            },
          },
        },
        serversTransports: { "socketio-fleet": transport },
      },
    });
  });

  it("same-origin pages: SameSite=Lax, not Secure; names and entry point from options", () => {
    const doc = parse(
      renderTraefikConfig(spec({ stickiness: { cookieName: "AFF", ttlSeconds: 60 } }), {
        nodes,
        listen,
        name: "chat",
        entryPoint: "websecure",
      }),
    );
    assert.deepEqual(doc.http.routers.chat.entryPoints, ["websecure"]);
    assert.deepEqual(doc.http.services.chat.loadBalancer.sticky, {
      cookie: {
        name: "AFF",
        secure: false,
        httpOnly: true,
        sameSite: "lax",
        maxAge: 60,
        path: "/",
      },
    });
  });

  it("client-ip mode: hrw strategy, no sticky cookie", () => {
    const doc = parse(
      renderTraefikConfig(spec({ stickiness: { mode: "client-ip" } }), { nodes, listen }),
    );
    const lb = doc.http.services["socketio-fleet"].loadBalancer;
    assert.equal(lb.strategy, "hrw");
    assert.equal(lb.sticky, undefined);
    assert.deepEqual(lb.servers, servers);
  });
});
