/**
 * The redis exporter sidecar beside the in-cluster Valkey, for the Redis memory alert and the
 * dashboard (oliver006/redis_exporter v1.88.0, MIT). It reaches Valkey over the pod's loopback
 * (no NetworkPolicy applies inside a pod; the Valkey pod keeps no egress at all) and reads the
 * password from a file mounted from the fleet's Secret, never from its environment or arguments.
 *
 * Verified in the repository at v1.88.0: `main.go` reads `REDIS_ADDR` (default
 * `redis://localhost:6379`), `REDIS_PASSWORD_FILE` (a JSON map from Redis URL to password, used
 * when no password is given, README "redis.password-file" and `contrib/sample-pwd-file.json`) and
 * listens on `:9121`; the `Dockerfile`'s release image is `FROM scratch`, `USER 59000:59000`
 * (we run it as the fleet's own non-root ids); the release workflow tags `v1.88.0` on Docker Hub,
 * ghcr.io and quay.io. `maxmemory` is exported as `redis_memory_max_bytes`
 * (`exporter/exporter.go`), which the alert divides by.
 */
import type * as inputs from "@pulumi/kubernetes/types/input";
import { containerSecurityContext, REDIS_SECRET_KEYS } from "./common";
import { REDIS_EXPORTER_PORT } from "./monitoring";
import { METRICS_PORT_NAME } from "./workload";

/** Pinned: the newest release (2026-07-23). */
export const REDIS_EXPORTER_IMAGE = "oliver006/redis_exporter:v1.88.0";
export const REDIS_EXPORTER_CONTAINER = "redis-exporter";
const SECRET_DIR = "/etc/redis-exporter";

/** The URL the exporter scrapes: Valkey on the pod's loopback. */
export function exporterRedisUrl(port: number): string {
  return `redis://127.0.0.1:${port}`;
}

/** The password file's content for `password`. */
export function exporterPasswordFile(password: string, port: number): string {
  return JSON.stringify({ [exporterRedisUrl(port)]: password });
}

/**
 * Small and capped: one Go binary answering a scrape every 30 s (`INFO`, `CONFIG GET`, no key
 * scans: `--check-keys` is not set).
 */
export const REDIS_EXPORTER_RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
} as const;

export function redisExporterContainer(port: number): inputs.core.v1.Container {
  return {
    name: REDIS_EXPORTER_CONTAINER,
    image: REDIS_EXPORTER_IMAGE,
    env: [
      { name: "REDIS_ADDR", value: exporterRedisUrl(port) },
      {
        name: "REDIS_PASSWORD_FILE",
        value: `${SECRET_DIR}/${REDIS_SECRET_KEYS.exporterPasswords}`,
      },
    ],
    ports: [{ name: METRICS_PORT_NAME, containerPort: REDIS_EXPORTER_PORT, protocol: "TCP" }],
    resources: {
      requests: { ...REDIS_EXPORTER_RESOURCES.requests },
      limits: { ...REDIS_EXPORTER_RESOURCES.limits },
    },
    securityContext: containerSecurityContext(),
    volumeMounts: [{ name: "exporter-secret", mountPath: SECRET_DIR, readOnly: true }],
  };
}

/** The volume holding the password file (group-readable for the pod's fsGroup only). */
export function redisExporterVolume(secretName: string): inputs.core.v1.Volume {
  return {
    name: "exporter-secret",
    secret: {
      secretName,
      defaultMode: 0o440,
      items: [
        { key: REDIS_SECRET_KEYS.exporterPasswords, path: REDIS_SECRET_KEYS.exporterPasswords },
      ],
    },
  };
}
