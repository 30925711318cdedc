import { strict as assert } from "node:assert";
import {
  FleetSpecError,
  type PlatformProfile,
  GENERIC_PLATFORM,
  resolveFleetSpec,
  validateFleetSpec,
} from "../../../components";

const IMAGE = "ghcr.io/acme/chat:1.0.0";

/** One rule's bad case: the args, the exact field, a key phrase of the message. */
interface Case {
  rule: string;
  args: Record<string, unknown>;
  field: string;
  phrase: RegExp;
  platform?: PlatformProfile;
}

const AWS_LIKE: PlatformProfile = {
  name: "an AWS Application Load Balancer",
  stickinessModes: ["cookie", "none"],
  unsupportedStickinessReason: { "client-ip": "an ALB has no client-IP stickiness; use cookie" },
  cookieNameSupported: true,
  reservedCookiePrefixes: ["AWSALB", "AWSALBAPP", "AWSALBTG"],
  cookieTtlSeconds: { min: 1, max: 604_800 },
  connectionTimeoutSeconds: { min: 1, max: 4000 },
  tls: false,
  tlsHint: "Set `certificateArn`",
  crossOriginCookieNeedsTls: true,
  targetArgs: ["certificateArn"],
};
const GCP_LIKE: PlatformProfile = {
  ...GENERIC_PLATFORM,
  name: "a GCP backend service",
  cookieNameSupported: false,
  cookieTtlSeconds: { min: 0, max: 86_400 },
};

