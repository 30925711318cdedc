/** The self-hosted proxy renderers, read back from the config text they render. */
import { parse } from "yaml";
import {
  renderApacheConfig,
  renderHaproxyConfig,
  renderNginxConfig,
  renderTraefikConfig,
} from "../../../components/proxies";
import {
  resolveFleetSpec,
  type ResolvedFleetSpec,
  type StickinessMode,
} from "../../../components/spec";
import { listen, nodes } from "../proxies/fixtures";
import {
  durationSeconds,
  oneStickiness,
  type SharedSpec,
  type Stickiness,
  type TargetAdapter,
  type Timeouts,
} from "./suite";

/** A proxy renders load-balancer config only: the app, its environment and Redis are not its. */
const PROXY_LACKS = {
  appEnv:
    "a proxy config carries no app environment: the nodes' processes are started apart from it",
  cors: "CORS is answered by the app, whose environment a proxy config does not set",
  redis: "a proxy config does not wire the app to Redis",
  url: "a renderer returns config text; the operator chooses the public address",
} as const;

function proxyTarget(
  name: string,
  refuses: StickinessMode[],
  render: (spec: ResolvedFleetSpec) => string,
  stickiness: (text: string) => Stickiness,
  timeouts: (text: string) => Timeouts,
  exchangeTimeouts = false,
): TargetAdapter<string> {
  return {
    name,
    refuses,
    lacks: PROXY_LACKS,
    ...(exchangeTimeouts ? { exchangeTimeouts: true } : {}),
    build: async (spec: SharedSpec) => render(resolveFleetSpec({ image: "app:1", ...spec })),
    read: { stickiness, timeouts },
    expected: {},
  };
}

/** The one capture of `pattern` in `text` (fails on none or several). */
function only(text: string, pattern: RegExp): string | undefined {
  const all = [...text.matchAll(new RegExp(pattern.source, pattern.flags + "g"))];
  if (all.length > 1) throw new Error(`${pattern} matches ${all.length} times`);
  return all[0]?.[1];
}

function seconds(text: string, pattern: RegExp): number {
  return durationSeconds(only(text, pattern));
}

export const haproxyTarget = proxyTarget(
  "HAProxy config",
  [],
  (spec) => renderHaproxyConfig(spec, { nodes, listen }),
  (text) => {
    const found: Stickiness[] = [];
    const cookie = only(text, /^ {2}cookie \S+ insert .*attr "Max-Age=(\d+)"/m);
    if (cookie !== undefined)
      found.push({ enabled: true, by: "cookie", ttlSeconds: Number(cookie) });
    if (/^ {2}balance source$/m.test(text)) found.push({ enabled: true, by: "client-ip" });
    return oneStickiness(found);
  },
  (text) => ({
    connection: { "timeout tunnel": seconds(text, /^ {2}timeout tunnel (\S+)$/m) },
    exchange: {
      "timeout client": seconds(text, /^ {2}timeout client (\S+)$/m),
      "timeout server": seconds(text, /^ {2}timeout server (\S+)$/m),
    },
  }),
  true,
);

export const nginxTarget = proxyTarget(
  "nginx config",
  ["cookie"],
  (spec) => renderNginxConfig(spec, { nodes, listen, runDir: "/tmp/sio-nginx" }),
  (text) =>
    oneStickiness(
      /^ {4}hash \$remote_addr consistent;$/m.test(text)
        ? [{ enabled: true, by: "client-ip" }]
        : [],
    ),
  (text) => ({
    connection: {
      proxy_read_timeout: seconds(text, /^\s+proxy_read_timeout (\S+);$/m),
      proxy_send_timeout: seconds(text, /^\s+proxy_send_timeout (\S+);$/m),
    },
    exchange: {},
  }),
);

export const apacheTarget = proxyTarget(
  "Apache httpd config",
  ["client-ip"],
  (spec) => renderApacheConfig(spec, { nodes, listen, runDir: "/tmp/sio-apache" }),
  (text) => {
    const proxySet = only(text, /^ {2}(ProxySet .*)$/m);
    if (proxySet === undefined) throw new Error("no ProxySet line");
    const cookie = /\bstickysession=(\S+)/.exec(proxySet)?.[1];
    if (cookie === undefined) return oneStickiness([]);
    const ttl = only(
      text,
      new RegExp(`^Header add Set-Cookie "${cookie}=[^"]*Max-Age=(\\d+);`, "m"),
    );
    return { enabled: true, by: "cookie", ttlSeconds: Number(ttl) };
  },
  (text) => {
    const members = [
      ...text.matchAll(/^ {2}BalancerMember "[^"]+" route=(\S+) .*\btimeout=(\d+) /gm),
    ];
    if (members.length !== nodes.length) throw new Error(`${members.length} members`);
    return {
      connection: Object.fromEntries(
        members.map((m) => [`BalancerMember ${m[1]} timeout`, Number(m[2])]),
      ),
      exchange: {},
    };
  },
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function traefikLoadBalancer(text: string): any {
  return parse(text).http.services["socketio-fleet"].loadBalancer;
}

export const traefikTarget = proxyTarget(
  "Traefik dynamic config",
  [],
  (spec) => renderTraefikConfig(spec, { nodes, listen }),
  (text) => {
    const lb = traefikLoadBalancer(text);
    const found: Stickiness[] = [];
    if (lb.sticky !== undefined) {
      found.push({ enabled: true, by: "cookie", ttlSeconds: lb.sticky.cookie.maxAge });
    }
    if (lb.strategy !== undefined) {
      if (lb.strategy !== "hrw") throw new Error(`strategy ${lb.strategy}`);
      found.push({ enabled: true, by: "client-ip" });
    }
    return oneStickiness(found);
  },
  (text) => {
    const t = parse(text).http.serversTransports["socketio-fleet"].forwardingTimeouts;
    return {
      connection: { idleConnTimeout: durationSeconds(t.idleConnTimeout) },
      exchange: { responseHeaderTimeout: durationSeconds(t.responseHeaderTimeout) },
    };
  },
  true,
);
