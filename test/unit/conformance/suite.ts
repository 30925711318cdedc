/**
 * One conformance suite over every target, the way the Socket.IO adapters run one shared suite
 * over every Redis client. A target adapter builds the target from a shared spec and reads the
 * facts back in that target's own spelling (annotations, target-group attributes, config text);
 * the suite holds the expectations, derived from the spec alone:
 * sticky on (cookie with its TTL, or client IP) or off, timeouts equal to
 * `connectionTimeoutSeconds` and above the heartbeat, the app environment contract as plain
 * values, Redis only through the target's secret store with auth (and TLS where the target
 * provides it), credentialed CORS with the exact origins, the public url.
 *
 * A target without a fact (a proxy config has no app environment) declares it in `lacks`, with
 * the reason; the suite registers that as a test of its own, so nothing is skipped silently.
 *
 * Keep-alive, which every target has: the app's `HTTP_KEEPALIVE_TIMEOUT_MS` is above every window
 * in which the balancer may reuse an idle backend connection, and `headersTimeout` above the
 * keep-alive. A window the target renders is read back from its config; one the balancer fixes
 * (Google front ends' 600 s, a controller's default) is stated by the adapter with its source.
 * A new target (GCP) supplies `read.keepAlive` and `expected.keepAlive`, nothing else.
 */
import { strict as assert } from "node:assert";
import {
  APP_ENV,
  APP_ENV_KEYS,
  clientOptionsFor,
  heartbeatSeconds,
  httpHeadersTimeoutMs,
  parseAppEnv,
  renderAppEnv,
  resolveFleetSpec,
  type RenderAppEnvOptions,
  type ResolvedFleetSpec,
  type SocketIoFleetArgs,
  type StickinessMode,
} from "../../../components/shared";

/** The shared spec without `image` (each adapter supplies its own, with its target's args). */
export type SharedSpec = Omit<SocketIoFleetArgs, "image">;

/** Stickiness as read back from the target, normalised. */
export type Stickiness =
  | { enabled: false }
  | { enabled: true; by: "cookie"; ttlSeconds: number }
  | { enabled: true; by: "client-ip" };

/**
 * The load balancer's timeouts in seconds, keyed by the target's own names.
 * - `connection`: idle/tunnel timeouts, which must equal `connectionTimeoutSeconds`;
 * - `exchange`: per-request timeouts of the self-hosted proxies (a long-poll is held up to
 *   `pingInterval`), which must be the heartbeat plus 10 s of margin.
 */
export interface Timeouts {
  connection: Record<string, number>;
  exchange: Record<string, number>;
}

/** The app's environment as the target wires it: plain values, and references to secrets. */
export interface AppEnvironment {
  plain: Record<string, string>;
  /** Variables from the target's secret store, each as the target spells the reference. */
  fromSecrets: Record<string, unknown>;
}

/** Where the Redis URL is stored, and the Redis the fleet runs itself (if it runs one). */
export interface RedisWiring {
  /** The URL as written to the secret store. */
  storedUrl: string;
  /** Whether that value is a Pulumi secret in the recorded inputs (encrypted in state). */
  storedAsSecret: boolean;
  /** The Redis server the fleet creates: whether it serves TLS and the password it requires. */
  server?: { tls: boolean; password: string };
}

export interface ExpectedRedis {
  /** The secret reference the app's `REDIS_URL` comes from, in the target's spelling. */
  reference: unknown;
  /** The exact URL in the secret store. */
  url: string;
  /** `rediss://` (true) or `redis://` (false), and why, when there is no TLS. */
  tls: true | { reason: string };
  /** What the Redis the fleet runs enforces; undefined when the fleet runs none (external). */
  server?: { tls: boolean; password: string };
}

/**
 * The keep-alive facts of a built target.
 * - `reuseWindows`: every window (seconds) in which the balancer may reuse an idle connection to
 *   a node, keyed by the target's own name for it (read from the config where rendered);
 * - `appKeepAliveMs`: the keep-alive the nodes get (from the app environment the target renders,
 *   or for a proxy config the value the nodes behind it are started with).
 */
export interface KeepAliveFacts {
  reuseWindows: Record<string, number>;
  appKeepAliveMs: number;
}

/** The exact keep-alive facts a target must have for a spec. */
export interface ExpectedKeepAlive {
  reuseWindows: Record<string, number>;
  appKeepAliveMs: number;
}

