/** The self-hosted proxy renderers, read back from the config text they render. */
import { parse } from "yaml";
import {
  proxyNodeKeepAliveMs,
  renderApacheConfig,
  renderHaproxyConfig,
  renderNginxConfig,
  renderTraefikConfig,
} from "../../../components/proxies";
import {
  heartbeatSeconds,
  resolveFleetSpec,
  type ResolvedFleetSpec,
  type StickinessMode,
} from "../../../components/shared";
import { listen, nodes } from "../proxies/fixtures";
import {
  durationSeconds,
  type ExpectedKeepAlive,
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

/** A rendered config and the spec it was rendered from (the nodes behind it get its keep-alive). */
interface Rendered {
  text: string;
  spec: ResolvedFleetSpec;
}

interface ProxyReaders {
  stickiness: (text: string) => Stickiness;
  timeouts: (text: string) => Timeouts;
  /** The proxy's windows for reusing an idle node connection, in seconds, read from the text. */
  reuseWindows: (text: string) => Record<string, number>;
}

/** The idle time every renderer writes, and the margin of the nodes' keep-alive above it. */
const UPSTREAM_IDLE_SECONDS = 60;
const MARGIN_SECONDS = 5;

/** Nodes behind a proxy keep connections 5 s longer than its longest reuse window. */
function nodeKeepAliveMs(reuseWindows: Record<string, number>): number {
  return (Math.max(...Object.values(reuseWindows)) + MARGIN_SECONDS) * 1000;
}

function proxyTarget(
  name: string,
  refuses: StickinessMode[],
  render: (spec: ResolvedFleetSpec) => string,
  readers: ProxyReaders,
  expectedWindows: (spec: ResolvedFleetSpec) => Record<string, number>,
  options: { exchangeTimeouts?: true; noConnectionTimeout?: string } = {},
): TargetAdapter<Rendered> {
  return {
    name,
    refuses,
    lacks: PROXY_LACKS,
    ...options,
    build: async (shared: SharedSpec) => {
      const spec = resolveFleetSpec({ image: "app:1", ...shared });
      return { text: render(spec), spec };
    },
    read: {
      stickiness: ({ text }) => readers.stickiness(text),
      timeouts: ({ text }) => readers.timeouts(text),
      keepAlive: ({ text, spec }) => ({
        reuseWindows: readers.reuseWindows(text),
        appKeepAliveMs: proxyNodeKeepAliveMs(spec),
      }),
    },
    expected: {
      keepAlive(spec): ExpectedKeepAlive {
        const reuseWindows = expectedWindows(spec);
        return { reuseWindows, appKeepAliveMs: nodeKeepAliveMs(reuseWindows) };
      },
    },
  };
}

/** Every proxy: the idle time it renders. */
const idleOnly = (key: string) => (): Record<string, number> => ({ [key]: UPSTREAM_IDLE_SECONDS });

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
  {
    stickiness: (text) => {
      const found: Stickiness[] = [];
      const cookie = only(text, /^ {2}cookie \S+ insert .*attr "Max-Age=(\d+)"/m);
      if (cookie !== undefined)
        found.push({ enabled: true, by: "cookie", ttlSeconds: Number(cookie) });
      if (/^ {2}balance source$/m.test(text)) found.push({ enabled: true, by: "client-ip" });
      return oneStickiness(found);
    },
    timeouts: (text) => ({
      connection: { "timeout tunnel": seconds(text, /^ {2}timeout tunnel (\S+)$/m) },
      exchange: {
        "timeout client": seconds(text, /^ {2}timeout client (\S+)$/m),
        "timeout server": seconds(text, /^ {2}timeout server (\S+)$/m),
      },
    }),
    reuseWindows: (text) => {
      if (only(text, /^ {2}(http-reuse \S+)$/m) !== "http-reuse safe") {
        throw new Error("http-reuse safe expected");
      }
      return {
        "timeout http-keep-alive": seconds(text, /^ {2}timeout http-keep-alive (\S+)$/m),
        // An idle server connection is also bounded by the server inactivity timeout.
        "timeout server": seconds(text, /^ {2}timeout server (\S+)$/m),
      };
    },
  },
  (spec) => ({
    "timeout http-keep-alive": UPSTREAM_IDLE_SECONDS,
    "timeout server": Math.ceil(heartbeatSeconds(spec)) + 10,
  }),
  { exchangeTimeouts: true },
);

export const nginxTarget = proxyTarget(
  "nginx config",
  ["cookie"],
  (spec) => renderNginxConfig(spec, { nodes, listen, runDir: "/tmp/sio-nginx" }),
  {
    stickiness: (text) =>
      oneStickiness(
        /^ {4}hash \$remote_addr consistent;$/m.test(text)
          ? [{ enabled: true, by: "client-ip" }]
          : [],
      ),
    timeouts: (text) => ({
      connection: {
        proxy_read_timeout: seconds(text, /^\s+proxy_read_timeout (\S+);$/m),
        proxy_send_timeout: seconds(text, /^\s+proxy_send_timeout (\S+);$/m),
      },
      exchange: {},
    }),
    reuseWindows: (text) => {
      // Reuse needs `keepalive` in the upstream and no `Connection: close` towards the nodes.
      if (only(text, /^ {4}keepalive (\d+);$/m) === undefined) throw new Error("no keepalive");
      if (/'' close;/.test(text)) throw new Error("Connection: close sent to the nodes");
      return { "upstream keepalive_timeout": seconds(text, /^ {4}keepalive_timeout (\S+);$/m) };
    },
  },
  idleOnly("upstream keepalive_timeout"),
);

export const apacheTarget = proxyTarget(
  "Apache httpd config",
  ["client-ip"],
  (spec) => renderApacheConfig(spec, { nodes, listen, runDir: "/tmp/sio-apache" }),
  {
    stickiness: (text) => {
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
    timeouts: (text) => {
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
    reuseWindows: (text) => {
      const members = [...text.matchAll(/^ {2}BalancerMember "[^"]+" route=(\S+) (.*)$/gm)];
      if (members.length !== nodes.length) throw new Error(`${members.length} members`);
      return Object.fromEntries(
        members.map((m) => [`BalancerMember ${m[1]} ttl`, Number(/\bttl=(\d+)\b/.exec(m[2])?.[1])]),
      );
    },
  },
  () =>
    Object.fromEntries(nodes.map((n) => [`BalancerMember ${n.name} ttl`, UPSTREAM_IDLE_SECONDS])),
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function traefikLoadBalancer(text: string): any {
  return parse(text).http.services["socketio-fleet"].loadBalancer;
}

export const traefikTarget = proxyTarget(
  "Traefik dynamic config",
  [],
  (spec) => renderTraefikConfig(spec, { nodes, listen }),
  {
    stickiness: (text) => {
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
    timeouts: (text) => {
      const t = forwardingTimeouts(text);
      return {
        connection: {},
        exchange: { responseHeaderTimeout: durationSeconds(t.responseHeaderTimeout) },
      };
    },
    reuseWindows: (text) => ({
      idleConnTimeout: durationSeconds(forwardingTimeouts(text).idleConnTimeout),
    }),
  },
  idleOnly("idleConnTimeout"),
  {
    exchangeTimeouts: true,
    noConnectionTimeout:
      "Traefik's websocket and held-poll limits are entry-point settings " +
      "(entryPoints.<name>.transport.respondingTimeouts) in its static configuration; " +
      "idleConnTimeout only ends idle pooled node connections (the keep-alive checks)",
  },
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function forwardingTimeouts(text: string): any {
  return parse(text).http.serversTransports["socketio-fleet"].forwardingTimeouts;
}