const BAD: Case[] = [
  { rule: "args not an object", args: null as never, field: "", phrase: /must be an object/ },
  { rule: "image missing", args: { image: undefined }, field: "image", phrase: /is required/ },
  { rule: "image empty", args: { image: " " }, field: "image", phrase: /is empty/ },
  { rule: "image not a string", args: { image: 7 }, field: "image", phrase: /must be a string/ },
  {
    rule: "replicas zero",
    args: { replicas: 0 },
    field: "replicas",
    phrase: /\(0\) must be an integer from 1 to 1000/,
  },
  {
    rule: "replicas fractional",
    args: { replicas: 2.5 },
    field: "replicas",
    phrase: /\(2\.5\) must be an integer/,
  },
  {
    rule: "replicas not a number",
    args: { replicas: "3" },
    field: "replicas",
    phrase: /\("3"\) must be an integer/,
  },
  {
    rule: "containerPort range",
    args: { containerPort: 70000 },
    field: "containerPort",
    phrase: /from 1 to 65535/,
  },
  {
    rule: "transports not an array",
    args: { transports: "polling" },
    field: "transports",
    phrase: /must be an array/,
  },
  { rule: "transports empty", args: { transports: [] }, field: "transports", phrase: /is empty/ },
  {
    rule: "transport unknown",
    args: { transports: ["polling", "webtransport"] },
    field: "transports[1]",
    phrase: /must be one of "polling", "websocket"/,
  },
  {
    rule: "transport duplicate",
    args: { transports: ["websocket", "websocket"] },
    field: "transports[1]",
    phrase: /listed twice/,
  },
  {
    rule: "stickiness mode unknown",
    args: { stickiness: { mode: "ip" } },
    field: "stickiness.mode",
    phrase: /must be one of "cookie", "client-ip", "none"/,
  },
  {
    rule: "polling without stickiness",
    args: { stickiness: { mode: "none" } },
    field: "stickiness.mode",
    phrase: /Session ID unknown/,
  },
  {
    rule: "mode unsupported on platform",
    args: { stickiness: { mode: "client-ip" } },
    field: "stickiness.mode",
    phrase: /an ALB has no client-IP stickiness; use cookie/,
    platform: AWS_LIKE,
  },
  {
    rule: "cookie name not a token",
    args: { stickiness: { cookieName: "my cookie" } },
    field: "stickiness.cookieName",
    phrase: /RFC 6265 token/,
  },
  {
    rule: "cookie name with separator",
    args: { stickiness: { cookieName: "a=b" } },
    field: "stickiness.cookieName",
    phrase: /RFC 6265 token/,
  },
  {
    rule: "cookie name reserved",
    args: { stickiness: { cookieName: "AWSALBsession" } },
    field: "stickiness.cookieName",
    phrase: /starts with "AWSALB", which an AWS Application Load Balancer reserves/,
    platform: AWS_LIKE,
  },
  {
    rule: "cookie name unsupported",
    args: { stickiness: { cookieName: "sid" } },
    field: "stickiness.cookieName",
    phrase: /cannot be set on a GCP backend service/,
    platform: GCP_LIKE,
  },
  {
    rule: "cookie name outside cookie mode",
    args: { stickiness: { mode: "client-ip", cookieName: "sid" } },
    field: "stickiness.cookieName",
    phrase: /only applies to `stickiness.mode: "cookie"`/,
  },
  {
    rule: "ttl below platform range",
    args: { stickiness: { ttlSeconds: 0 } },
    field: "stickiness.ttlSeconds",
    phrase: /from 1 to 604800 on an AWS/,
    platform: AWS_LIKE,
  },
  {
    rule: "ttl above platform range",
    args: { stickiness: { ttlSeconds: 86_401 } },
    field: "stickiness.ttlSeconds",
    phrase: /from 0 to 86400 on a GCP backend service/,
    platform: GCP_LIKE,
  },
  {
    rule: "cors not an object",
    args: { cors: ["https://a.example"] },
    field: "cors",
    phrase: /must be an object/,
  },
  {
    rule: "wildcard origin with credentials",
    args: { cors: { origins: ["*"] } },
    field: "cors.origins[0]",
    phrase: /browsers reject `\*` with credentials/,
  },
  {
    rule: "wildcard subdomain",
    args: { cors: { origins: ["https://*.example.com"] } },
    field: "cors.origins[0]",
    phrase: /wildcards are not allowed/,
  },
  {
    rule: "origin with path",
    args: { cors: { origins: ["https://a.example/app"] } },
    field: "cors.origins[0]",
    phrase: /use "https:\/\/a\.example"/,
  },
  {
    rule: "origin trailing slash",
    args: { cors: { origins: ["https://a.example/"] } },
    field: "cors.origins[0]",
    phrase: /no trailing slash/,
  },
  {
    rule: "origin default port",
    args: { cors: { origins: ["https://a.example:443"] } },
    field: "cors.origins[0]",
    phrase: /use "https:\/\/a\.example"/,
  },
  {
    rule: "origin not a URL",
    args: { cors: { origins: ["a.example"] } },
    field: "cors.origins[0]",
    phrase: /not a URL/,
  },
  {
    rule: "origin scheme",
    args: { cors: { origins: ["ftp://a.example"] } },
    field: "cors.origins[0]",
    phrase: /http or https, not ftp/,
  },
  {
    rule: "origin duplicate",
    args: { cors: { origins: ["https://a.example", "https://a.example"] } },
    field: "cors.origins[1]",
    phrase: /listed twice/,
  },
  {
    rule: "credentials not boolean",
    args: { cors: { credentials: "yes" } },
    field: "cors.credentials",
    phrase: /must be true or false/,
  },
  {
    rule: "cookie stickiness cross-origin without credentials",
    args: { cors: { origins: ["https://a.example"], credentials: false } },
    field: "cors.credentials",
    phrase: /only send the sticky cookie cross-origin with `withCredentials`/,
  },
  {
    rule: "https page, http fleet (mixed content)",
    args: { transports: ["websocket"], cors: { origins: ["https://a.example"] } },
    field: "cors.origins[0]",
    phrase: /mixed content\. Set `certificateArn`/,
    platform: AWS_LIKE,
  },
  {
    rule: "cross-origin cookie without TLS",
    args: { cors: { origins: ["http://a.example"] } },
    field: "cors.origins",
    phrase: /needs HTTPS on an AWS Application Load Balancer/,
    platform: AWS_LIKE,
  },
  {
    rule: "heartbeat interval range",
    args: { heartbeat: { pingIntervalMs: 10 } },
    field: "heartbeat.pingIntervalMs",
    phrase: /from 1000 to 600000/,
  },
  {
    rule: "heartbeat timeout type",
    args: { heartbeat: { pingTimeoutMs: "20s" } },
    field: "heartbeat.pingTimeoutMs",
    phrase: /must be an integer/,
  },
  {
    rule: "timeout at the heartbeat",
    args: { connectionTimeoutSeconds: 45 },
    field: "connectionTimeoutSeconds",
    phrase: /must be longer than the heartbeat \(pingInterval \+ pingTimeout = 45 s\)/,
  },
  {
    rule: "timeout below a custom heartbeat",
    args: { heartbeat: { pingIntervalMs: 60_000 }, connectionTimeoutSeconds: 60 },
    field: "connectionTimeoutSeconds",
    phrase: /= 80 s/,
  },
  {
    rule: "timeout above platform range",
    args: { connectionTimeoutSeconds: 5000 },
    field: "connectionTimeoutSeconds",
    phrase: /from 1 to 4000 on an AWS/,
    platform: AWS_LIKE,
  },
  {
    rule: "health path relative",
    args: { healthCheckPath: "healthz" },
    field: "healthCheckPath",
    phrase: /starting with "\/"/,
  },
  {
    rule: "health path is readiness",
    args: { healthCheckPath: "/readyz" },
    field: "healthCheckPath",
    phrase: /would kill draining nodes/,
  },
  {
    rule: "health path under socket.io",
    args: { healthCheckPath: "/socket.io/health" },
    field: "healthCheckPath",
    phrase: /under Socket\.IO's path/,
  },
  {
    rule: "adapter unknown",
    args: { adapter: "postgres" },
    field: "adapter",
    phrase: /must be one of "redis", "redis-streams"/,
  },
  { rule: "env not an object", args: { env: "A=1" }, field: "env", phrase: /must be an object/ },
  {
    rule: "env overrides the contract",
    args: { env: { REDIS_URL: "redis://x" } },
    field: "env.REDIS_URL",
    phrase: /overrides the app environment contract/,
  },
  {
    rule: "env bad name",
    args: { env: { "1X": "a" } },
    field: "env.1X",
    phrase: /not a valid variable name/,
  },
  {
    rule: "env value not a string",
    args: { env: { X: 1 } },
    field: "env.X",
    phrase: /must be a string/,
  },
  {
    rule: "unknown field with suggestion",
    args: { stickyness: { mode: "cookie" } },
    field: "stickyness",
    phrase: /did you mean `stickiness`\?/,
  },
  {
    rule: "unknown nested field",
    args: { cors: { origin: ["https://a.example"] } },
    field: "cors.origin",
    phrase: /did you mean `cors.origins`\?/,
  },
  {
    rule: "target arg unknown elsewhere",
    args: { certificateArn: "arn:x" },
    field: "certificateArn",
    phrase: /is not a known field/,
  },
];

