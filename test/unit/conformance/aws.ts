/** The AWS target (ALB + ECS Fargate + ElastiCache), read back from the recorded inputs. */
import { AwsSocketIoFleet } from "../../../components/aws";
import { awsNodeCapacity } from "../../../components/aws/validateMonitoring";
import { APP_ENV } from "../../../components/shared";
import { isSecretInput, type MockRecorder } from "../../helpers/mocks";
import { unwrap } from "../../helpers/unwrap";
import {
  ALB_DNS,
  AUTH_TOKEN,
  REDIS_HOST,
  T,
  awsMocks,
  containers,
  secretVersionId,
} from "../aws/fixtures";
import { type SharedSpec, type Stickiness, type TargetAdapter } from "./suite";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e";
const DOMAIN = "chat.example.com";

interface Built {
  mocks: MockRecorder;
  fleet: AwsSocketIoFleet;
}

/** Whether the spec needs an HTTPS front: cross-origin cookie stickiness needs TLS on AWS. */
function needsTls(spec: SharedSpec): boolean {
  return (spec.cors?.origins ?? []).length > 0;
}

/** The plain environment of the task's app container (the other one is the metrics collector). */
function appEnvOf(mocks: MockRecorder): Record<string, string> {
  const apps = containers(mocks).filter((c) => c.name === "app");
  if (apps.length !== 1) throw new Error("one app container expected");
  const [app] = apps;
  return Object.fromEntries(
    (app.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]),
  );
}

export const awsTarget: TargetAdapter<Built> = {
  name: "AwsSocketIoFleet",
  refuses: ["client-ip"],
  lacks: {},
  async build(spec) {
    const mocks = await awsMocks();
    const tls = needsTls(spec) ? { certificateArn: CERT, domainName: DOMAIN } : {};
    try {
      const fleet = new AwsSocketIoFleet("fleet", {
        image: "ghcr.io/acme/chat:1.2.3",
        ...spec,
        ...tls,
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
      const s = mocks.one(T.tg).inputs.stickiness;
      if (s.enabled !== true) return { enabled: false };
      if (s.type !== "lb_cookie" && s.type !== "app_cookie") {
        throw new Error(`unknown target-group stickiness type ${s.type}`);
      }
      return { enabled: true, by: "cookie", ttlSeconds: s.cookieDuration };
    },
    timeouts: ({ mocks }) => ({
      connection: { "load balancer idleTimeout": mocks.one(T.lb).inputs.idleTimeout },
      exchange: {},
    }),
    env({ mocks }) {
      const [app] = containers(mocks).filter((c) => c.name === "app");
      const plain = appEnvOf(mocks);
      const fromSecrets = Object.fromEntries(
        (app.secrets as { name: string; valueFrom: string }[]).map((s) => [s.name, s.valueFrom]),
      );
      return { plain, fromSecrets };
    },
    redis({ mocks }) {
      // The version of the one secret the task definition references, linked by id.
      const secret = mocks.one(T.secret);
      const version = mocks.one(T.secretVersion);
      if (version.inputs.secretId !== `${secret.name}-id`) {
        throw new Error(`the secret version writes ${version.inputs.secretId}`);
      }
      const group = mocks.one(T.replicationGroup).inputs;
      return {
        storedUrl: version.inputs.secretString,
        storedAsSecret: isSecretInput(version.rawInputs.secretString),
        server: { tls: group.transitEncryptionEnabled, password: group.authToken },
      };
    },
    url: ({ fleet }) => unwrap(fleet.url),
    keepAlive: ({ mocks }) => ({
      // The ALB reuses an idle target connection up to its idle timeout.
      reuseWindows: { "load balancer idleTimeout": mocks.one(T.lb).inputs.idleTimeout },
      appKeepAliveMs: Number(appEnvOf(mocks)[APP_ENV.httpKeepAliveTimeoutMs]),
    }),
    clientOptions: ({ fleet }) => unwrap(fleet.clientOptions),
  },
  expected: {
    // The default task's hard ceiling (`awsNodeCapacity`): 80 % of what 896 MiB beside the
    // metrics collector holds.
    appEnv: { maxConnections: awsNodeCapacity({}).maxConnections },
    redis: {
      // Pinned to the version holding the URL, so a new URL rolls the tasks.
      reference: `arn:mock:${T.secret}:fleet-redis-url:::${secretVersionId(
        `rediss://:${encodeURIComponent(AUTH_TOKEN)}@${REDIS_HOST}:6379`,
      )}`,
      url: `rediss://:${encodeURIComponent(AUTH_TOKEN)}@${REDIS_HOST}:6379`,
      tls: true,
      server: { tls: true, password: AUTH_TOKEN },
    },
    url: (spec) => (spec.cors.origins.length > 0 ? `https://${DOMAIN}` : `http://${ALB_DNS}`),
    // ALB idle timeout (= connectionTimeoutSeconds) plus 5 s.
    keepAlive: (spec) => ({
      reuseWindows: { "load balancer idleTimeout": spec.connectionTimeoutSeconds },
      appKeepAliveMs: (spec.connectionTimeoutSeconds + 5) * 1000,
    }),
  },
};
