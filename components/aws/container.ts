/** The fleet's one container definition (ECS `containerDefinitions` JSON), as a pure function. */
import { APP_ENV, type ResolvedFleetSpec } from "../shared";

/** The container's name in the task definition (the target group routes to it). */
export const CONTAINER_NAME = "app";

/**
 * The container health check: liveness (`healthCheckPath`), never readiness, so a node that is
 * draining or waiting for Redis is not killed. Node's own `fetch`, because slim images have no
 * curl (the same probe as `app/Dockerfile`'s HEALTHCHECK, which ECS ignores). Interval, timeout
 * and retries as there; ECS allows 5–300 s, 2–60 s and 1–10.
 */
export function livenessHealthCheck(port: number, path: string) {
  const probe =
    `fetch('http://127.0.0.1:${port}${path}')` +
    ".then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))";
  return {
    command: ["CMD", "node", "-e", probe],
    interval: 10,
    timeout: 3,
    retries: 3,
    // The app listens within a second or two; Fargate's image pull is not counted.
    startPeriod: 10,
  };
}

export interface ContainerDefinitionOptions {
  spec: ResolvedFleetSpec;
  image: string;
  /** The contract's plain values and the user's `env`; empty values are left out (see below). */
  environment: Record<string, string>;
  /** `valueFrom` of `REDIS_URL`: the secret's ARN pinned to one version (see `secretVersionRef`). */
  redisUrlFrom: string;
  logGroupName: string;
  region: string;
  stopTimeoutSeconds: number;
}

/**
 * The container definition. Choices that are not obvious:
 * - Empty values are left out of `environment`: ECS drops them when it registers the task
 *   definition, so the provider would see a diff on every `pulumi up` and replace the task
 *   definition each time (pulumi/pulumi-aws#4576, hashicorp/terraform-provider-aws#39533). The app
 *   reads an absent key exactly as an empty one (`parseAppEnv`).
 * - No `/tmp` mount: ECS creates a task volume root-owned 0755, so the image's uid 10001 could
 *   not write it anyway, and the app writes no files (logs go to stdout). The root filesystem
 *   stays read-only.
 * - Only the app port is mapped: the metrics port (`METRICS_PORT`) is neither mapped nor opened
 *   by any security group, so nothing outside the task reaches it.
 */
export function containerDefinition(o: ContainerDefinitionOptions): Record<string, unknown> {
  return {
    name: CONTAINER_NAME,
    image: o.image,
    essential: true,
    portMappings: [
      { containerPort: o.spec.containerPort, hostPort: o.spec.containerPort, protocol: "tcp" },
    ],
    environment: Object.entries(o.environment)
      .filter(([, value]) => value !== "")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value })),
    secrets: [{ name: APP_ENV.redisUrl, valueFrom: o.redisUrlFrom }],
    readonlyRootFilesystem: true,
    healthCheck: livenessHealthCheck(o.spec.containerPort, o.spec.healthCheckPath),
    stopTimeout: o.stopTimeoutSeconds,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": o.logGroupName,
        "awslogs-region": o.region,
        "awslogs-stream-prefix": CONTAINER_NAME,
      },
    },
  };
}

/**
 * A Secrets Manager reference pinned to one version:
 * `arn:…:secret:NAME-AbCdEf:json-key:version-stage:version-id`, with no JSON key and no stage
 * (the ECS "Specifying sensitive data" format; Fargate platform 1.4.0+). A new secret value is a
 * new version id, so the task definition changes, ECS registers a new revision and rolls the
 * service: tasks never keep a rotated-away Redis URL, and every task of one revision reads the
 * same version (a scale-out during a rotation cannot mix old and new).
 */
export function secretVersionRef(secretArn: string, versionId: string): string {
  return `${secretArn}:::${versionId}`;
}