/** Facts a target may lack (stickiness every target has). */
export type OptionalFact = "timeouts" | "appEnv" | "cors" | "redis" | "url";

export interface TargetAdapter<H> {
  name: string;
  /** Stickiness modes the target refuses at construction (the message names `stickiness.mode`). */
  refuses: readonly StickinessMode[];
  /** Facts this target does not have, each with the reason. */
  lacks: Partial<Record<OptionalFact, string>>;
  /** Whether it has per-exchange timeouts besides the connection timeouts (the proxies). */
  exchangeTimeouts?: true;
  /** Builds the target (under fresh mocks for Pulumi components); rejects when it refuses. */
  build(spec: SharedSpec): Promise<H>;
  read: {
    stickiness(h: H): Stickiness;
    timeouts?(h: H): Timeouts;
    /** The app environment (facts `appEnv` and `cors`). */
    env?(h: H): AppEnvironment;
    redis?(h: H): RedisWiring;
    url?(h: H): Promise<string>;
    keepAlive(h: H): KeepAliveFacts;
    /** The component's `clientOptions` output (components only: a proxy config has none). */
    clientOptions?(h: H): Promise<unknown>;
  };
  expected: {
    /** The target's own `renderAppEnv` options (its keep-alive, its Redis CA); default none. */
    appEnv?: RenderAppEnvOptions;
    redis?: ExpectedRedis;
    url?(spec: ResolvedFleetSpec): string;
    keepAlive(spec: ResolvedFleetSpec): ExpectedKeepAlive;
  };
  /**
   * Set when the target renders no connection (tunnel/idle) timeout of its own, with the reason;
   * its per-exchange timeouts are still checked.
   */
  noConnectionTimeout?: string;
}

export interface SpecCase {
  title: string;
  spec: SharedSpec;
}

const ORIGIN = "https://app.example.com";

/** The specs every target is built from. */
export const SPEC_CASES: readonly SpecCase[] = [
  { title: "the default spec", spec: {} },
  {
    title: "websocket-only with stickiness none",
    spec: { transports: ["websocket"], stickiness: { mode: "none" } },
  },
  {
    title: "600 s connections, heartbeat 10000/5000, cookie TTL 3600, an https origin",
    spec: {
      connectionTimeoutSeconds: 600,
      heartbeat: { pingIntervalMs: 10000, pingTimeoutMs: 5000 },
      stickiness: { ttlSeconds: 3600 },
      cors: { origins: [ORIGIN] },
    },
  },
  {
    title: "client-ip stickiness, 600 s connections, heartbeat 10000/5000, two origins",
    spec: {
      stickiness: { mode: "client-ip" },
      connectionTimeoutSeconds: 600,
      heartbeat: { pingIntervalMs: 10000, pingTimeoutMs: 5000 },
      cors: { origins: [ORIGIN, "https://admin.example.com:8443"] },
    },
  },
];

/** What the suite expects of stickiness for a resolved spec. */
export function expectedStickiness(spec: ResolvedFleetSpec): Stickiness {
  switch (spec.stickiness.mode) {
    case "cookie":
      return { enabled: true, by: "cookie", ttlSeconds: spec.stickiness.ttlSeconds };
    case "client-ip":
      return { enabled: true, by: "client-ip" };
    case "none":
      return { enabled: false };
  }
}

/** Registers the conformance tests of one target, for every spec case. */
export function conformanceSuite<H>(target: TargetAdapter<H>): void {
  describe(`conformance: ${target.name}`, () => {
    it("declares exactly the facts it lacks (each lacking fact has no reader)", () => {
      const readers: Record<OptionalFact, boolean> = {
        timeouts: target.read.timeouts !== undefined,
        appEnv: target.read.env !== undefined,
        cors: target.read.env !== undefined,
        // Redis is checked through the app environment too (REDIS_URL never plain).
        redis:
          target.read.env !== undefined &&
          target.read.redis !== undefined &&
          target.expected.redis !== undefined,
        url: target.read.url !== undefined && target.expected.url !== undefined,
      };
      const lacking = Object.entries(readers)
        .filter(([, has]) => !has)
        .map(([fact]) => fact);
      assert.deepEqual(lacking.sort(), Object.keys(target.lacks).sort());
    });
    for (const [fact, reason] of Object.entries(target.lacks)) {
      it(`${fact}: not a fact of this target — ${reason}`, () => {
        assert.ok(reason.length > 0, "a reason is given");
      });
    }
    for (const c of SPEC_CASES) specSuite(target, c);
  });
}