describe("validateFleetSpec: every rule rejects its bad case with the field and the reason", () => {
  for (const c of BAD) {
    it(c.rule, () => {
      const args = c.args === null ? null : { image: IMAGE, ...c.args };
      const problems = validateFleetSpec(args, c.platform);
      const match = problems.filter((p) => p.field === c.field);
      assert.equal(
        match.length,
        1,
        `expected one problem on "${c.field}", got ${JSON.stringify(problems)}`,
      );
      assert.match(match[0].message, c.phrase);
      assert.equal(problems.length, 1, `unexpected extra problems: ${JSON.stringify(problems)}`);
    });
  }
});

describe("validateFleetSpec: valid specs", () => {
  const GOOD: [string, Record<string, unknown>, PlatformProfile?][] = [
    ["only the image", {}],
    [
      "websocket-only without stickiness",
      { transports: ["websocket"], stickiness: { mode: "none" } },
    ],
    ["client-ip stickiness", { stickiness: { mode: "client-ip" } }],
    [
      "named cookie and TTL",
      { stickiness: { mode: "cookie", cookieName: "io_node", ttlSeconds: 600 } },
    ],
    [
      "credentialed origins",
      { cors: { origins: ["https://app.example.com", "http://localhost:5173"] } },
    ],
    [
      "no credentials with client-ip",
      {
        stickiness: { mode: "client-ip" },
        cors: { origins: ["https://a.example"], credentials: false },
      },
    ],
    [
      "no credentials, websocket only",
      { transports: ["websocket"], cors: { origins: ["https://a.example"], credentials: false } },
    ],
    ["timeout just above the heartbeat", { connectionTimeoutSeconds: 46 }],
    ["redis-streams and env", { adapter: "redis-streams", env: { FEATURE_X: "on" } }],
    ["env sets the log level, which the spec does not own", { env: { LOG_LEVEL: "debug" } }],
    [
      "https origin with TLS on AWS",
      { cors: { origins: ["https://a.example"] } },
      { ...AWS_LIKE, tls: true },
    ],
    ["target arg on its platform", { certificateArn: "arn:aws:acm:x" }, AWS_LIKE],
    ["GCP TTL 0 (session cookie)", { stickiness: { ttlSeconds: 0 } }, GCP_LIKE],
  ];
  for (const [name, args, platform] of GOOD) {
    it(name, () => assert.deepEqual(validateFleetSpec({ image: IMAGE, ...args }, platform), []));
  }
  it("accepts a non-string Input as the image (an Output or Promise)", () => {
    assert.deepEqual(validateFleetSpec({ image: Promise.resolve(IMAGE) }), []);
  });
});

