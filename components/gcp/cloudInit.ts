/**
 * The `user-data` that starts a Socket.IO node on Container-Optimized OS: a `#cloud-config` with
 * a systemd unit that runs the container with `docker run`, the way Google's own Fabric module
 * (cloud-foundation-fabric `modules/cloud-config-container/cos-generic-metadata`) does it, since
 * the container-declaration agent (`gce-container-declaration`) stopped working for new VMs on
 * 2026-07-31. COS applies cloud-init on every boot: its `/etc` is a stateless tmpfs
 * (cloud.google.com/container-optimized-os/docs/concepts/disks-and-filesystem).
 *
 * The Redis URL never appears here (instance metadata is readable by anything on the VM and by
 * anyone with `compute.instances.get`): `ExecStartPre` fetches the secret version from Secret
 * Manager with the VM's service-account token from the metadata server, into an env file on
 * `/run` (tmpfs, root only), which `docker run --env-file` reads at each start. COS has `curl`,
 * `sed` and `base64` but no gcloud, so the fetch uses the REST API. Pure functions, no Pulumi.
 */
import { stringify } from "yaml";
import { APP_ENV } from "../shared";
import { COLLECTOR_UNIT, collectorFiles, type VmCollectorInput } from "./vmCollector";

/** Name of the unit and of the container. */
export const UNIT_NAME = "socketio-fleet";
/** Where the plain config lives (tmpfs, rewritten by cloud-init on every boot). */
export const CONFIG_DIR = "/etc/socketio-fleet";
/** Where the fetched secret lives (tmpfs, root only). */
export const SECRET_DIR = "/run/socketio-fleet";
/** A home for docker-credential-gcr: COS's root home is read-only; /home is writable. */
export const CREDENTIAL_USER = { name: "socketio-fleet", uid: 2000 } as const;
/** SIGTERM → SIGKILL for the container: the app drains in 25 s (APP_DRAIN_SECONDS), plus margin. */
export const CONTAINER_STOP_SECONDS = 30;

export const METADATA_URL = "http://metadata.google.internal/computeMetadata/v1";
export const SECRET_MANAGER_URL = "https://secretmanager.googleapis.com/v1";

export interface CloudConfigInput {
  image: string;
  containerPort: number;
  /** The plain app environment (no secrets, no line breaks; the validator refuses those). */
  env: Record<string, string>;
  /** `projects/…/secrets/…/versions/N` holding the Redis URL. */
  redisSecretVersion: string;
  /** PEM of the CA the app must trust for Redis (Memorystore's server CA). */
  redisTlsCa?: string;
  /** The metrics collector beside the app (`vmCollector.ts`); unset: none. */
  collector?: VmCollectorInput;
}

/** Paths and binaries, overridable so tests can run the scripts outside a VM. */
export interface HostPaths {
  configDir: string;
  secretDir: string;
  docker: string;
  metadataUrl: string;
  secretManagerUrl: string;
}

export const COS_PATHS: HostPaths = {
  configDir: CONFIG_DIR,
  secretDir: SECRET_DIR,
  docker: "/usr/bin/docker",
  metadataUrl: METADATA_URL,
  secretManagerUrl: SECRET_MANAGER_URL,
};

