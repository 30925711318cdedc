/**
 * The GCP target in both compute modes (instance group of COS VMs; websocket-only Cloud Run),
 * read back from the recorded inputs: backend-service affinity and `timeoutSec`, or Cloud Run's
 * request timeout; the app environment from the cloud-init files or the Cloud Run envs.
 */
import { parse } from "yaml";
import { GcpSocketIoFleet } from "../../../components/gcp";
import {
  APP_ENV,
  GOOGLE_FRONT_END_KEEPALIVE_MS,
  GOOGLE_FRONT_END_REUSE_SECONDS,
} from "../../../components/shared";
import { isSecretInput, type MockRecorder } from "../../helpers/mocks";
import { unwrap } from "../../helpers/unwrap";
import {
  AUTH_STRING,
  CA_PEM,
  IMAGE,
  LB_IP,
  REDIS_HOST,
  REDIS_PORT,
  REGION,
  SECRET_ID,
  SECRET_VERSION,
  T,
  gcpMocks,
  parseEnvFile,
} from "../gcp/fixtures";
import {
  type AppEnvironment,
  durationSeconds,
  type SharedSpec,
  type Stickiness,
  type TargetAdapter,
  type Timeouts,
} from "./suite";

export type GcpComputeModeName = "instance-group" | "cloud-run";

interface Built {
  mocks: MockRecorder;
  fleet: GcpSocketIoFleet;
}

const DOMAIN = "ws.example.com";

/** https origins need a certificate, and cookie stickiness a fleet on the page's site. */
function needsDomain(spec: SharedSpec): boolean {
  return (spec.cors?.origins ?? []).length > 0;
}

export function gcpTarget(mode: GcpComputeModeName): TargetAdapter<Built> {
  const cloudRun = mode === "cloud-run";
  return {
    name: `GcpSocketIoFleet (${mode})`,
    refuses: cloudRun ? ["cookie", "client-ip"] : [],
    lacks: {},
    async build(spec) {
      const mocks = await gcpMocks();
      try {
        const fleet = new GcpSocketIoFleet("fleet", {
          image: IMAGE,
          region: REGION,
          deletionProtection: false,
          ...(cloudRun ? { compute: { mode: "cloud-run" } } : {}),
          ...spec,
          ...(needsDomain(spec) ? { domains: [DOMAIN] } : {}),
        });
        await mocks.settled();
        return { mocks, fleet };
      } catch (err) {
        await mocks.settled();
        throw err;
      }
    },
    read: {
      stickiness({ mocks }): Stickiness {
        if (cloudRun) {
          const affinity = mocks.one(T.run).inputs.template.sessionAffinity;
          if (affinity !== false) throw new Error("Cloud Run affinity must stay off");
        }
        const b = mocks.one(T.backend).inputs;
        switch (b.sessionAffinity ?? "NONE") {
          case "NONE":
            return { enabled: false };
          case "CLIENT_IP":
            return { enabled: true, by: "client-ip" };
          case "GENERATED_COOKIE":
            return { enabled: true, by: "cookie", ttlSeconds: b.affinityCookieTtlSec };
          case "STRONG_COOKIE_AFFINITY":
            return {
              enabled: true,
              by: "cookie",
              ttlSeconds: b.strongSessionAffinityCookie.ttl.seconds,
            };
          default:
            throw new Error(`unknown sessionAffinity ${b.sessionAffinity}`);
        }
      },
      timeouts: ({ mocks }): Timeouts => ({
        connection: cloudRun
          ? {
              "Cloud Run template.timeout": durationSeconds(
                mocks.one(T.run).inputs.template.timeout,
              ),
            }
          : { "backend service timeoutSec": mocks.one(T.backend).inputs.timeoutSec },
        exchange: {},
      }),
      env: ({ mocks }) => (cloudRun ? cloudRunEnv(mocks) : instanceGroupEnv(mocks)),
      redis({ mocks }) {
        const secret = mocks.named(T.secret, "fleet-redis-url");
        const version = mocks.named(T.secretVersion, "fleet-redis-url");
        if (version.inputs.secret !== `${secret.name}-id`) {
          throw new Error(`the secret version writes ${version.inputs.secret}`);
        }
        const redis = mocks.one(T.redis).inputs;
        return {
          storedUrl: version.inputs.secretData,
          storedAsSecret: isSecretInput(version.rawInputs.secretData),
          server: {
            tls: redis.transitEncryptionMode === "SERVER_AUTHENTICATION",
            // Memorystore generates the AUTH string (an output) when `authEnabled` is on.
            password: redis.authEnabled === true ? AUTH_STRING : "",
          },
        };
      },
      url: ({ fleet }) => unwrap(fleet.url),
      keepAlive: ({ mocks }) => ({
        // Google front ends reuse an idle backend connection up to a fixed 600 s (no input
        // sets it); the app's keep-alive is read from what the nodes are given.
        reuseWindows: { "Google front end backend keep-alive": GOOGLE_FRONT_END_REUSE_SECONDS },
        appKeepAliveMs: Number(
          (cloudRun ? cloudRunEnv(mocks) : instanceGroupEnv(mocks)).plain[
            APP_ENV.httpKeepAliveTimeoutMs
          ],
        ),
      }),
      clientOptions: ({ fleet }) => unwrap(fleet.clientOptions),
    },
    expected: {
      appEnv: {
        httpKeepAliveTimeoutMs: GOOGLE_FRONT_END_KEEPALIVE_MS,
        redisTlsCa: CA_PEM,
        // The instance group's ceiling from an e2-small's memory: 2048 − 384 (COS) − 256 (the
        // metrics collector) = 1408 MiB, (1408 − 128) × 1024 ÷ 20 KiB = 65,536 connections.
        ...(cloudRun ? {} : { maxConnections: 65536 }),
      },
      redis: {
        reference: cloudRun
          ? { secretKeyRef: { secret: SECRET_ID, version: "1" } }
          : SECRET_VERSION("fleet-redis-url"),
        url: `rediss://:${AUTH_STRING}@${REDIS_HOST}:${REDIS_PORT}`,
        tls: true,
        server: { tls: true, password: AUTH_STRING },
      },
      url: (spec) => (spec.cors.origins.length > 0 ? `https://${DOMAIN}` : `http://${LB_IP}`),
      keepAlive: () => ({
        reuseWindows: { "Google front end backend keep-alive": 600 },
        appKeepAliveMs: 620_000,
      }),
    },
  };
}

