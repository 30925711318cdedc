import { strict as assert } from "node:assert";
import fc from "fast-check";
import { DEFAULT_METRICS_PORT } from "../../../components/shared/appEnv";
import {
  GENERIC_PLATFORM,
  resolveFleetSpec,
  type SocketIoFleetArgs,
  validateFleetSpec,
} from "../../../components";

const RUNS = { numRuns: 1000 };

/** Any value at all, or an object whose fields are the spec's names with values of any shape. */
const anyShape = fc.oneof(
  fc.anything(),
  fc.record(
    {
      image: fc.anything(),
      replicas: fc.anything(),
      containerPort: fc.anything(),
      transports: fc.oneof(fc.anything(), fc.array(fc.anything())),
      stickiness: fc.oneof(
        fc.anything(),
        fc.dictionary(fc.constantFrom("mode", "cookieName", "ttlSeconds", "x"), fc.anything()),
      ),
      cors: fc.oneof(
        fc.anything(),
        fc.record(
          {
            origins: fc.oneof(
              fc.anything(),
              fc.array(fc.oneof(fc.string(), fc.webUrl(), fc.anything())),
            ),
            credentials: fc.anything(),
          },
          { requiredKeys: [] },
        ),
      ),
      heartbeat: fc.oneof(
        fc.anything(),
        fc.dictionary(fc.constantFrom("pingIntervalMs", "pingTimeoutMs"), fc.anything()),
      ),
      connectionTimeoutSeconds: fc.anything(),
      healthCheckPath: fc.oneof(fc.string(), fc.anything()),
      adapter: fc.anything(),
      env: fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.anything())),
    },
    { requiredKeys: [] },
  ),
);

/** Specs that satisfy every rule on the generic platform. */
const validSpec: fc.Arbitrary<SocketIoFleetArgs> = fc
  .record(
    {
      replicas: fc.integer({ min: 1, max: 1000 }),
      containerPort: fc.integer({ min: 1, max: 65535 }).filter((p) => p !== DEFAULT_METRICS_PORT),
      websocketOnly: fc.boolean(),
      mode: fc.constantFrom("cookie", "client-ip", "none"),
      cookieName: fc.option(fc.stringMatching(/^[A-Za-z0-9_\-.]{1,20}$/), { nil: undefined }),
      ttlSeconds: fc.integer({ min: 1, max: 31_536_000 }),
      origins: fc.uniqueArray(
        fc
          .webUrl({ withQueryParameters: false, withFragments: false })
          .map((u) => new URL(u).origin),
        { maxLength: 4 },
      ),
      pingIntervalMs: fc.integer({ min: 1000, max: 600_000 }),
      pingTimeoutMs: fc.integer({ min: 1000, max: 600_000 }),
      extraTimeout: fc.integer({ min: 1, max: 10_000 }),
      adapter: fc.constantFrom("redis" as const, "redis-streams" as const),
    },
    { requiredKeys: [] },
  )
  .map((r) => {
    const websocketOnly = r.websocketOnly ?? false;
    const mode = websocketOnly ? (r.mode ?? "cookie") : r.mode === "none" ? "cookie" : r.mode;
    const interval = r.pingIntervalMs ?? 25000;
    const timeout = r.pingTimeoutMs ?? 20000;
    const minTimeout = Math.floor((interval + timeout) / 1000) + 1;
    const args: SocketIoFleetArgs = {
      image: "registry.example/app:1",
      replicas: r.replicas,
      containerPort: r.containerPort,
      transports: websocketOnly ? ["websocket"] : undefined,
      stickiness: {
        mode,
        cookieName: mode === "cookie" ? r.cookieName : undefined,
        ttlSeconds: r.ttlSeconds,
      },
      cors: r.origins ? { origins: r.origins, credentials: true } : undefined,
      heartbeat: { pingIntervalMs: r.pingIntervalMs, pingTimeoutMs: r.pingTimeoutMs },
      connectionTimeoutSeconds:
        r.extraTimeout === undefined ? undefined : Math.min(86_400, minTimeout + r.extraTimeout),
      adapter: r.adapter,
    };
    return args;
  })
  .filter(
    (args) =>
      (args.connectionTimeoutSeconds ?? 3600) >
      ((args.heartbeat?.pingIntervalMs ?? 25000) + (args.heartbeat?.pingTimeoutMs ?? 20000)) / 1000,
  );

/** Independent mistakes: each breaks exactly one field of a valid spec. */
const MISTAKES: [string, (a: Record<string, unknown>) => void][] = [
  ["replicas", (a) => (a.replicas = 0)],
  ["containerPort", (a) => (a.containerPort = 0)],
  ["healthCheckPath", (a) => (a.healthCheckPath = "healthz")],
  ["adapter", (a) => (a.adapter = "kafka")],
  ["image", (a) => (a.image = "")],
  ["env.PORT", (a) => (a.env = { PORT: "80" })],
  [
    "stickiness.ttlSeconds",
    (a) => (a.stickiness = { ...(a.stickiness as object), ttlSeconds: -5 }),
  ],
  [
    "heartbeat.pingTimeoutMs",
    (a) => (a.heartbeat = { ...(a.heartbeat as object), pingTimeoutMs: 1 }),
  ],
  ["typo", (a) => (a.typo = true)],
];

describe("fleet spec properties (fast-check)", () => {
  it("validation never throws, whatever the input, and always returns a problem list", () => {
    fc.assert(
      fc.property(anyShape, (args) => {
        const problems = validateFleetSpec(args, GENERIC_PLATFORM);
        assert.ok(Array.isArray(problems));
        for (const p of problems) {
          assert.equal(typeof p.field, "string");
          assert.ok(p.message.length > 0);
        }
      }),
      RUNS,
    );
  });

  it("any input either resolves or throws FleetSpecError, never anything else", () => {
    fc.assert(
      fc.property(anyShape, (args) => {
        try {
          resolveFleetSpec(args as SocketIoFleetArgs);
        } catch (err) {
          assert.equal((err as Error).name, "FleetSpecError");
        }
      }),
      RUNS,
    );
  });

  it("valid specs resolve, and resolving a resolved spec gives the same spec", () => {
    fc.assert(
      fc.property(validSpec, (args) => {
        assert.deepEqual(validateFleetSpec(args), []);
        const once = resolveFleetSpec(args);
        assert.deepEqual(resolveFleetSpec(once), once);
      }),
      RUNS,
    );
  });

  it("a spec with k independent mistakes yields at least k problems, one on each field", () => {
    fc.assert(
      fc.property(validSpec, fc.subarray(MISTAKES, { minLength: 1 }), (args, mistakes) => {
        const broken = structuredClone(args) as unknown as Record<string, unknown>;
        for (const [, apply] of mistakes) apply(broken);
        const problems = validateFleetSpec(broken);
        assert.ok(
          problems.length >= mistakes.length,
          JSON.stringify({ mistakes: mistakes.map((m) => m[0]), problems }),
        );
        for (const [field] of mistakes) {
          assert.ok(
            problems.some((p) => p.field === field),
            `no problem on ${field}: ${JSON.stringify(problems)}`,
          );
        }
      }),
      RUNS,
    );
  });
});