/** The `#cloud-config` text for the instance template's `user-data`. */
export function renderCloudConfig(input: CloudConfigInput, paths: HostPaths = COS_PATHS): string {
  const files = [
    file(`${paths.configDir}/app.env`, "0644", renderEnvFile(input.env)),
    file(`${paths.configDir}/fetch-redis-url.sh`, "0700", renderFetchScript(input, paths)),
    file(`${paths.configDir}/start.sh`, "0700", renderStartScript(input, paths)),
    file(`/etc/systemd/system/${UNIT_NAME}.service`, "0644", renderUnit(input.image, paths)),
  ];
  if (input.redisTlsCa !== undefined) {
    files.splice(1, 0, file(`${paths.configDir}/redis-ca.pem`, "0644", input.redisTlsCa));
  }
  const units = [UNIT_NAME];
  if (input.collector !== undefined) {
    const collectorPaths = { configDir: paths.configDir, docker: paths.docker, appUnit: UNIT_NAME };
    for (const f of collectorFiles(input.collector, collectorPaths)) {
      files.push(file(f.path, f.permissions, f.content));
    }
    units.push(COLLECTOR_UNIT);
  }
  const config = {
    users: [{ name: CREDENTIAL_USER.name, uid: CREDENTIAL_USER.uid }],
    write_files: files,
    runcmd: ["systemctl daemon-reload", ...units.map((u) => `systemctl start ${u}.service`)],
  };
  return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

/** The systemd unit: fetch the secret, then run the container; restart it whenever it stops. */
export function renderUnit(image: string, paths: HostPaths = COS_PATHS): string {
  const registry = googleRegistryOf(image);
  const lines = [
    "[Unit]",
    "Description=Socket.IO fleet node (socketio-fleet)",
    "Wants=network-online.target gcr-online.target docker.socket",
    "After=network-online.target gcr-online.target docker.socket",
    // Retry forever: Redis or IAM may not be ready yet on a first deploy.
    "StartLimitIntervalSec=0",
    "",
    "[Service]",
    `Environment=HOME=/home/${CREDENTIAL_USER.name}`,
    ...(registry === undefined
      ? []
      : [`ExecStartPre=/usr/bin/docker-credential-gcr configure-docker --registries=${registry}`]),
    `ExecStartPre=/bin/bash ${paths.configDir}/fetch-redis-url.sh`,
    `ExecStartPre=-${paths.docker} rm --force ${UNIT_NAME}`,
    `ExecStart=/bin/bash ${paths.configDir}/start.sh`,
    `ExecStop=${paths.docker} stop --time=${CONTAINER_STOP_SECONDS} ${UNIT_NAME}`,
    "Restart=always",
    "RestartSec=5",
    `TimeoutStopSec=${CONTAINER_STOP_SECONDS + 15}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ];
  return lines.join("\n");
}

/**
 * The container's command line. It publishes exactly the app port, and with a collector the
 * metrics port on the VM's loopback only (127.0.0.1, where the collector scrapes it); COS's host
 * firewall opens only what `docker run -p` publishes
 * (cloud.google.com/container-optimized-os/docs/how-to/firewall).
 */
export function renderStartScript(
  input: Pick<CloudConfigInput, "image" | "containerPort" | "redisTlsCa" | "collector">,
  paths: HostPaths = COS_PATHS,
): string {
  const port = input.containerPort;
  const metrics = input.collector?.metricsPort;
  const ca = input.redisTlsCa !== undefined;
  return [
    "#!/bin/bash",
    "# Runs the Socket.IO node (written by socketio-fleet; started by its systemd unit).",
    "set -euo pipefail",
    // A PEM spans lines, which an env file cannot carry: pass it through the environment.
    ...(ca
      ? [
          `${APP_ENV.redisTlsCa}="$(cat ${paths.configDir}/redis-ca.pem)"`,
          `export ${APP_ENV.redisTlsCa}`,
        ]
      : []),
    `exec ${paths.docker} run --rm --name=${UNIT_NAME} \\`,
    `  --publish=${port}:${port} \\`,
    ...(metrics === undefined ? [] : [`  --publish=127.0.0.1:${metrics}:${metrics} \\`]),
    "  --read-only --tmpfs=/tmp \\",
    "  --log-driver=gcplogs \\",
    `  --stop-timeout=${CONTAINER_STOP_SECONDS} \\`,
    `  --env-file=${paths.configDir}/app.env \\`,
    `  --env-file=${paths.secretDir}/redis.env \\`,
    ...(ca ? [`  --env=${APP_ENV.redisTlsCa} \\`] : []),
    `  ${shellQuote(input.image)}`,
    "",
  ].join("\n");
}

/**
 * Fetches the Redis URL: an access token for the VM's service account from the metadata server,
 * then the secret version from Secret Manager. The token goes to curl on stdin, never on a command
 * line (which any local user could read in `ps`); the env file is written atomically, mode 0600.
 */
export function renderFetchScript(
  input: Pick<CloudConfigInput, "redisSecretVersion">,
  paths: HostPaths = COS_PATHS,
): string {
  const out = `${paths.secretDir}/redis.env`;
  return [
    "#!/bin/bash",
    "# Writes REDIS_URL from Secret Manager to a root-only env file (written by socketio-fleet).",
    "set -euo pipefail",
    "umask 077",
    `mkdir -p ${paths.secretDir}`,
    `token_json="$(curl --silent --show-error --fail --retry 5 --retry-connrefused \\`,
    `  --header 'Metadata-Flavor: Google' \\`,
    `  '${paths.metadataUrl}/instance/service-accounts/default/token')"`,
    `token="$(printf '%s' "$token_json" | sed -n 's/.*"access_token"[[:space:]]*:[[:space:]]*"\\([^"]*\\)".*/\\1/p')"`,
    `if [ -z "$token" ]; then echo 'no access token from the metadata server' >&2; exit 1; fi`,
    `secret_json="$(printf 'Authorization: Bearer %s\\n' "$token" | \\`,
    `  curl --silent --show-error --fail --retry 5 --header @- \\`,
    `  '${paths.secretManagerUrl}/${input.redisSecretVersion}:access')"`,
    `data="$(printf '%s' "$secret_json" | tr -d ' \\n' | sed -n 's/.*"data":"\\([^"]*\\)".*/\\1/p')"`,
    `if [ -z "$data" ]; then echo 'no payload in the Secret Manager response' >&2; exit 1; fi`,
    `url="$(printf '%s' "$data" | base64 --decode)"`,
    `printf '${APP_ENV.redisUrl}=%s\\n' "$url" > ${out}.tmp`,
    `mv ${out}.tmp ${out}`,
    "",
  ].join("\n");
}

/** `KEY=value` lines for `docker run --env-file` (which takes values verbatim, unquoted). */
export function renderEnvFile(env: Record<string, string>): string {
  return (
    Object.entries(env)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("\n") + "\n"
  );
}

/**
 * The registry host of `image` when it is Artifact Registry or Container Registry, whose pulls
 * need `docker-credential-gcr`; other registries are pulled anonymously (through Cloud NAT).
 */
export function googleRegistryOf(image: string): string | undefined {
  const host = image.split("/")[0];
  return /^([a-z0-9-]+-docker\.pkg\.dev|([a-z]+\.)?gcr\.io)$/.test(host) ? host : undefined;
}

/** `LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/…` → its repository, for the reader role. */
export function artifactRegistryRepositoryOf(
  image: string,
): { location: string; project: string; repository: string } | undefined {
  const m = /^([a-z0-9-]+)-docker\.pkg\.dev\/([^/]+)\/([^/]+)\/.+/.exec(image);
  return m === null ? undefined : { location: m[1], project: m[2], repository: m[3] };
}

function file(path: string, permissions: string, content: string) {
  return { path, permissions, owner: "root", content };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
