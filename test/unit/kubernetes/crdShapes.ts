/**
 * The fields of the CRDs we render, transcribed from their controllers' Go types (kubernetes-models
 * has no GKE or Gateway API package here), with a tiny checker that rejects unknown fields, wrong
 * types and bad enum values, so a misspelt field (which the API server would prune or reject)
 * fails a test.
 * - BackendConfig: kubernetes/ingress-gce `pkg/apis/backendconfig/v1/types.go`
 * - FrontendConfig: kubernetes/ingress-gce `pkg/apis/frontendconfig/v1beta1/types.go`
 * - HTTPRoute: kubernetes-sigs/gateway-api `apis/v1/httproute_types.go`, `shared_types.go`
 *   (experimental channel for `sessionPersistence`; `Duration` pattern from the CRD).
 */
export type Shape =
  | "string"
  | "integer"
  | "boolean"
  | { enum: readonly string[] }
  | { pattern: RegExp; maxLength?: number }
  | { object: Record<string, Shape>; required?: readonly string[] }
  | { array: Shape };

const DURATION: Shape = { pattern: /^([0-9]{1,5}(h|m|s|ms)){1,4}$/ };
const OBJECT_NAME: Shape = {
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  maxLength: 253,
};

export const BACKEND_CONFIG_SPEC: Shape = {
  object: {
    timeoutSec: "integer",
    connectionDraining: { object: { drainingTimeoutSec: "integer" } },
    sessionAffinity: {
      object: {
        affinityType: {
          enum: ["NONE", "CLIENT_IP", "GENERATED_COOKIE", "HTTP_COOKIE", "HEADER_FIELD"],
        },
        affinityCookieTtlSec: "integer",
      },
    },
    healthCheck: {
      object: {
        checkIntervalSec: "integer",
        timeoutSec: "integer",
        healthyThreshold: "integer",
        unhealthyThreshold: "integer",
        type: { enum: ["HTTP", "HTTPS", "HTTP2"] },
        port: "integer",
        requestPath: { pattern: /^\// },
      },
    },
    customRequestHeaders: { object: { headers: { array: "string" } } },
    customResponseHeaders: { object: { headers: { array: "string" } } },
    securityPolicy: { object: { name: "string" }, required: ["name"] },
    logging: { object: { enable: "boolean" } },
  },
};

export const FRONTEND_CONFIG_SPEC: Shape = {
  object: {
    sslPolicy: "string",
    redirectToHttps: {
      object: {
        enabled: "boolean",
        responseCodeName: {
          enum: ["MOVED_PERMANENTLY_DEFAULT", "FOUND", "TEMPORARY_REDIRECT", "PERMANENT_REDIRECT"],
        },
      },
      required: ["enabled"],
    },
  },
};

export const HTTP_ROUTE_SPEC: Shape = {
  object: {
    parentRefs: {
      array: {
        object: {
          group: "string",
          kind: "string",
          namespace: OBJECT_NAME,
          name: OBJECT_NAME,
          sectionName: "string",
          port: "integer",
        },
        required: ["name"],
      },
    },
    hostnames: {
      array: {
        pattern: /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      },
    },
    rules: {
      array: {
        object: {
          name: "string",
          matches: {
            array: {
              object: {
                path: {
                  object: {
                    type: { enum: ["Exact", "PathPrefix", "RegularExpression"] },
                    value: { pattern: /^\//, maxLength: 1024 },
                  },
                },
              },
            },
          },
          backendRefs: {
            array: {
              object: {
                group: "string",
                kind: "string",
                name: OBJECT_NAME,
                namespace: OBJECT_NAME,
                port: "integer",
                weight: "integer",
              },
              required: ["name"],
            },
          },
          timeouts: { object: { request: DURATION, backendRequest: DURATION } },
          sessionPersistence: {
            object: {
              sessionName: { pattern: /^.*$/, maxLength: 128 },
              absoluteTimeout: DURATION,
              idleTimeout: DURATION,
              type: { enum: ["Cookie", "Header"] },
              cookieConfig: { object: { lifetimeType: { enum: ["Permanent", "Session"] } } },
            },
          },
        },
      },
    },
  },
};

/** Every way `value` departs from `shape`, as `path: reason` lines (empty when it conforms). */
export function shapeProblems(value: unknown, shape: Shape, path = "spec"): string[] {
  if (shape === "string") return typeof value === "string" ? [] : [`${path}: not a string`];
  if (shape === "integer") return Number.isInteger(value) ? [] : [`${path}: not an integer`];
  if (shape === "boolean") return typeof value === "boolean" ? [] : [`${path}: not a boolean`];
  if ("enum" in shape) {
    return shape.enum.includes(value as string)
      ? []
      : [`${path}: ${String(value)} not in ${shape.enum.join("|")}`];
  }
  if ("pattern" in shape) {
    if (typeof value !== "string") return [`${path}: not a string`];
    if (shape.maxLength !== undefined && value.length > shape.maxLength)
      return [`${path}: too long`];
    return shape.pattern.test(value) ? [] : [`${path}: ${value} does not match ${shape.pattern}`];
  }
  if ("array" in shape) {
    if (!Array.isArray(value)) return [`${path}: not an array`];
    return value.flatMap((v, i) => shapeProblems(v, shape.array, `${path}[${i}]`));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [`${path}: not an object`];
  const obj = value as Record<string, unknown>;
  const problems = Object.keys(obj)
    .filter((k) => !(k in shape.object))
    .map((k) => `${path}.${k}: unknown field`);
  for (const key of shape.required ?? []) {
    if (obj[key] === undefined) problems.push(`${path}.${key}: required`);
  }
  for (const [key, v] of Object.entries(obj)) {
    if (key in shape.object && v !== undefined)
      problems.push(...shapeProblems(v, shape.object[key], `${path}.${key}`));
  }
  return problems;
}