function specSuite<H>(target: TargetAdapter<H>, c: SpecCase): void {
  const spec = resolveFleetSpec({ image: "ghcr.io/acme/chat:1.2.3", ...c.spec });
  const mode = spec.stickiness.mode;
  describe(c.title, () => {
    if (target.refuses.includes(mode)) {
      it(`construction fails: \`stickiness.mode\` "${mode}" is refused`, async () => {
        await assert.rejects(target.build(c.spec), (err: unknown) => {
          const message = (err as Error).message;
          assert.ok(message.includes("`stickiness.mode`"), message);
          assert.ok(message.includes(`"${mode}"`), message);
          return true;
        });
      });
      return;
    }

    let built: H;
    before(async () => {
      built = await target.build(c.spec);
    });

    it(`stickiness: ${describeStickiness(expectedStickiness(spec))}`, () => {
      assert.deepEqual(target.read.stickiness(built), expectedStickiness(spec));
    });

    const timeouts = target.read.timeouts;
    if (timeouts) {
      const heartbeat = heartbeatSeconds(spec);
      const exchange = Math.ceil(heartbeat) + 10;
      const exchangeTitle = target.exchangeTimeouts ? `, per exchange ${exchange} s` : "";
      it(`timeouts: ${spec.connectionTimeoutSeconds} s${exchangeTitle}, above the ${heartbeat} s heartbeat`, () => {
        const t = timeouts(built);
        assert.equal(
          Object.keys(t.connection).length > 0,
          target.noConnectionTimeout === undefined,
          target.noConnectionTimeout ?? "at least one connection timeout",
        );
        assert.equal(Object.keys(t.exchange).length > 0, target.exchangeTimeouts === true);
        assert.deepEqual(t.connection, same(t.connection, spec.connectionTimeoutSeconds));
        assert.deepEqual(t.exchange, same(t.exchange, exchange));
        for (const [name, seconds] of Object.entries({ ...t.connection, ...t.exchange })) {
          assert.ok(seconds > heartbeat, `${name} (${seconds} s) above the heartbeat`);
        }
      });
    }

    const wantKeepAlive = target.expected.keepAlive(spec);
    const windows = Object.entries(wantKeepAlive.reuseWindows)
      .map(([name, seconds]) => `${name} ${seconds} s`)
      .join(", ");
    it(`keep-alive: the app's ${wantKeepAlive.appKeepAliveMs} ms, above the balancer's reuse (${windows})`, () => {
      const facts = target.read.keepAlive(built);
      assert.deepEqual(facts, wantKeepAlive);
      assert.ok(Object.keys(facts.reuseWindows).length > 0, "at least one reuse window");
      for (const [name, seconds] of Object.entries(facts.reuseWindows)) {
        assert.ok(
          facts.appKeepAliveMs > seconds * 1000,
          `HTTP_KEEPALIVE_TIMEOUT_MS (${facts.appKeepAliveMs} ms) above ${name} (${seconds} s)`,
        );
      }
    });
    it("keep-alive: headersTimeout above the keep-alive, both as the app parses them", () => {
      const { appKeepAliveMs } = target.read.keepAlive(built);
      const plain = target.read.env?.(built).plain ?? {
        [APP_ENV.httpKeepAliveTimeoutMs]: String(appKeepAliveMs),
      };
      const parsed = parseWithRedisUrl(plain);
      assert.equal(parsed.httpKeepAliveTimeoutMs, appKeepAliveMs);
      assert.ok(httpHeadersTimeoutMs(parsed) > parsed.httpKeepAliveTimeoutMs);
    });

    const clientOptions = target.read.clientOptions;
    if (clientOptions) {
      it("clientOptions: the output is exactly clientOptionsFor(spec)", async () => {
        assert.deepEqual(await clientOptions(built), clientOptionsFor(spec));
      });
    }

    const env = target.read.env;
    if (env) {
      it("app environment: the contract's plain values, exactly, and no contract key besides", () => {
        const { plain } = env(built);
        const contract = Object.fromEntries(
          Object.entries(plain).filter(([k]) => APP_ENV_KEYS.includes(k)),
        );
        // The app reads an absent key as an empty one, and ECS drops empty values (AWS leaves
        // them out), so "" and absent are the same contract value.
        const keepAlive = target.expected.keepAlive(spec).appKeepAliveMs;
        assert.deepEqual(
          withoutEmpty(contract),
          withoutEmpty(
            renderAppEnv(spec, { ...target.expected.appEnv, httpKeepAliveTimeoutMs: keepAlive }),
          ),
        );
      });
      it(`cors: CORS_ORIGINS "${spec.cors.origins.join(",")}", CORS_CREDENTIALS "true", as the app parses them`, () => {
        const { plain } = env(built);
        assert.equal(plain[APP_ENV.corsOrigins] ?? "", spec.cors.origins.join(","));
        assert.equal(plain[APP_ENV.corsCredentials], "true");
        const parsed = parseWithRedisUrl(plain);
        assert.deepEqual(parsed.corsOrigins, spec.cors.origins);
        assert.equal(parsed.corsCredentials, true);
      });
    }

    const redis = target.read.redis;
    const want = target.expected.redis;
    if (env && redis && want) {
      it("redis: REDIS_URL reaches the app only from the secret store, never as a plain value", () => {
        const e = env(built);
        assert.equal(e.plain[APP_ENV.redisUrl], undefined, "no plain REDIS_URL");
        assert.deepEqual(e.fromSecrets, { [APP_ENV.redisUrl]: want.reference });
      });
      it("redis: the stored URL is a secret, exactly the expected one", () => {
        const w = redis(built);
        assert.equal(w.storedAsSecret, true);
        assert.equal(w.storedUrl, want.url);
      });
      it("redis: the URL carries auth (a password)", () => {
        const password = new URL(redis(built).storedUrl).password;
        assert.ok(password.length >= 16, `a password of ${password.length} characters`);
        if (want.server) assert.equal(decodeURIComponent(password), want.server.password);
      });
      const tlsTitle =
        want.tls === true
          ? "redis: TLS (rediss://)"
          : `redis: no TLS (redis://): ${want.tls.reason}`;
      it(tlsTitle, () => {
        assert.equal(
          new URL(redis(built).storedUrl).protocol,
          want.tls === true ? "rediss:" : "redis:",
        );
      });
      if (want.server) {
        const server = want.server;
        it(`redis: the Redis the fleet runs requires that password${server.tls ? " and serves TLS" : ", without TLS"}`, () => {
          assert.deepEqual(redis(built).server, server);
        });
      } else {
        it("redis: the fleet runs no Redis of its own (external)", () => {
          assert.equal(redis(built).server, undefined);
        });
      }
    }

    const url = target.read.url;
    const wantUrl = target.expected.url;
    if (url && wantUrl) {
      it(`url: ${wantUrl(spec)}`, async () => {
        assert.equal(await url(built), wantUrl(spec));
      });
    }
  });
}

