/** Small pure predicates shared by the spec validator and the app environment parser. */

/** RFC 6265 `token`: visible ASCII except separators. */
const COOKIE_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isCookieToken(value: string): boolean {
  return COOKIE_TOKEN.test(value);
}

export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks that `value` is exactly a browser origin, `http(s)://host[:port]`, as browsers send it
 * in the `Origin` header. Returns `undefined` when it is, else the reason and, where one can be
 * derived, the origin the user probably meant.
 */
export function originProblem(value: string): { reason: string; suggestion?: string } | undefined {
  if (value.includes("*")) {
    return { reason: "wildcards are not allowed; list every origin explicitly" };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { reason: "it is not a URL; write it as `https://host[:port]`" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { reason: `the scheme must be http or https, not ${url.protocol.slice(0, -1)}` };
  }
  if (url.origin === value) return undefined;
  return {
    reason:
      "an origin is exactly `scheme://host[:port]` as the browser sends it (lower-case, no path, " +
      "no trailing slash, no default port, no credentials)",
    suggestion: url.origin,
  };
}

/** An environment variable name as POSIX shells accept it. */
export function isEnvName(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}

/** A printable rendering of any value for messages; never throws. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number" || typeof value === "boolean" || value == null) {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    // fall through: circular, or a value JSON cannot render
  }
  try {
    return String(value);
  } catch {
    return `a ${typeof value}`;
  }
}
