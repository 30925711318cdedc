import type { ResolvedFleetSpec, Transport } from "./args";
import { DEFAULT_METRICS_PORT, SPEC_OWNED_ENV_KEYS } from "./appEnvKeys";
import { isEnvName, isRecord, show } from "./checks";
import { READINESS_PATH, SOCKET_IO_PATH, FLEET_DEFAULTS } from "./defaults";
import type { PlatformProfile } from "./platform";
import { type Add, checkEnum, checkInteger, checkKnownKeys } from "./ruleKit";

const TRANSPORTS: readonly Transport[] = ["polling", "websocket"];

export function checkImage(image: unknown, add: Add) {
  if (image === undefined || image === null) {
    add("image", "`image` is required: the container image that runs the Socket.IO app");
  } else if (typeof image === "string" && image.trim() === "") {
    add("image", '`image` ("") is empty: give the container image, e.g. "ghcr.io/acme/chat:1.2.3"');
  } else if (typeof image !== "string" && typeof image !== "object") {
    add("image", `\`image\` (${show(image)}) must be a string (an image reference)`);
  }
}

/**
 * Every target runs the app's metrics listener on `DEFAULT_METRICS_PORT` (`METRICS_PORT`), which
 * no balancer routes: the app's own port cannot be that one (the node would not start).
 */
export function checkContainerPortFreeOfMetrics(containerPort: unknown, add: Add) {
  if (containerPort !== DEFAULT_METRICS_PORT) return;
  add(
    "containerPort",
    `\`containerPort\` (${DEFAULT_METRICS_PORT}) is the app's metrics port (\`METRICS_PORT\`, ` +
      "reachable only by monitoring, never by a load balancer): choose another port, e.g. 3000",
  );
}

export function checkTransports(value: unknown, add: Add): Transport[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    add(
      "transports",
      `\`transports\` (${show(value)}) must be an array such as ["polling", "websocket"]`,
    );
    return undefined;
  }
  if (value.length === 0) {
    add("transports", '`transports` ([]) is empty: use ["polling", "websocket"] or ["websocket"]');
    return undefined;
  }
  const seen = new Set<unknown>();
  value.forEach((t, i) => {
    if (!checkEnum(t, `transports[${i}]`, TRANSPORTS, add)) return;
    if (seen.has(t))
      add(
        `transports[${i}]`,
        `\`transports[${i}]\` (${show(t)}) is listed twice: remove the duplicate`,
      );
    seen.add(t);
  });
  return value.filter((t): t is Transport => TRANSPORTS.includes(t));
}

export function checkHeartbeat(
  value: unknown,
  add: Add,
): ResolvedFleetSpec["heartbeat"] | undefined {
  if (value !== undefined && !isRecord(value)) {
    add(
      "heartbeat",
      `\`heartbeat\` (${show(value)}) must be an object such as { pingIntervalMs: 25000 }`,
    );
    return undefined;
  }
  const h = value ?? {};
  checkKnownKeys(h, "heartbeat.", ["pingIntervalMs", "pingTimeoutMs"], add);
  const interval = checkInteger(h, "pingIntervalMs", 1000, 600_000, "heartbeat.", add);
  const timeout = checkInteger(h, "pingTimeoutMs", 1000, 600_000, "heartbeat.", add);
  if (
    (h.pingIntervalMs !== undefined && interval === undefined) ||
    (h.pingTimeoutMs !== undefined && timeout === undefined)
  ) {
    return undefined;
  }
  return {
    pingIntervalMs: interval ?? FLEET_DEFAULTS.heartbeat.pingIntervalMs,
    pingTimeoutMs: timeout ?? FLEET_DEFAULTS.heartbeat.pingTimeoutMs,
  };
}

export function checkConnectionTimeout(
  value: unknown,
  platform: PlatformProfile,
  heartbeat: ResolvedFleetSpec["heartbeat"] | undefined,
  add: Add,
) {
  const field = "connectionTimeoutSeconds";
  const { min, max } = platform.connectionTimeoutSeconds;
  const timeout = checkInteger(
    { [field]: value },
    field,
    min,
    max,
    "",
    add,
    ` on ${platform.name}`,
  );
  if (timeout === undefined || heartbeat === undefined) return;
  const beat = (heartbeat.pingIntervalMs + heartbeat.pingTimeoutMs) / 1000;
  if (timeout <= beat) {
    add(
      field,
      `\`${field}\` (${timeout}) must be longer than the heartbeat (pingInterval + pingTimeout = ${beat} s), or the load balancer cuts healthy idle connections; use at least ${Math.floor(beat) + 1}, e.g. 3600`,
    );
  }
}

export function checkHealthCheckPath(value: unknown, add: Add) {
  const field = "healthCheckPath";
  if (value === undefined) return;
  if (typeof value !== "string" || !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/.test(value)) {
    add(
      field,
      `\`${field}\` (${show(value)}) must be a URL path starting with "/", e.g. "/healthz"`,
    );
  } else if (value === READINESS_PATH) {
    add(
      field,
      `\`${field}\` ("${READINESS_PATH}") is the readiness path, which fails while a node drains; a liveness probe on it would kill draining nodes. Use "/healthz"`,
    );
  } else if (value.startsWith(SOCKET_IO_PATH)) {
    add(
      field,
      `\`${field}\` (${show(value)}) is under Socket.IO's path ${SOCKET_IO_PATH}: use "/healthz"`,
    );
  }
}

export function checkEnv(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!isRecord(value)) {
    add("env", `\`env\` (${show(value)}) must be an object of variable names to values`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const field = `env.${key}`;
    if (!isEnvName(key))
      add(
        field,
        `\`${field}\` is not a valid variable name: use letters, digits and _, not starting with a digit`,
      );
    else if (SPEC_OWNED_ENV_KEYS.includes(key))
      add(
        field,
        `\`${field}\` overrides the app environment contract, which the fleet sets from the spec: set the matching spec field instead`,
      );
    if (typeof v !== "string" && (typeof v !== "object" || v === null)) {
      add(field, `\`${field}\` (${show(v)}) must be a string`);
    }
  }
}