function same(record: Record<string, number>, value: number): Record<string, number> {
  return Object.fromEntries(Object.keys(record).map((k) => [k, value]));
}

function describeStickiness(s: Stickiness): string {
  if (!s.enabled) return "off";
  return s.by === "cookie" ? `cookie, TTL ${s.ttlSeconds} s` : "client IP";
}

/** Seconds of a Gateway API / Go-style duration such as "3600s" or "27h46m40s". */
export function durationSeconds(text: unknown): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(text));
  if (m === null || String(text) === "") return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Throws when a reader finds contradictory settings (e.g. cookie and client-IP at once). */
export function oneStickiness(found: Stickiness[]): Stickiness {
  if (found.length > 1) throw new Error(`contradictory stickiness: ${JSON.stringify(found)}`);
  return found[0] ?? { enabled: false };
}

/** `env` without its empty values (which the app reads as absent). */
function withoutEmpty(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
}

/**
 * The plain env as the app parses it, with a stand-in for the secret `REDIS_URL` (a Redis CA
 * implies TLS, which the app checks against the URL's scheme).
 */
function parseWithRedisUrl(plain: Record<string, string>): ReturnType<typeof parseAppEnv> {
  const scheme = plain[APP_ENV.redisTlsCa] === undefined ? "redis" : "rediss";
  return parseAppEnv({ ...plain, [APP_ENV.redisUrl]: `${scheme}://:pw@redis:6379` });
}