describe("validateFleetSpec: independent mistakes are all reported", () => {
  it("lists every problem at once", () => {
    const problems = validateFleetSpec({
      image: "",
      replicas: 0,
      transports: ["polling"],
      stickiness: { mode: "none" },
      cors: { origins: ["*", "https://a.example/"] },
      connectionTimeoutSeconds: 30,
      env: { PORT: "1" },
    });
    assert.deepEqual(
      problems.map((p) => p.field),
      [
        "image",
        "replicas",
        "stickiness.mode",
        "cors.origins[0]",
        "cors.origins[1]",
        "connectionTimeoutSeconds",
        "env.PORT",
      ],
    );
  });
});

describe("resolveFleetSpec", () => {
  it("applies every default", () => {
    assert.deepEqual(resolveFleetSpec({ image: IMAGE }), {
      image: IMAGE,
      replicas: 3,
      containerPort: 3000,
      transports: ["polling", "websocket"],
      stickiness: { mode: "cookie", ttlSeconds: 86400 },
      cors: { origins: [], credentials: true },
      heartbeat: { pingIntervalMs: 25000, pingTimeoutMs: 20000 },
      connectionTimeoutSeconds: 3600,
      healthCheckPath: "/healthz",
      adapter: "redis",
      redisSubscriptionMode: "dynamic",
      env: {},
    });
  });

  it("keeps what the user set, including legitimate falsy values, over the defaults", () => {
    const spec = resolveFleetSpec(
      {
        image: IMAGE,
        stickiness: { ttlSeconds: 0, mode: undefined },
        cors: { origins: ["https://a.example"] },
      },
      GCP_LIKE,
    );
    assert.deepEqual(spec.stickiness, { mode: "cookie", ttlSeconds: 0 });
    assert.deepEqual(spec.cors, { origins: ["https://a.example"], credentials: true });
  });

  it("throws FleetSpecError listing every problem, one per line", () => {
    assert.throws(
      () => resolveFleetSpec({ image: IMAGE, replicas: -1, adapter: "x" as never }),
      (err: unknown) => {
        assert.ok(err instanceof FleetSpecError);
        assert.equal(err.problems.length, 2);
        assert.equal(
          err.message,
          "Invalid socketio-fleet spec (2 problems):\n" +
            "  - `replicas` (-1) must be an integer from 1 to 1000\n" +
            '  - `adapter` ("x") must be one of "redis", "redis-streams", "redis-sharded"',
        );
        return true;
      },
    );
  });

  it("does not share arrays with the caller's args", () => {
    const origins = ["https://a.example"];
    const spec = resolveFleetSpec({ image: IMAGE, cors: { origins } });
    origins.push("https://b.example");
    assert.deepEqual(spec.cors.origins, ["https://a.example"]);
  });
});