/** The env file and the CA file of the cloud-init; the secret is the version the fetch reads. */
function instanceGroupEnv(mocks: MockRecorder): AppEnvironment {
  const config = parse(mocks.one(T.template).inputs.metadata["user-data"]) as {
    write_files: { path: string; content: string }[];
  };
  const files = Object.fromEntries(config.write_files.map((f) => [f.path, f.content]));
  const plain = parseEnvFile(files["/etc/socketio-fleet/app.env"]);
  const start = files["/etc/socketio-fleet/start.sh"];
  if (start.includes("--env=REDIS_TLS_CA")) {
    plain.REDIS_TLS_CA = files["/etc/socketio-fleet/redis-ca.pem"];
  }
  const fetch = /secretmanager\.googleapis\.com\/v1\/([^']+):access/.exec(
    files["/etc/socketio-fleet/fetch-redis-url.sh"],
  );
  if (!start.includes("--env-file=/run/socketio-fleet/redis.env") || fetch === null) {
    throw new Error("the start script must read the env file the fetch script writes");
  }
  return { plain, fromSecrets: { REDIS_URL: fetch[1] } };
}

function cloudRunEnv(mocks: MockRecorder): AppEnvironment {
  const containers = mocks.one(T.run).inputs.template.containers as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  // The app is the one ingress container; beside it only the metrics collector, without env.
  const [container, ...others] = containers.filter((c) => c.ports !== undefined);
  if (container === undefined || others.length > 0)
    throw new Error("one ingress container expected");
  const sidecars = containers.filter((c) => c !== container);
  if (sidecars.some((c) => c.name !== "collector" || c.envs !== undefined)) {
    throw new Error("only the metrics collector may run beside the app");
  }
  const envs = container.envs as { name: string; value?: string; valueSource?: unknown }[];
  return {
    plain: {
      ...Object.fromEntries(
        envs.filter((e) => e.value !== undefined).map((e) => [e.name, e.value as string]),
      ),
      // Cloud Run sets PORT itself, from `ports.containerPort` (it refuses PORT in `envs`).
      [APP_ENV.port]: String(container.ports.containerPort),
    },
    fromSecrets: Object.fromEntries(
      envs.filter((e) => e.valueSource !== undefined).map((e) => [e.name, e.valueSource]),
    ),
  };
}
