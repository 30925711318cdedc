/**
 * Turns recorded inputs into plan values: secrets redacted, keys sorted, JSON documents in
 * strings (ECS container definitions, IAM policies) expanded so a diff can name the field that
 * changed. Pure; the inverse of the expansion is `collapseJsonStrings`.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isSecretInput } from "../../test/helpers/mocks";
import { COMPUTED, JSON_KEY, SECRET, type PlanValue } from "./types";

/** The engine's marker for a value unknown at plan time (`@pulumi/pulumi` runtime/rpc). */
const UNKNOWN_SENTINEL: string = pulumi.runtime.unknownValue;

/**
 * Inputs as a plan shows them. `secretKeys` are top-level inputs the provider marks secret
 * (`additionalSecretOutputs`): redacted even when the program passed them as plain values.
 */
export function planInputs(
  inputs: Record<string, unknown>,
  secretKeys: readonly string[] = [],
): { [key: string]: PlanValue } {
  const redacted = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [
      k,
      secretKeys.includes(k) && v !== undefined ? SECRET : v,
    ]),
  );
  return planValue(redacted, "") as { [key: string]: PlanValue };
}

/** One value as a plan shows it; `path` only names the place in an error. */
export function planValue(value: unknown, path: string): PlanValue {
  if (isSecretInput(value)) return SECRET;
  // A preview deserializes the engine's unknown to `pulumi.Unknown`; the raw marker is the same.
  if (value === UNKNOWN_SENTINEL || pulumi.isUnknown(value)) return COMPUTED;
  if (value === null || typeof value === "boolean" || typeof value === "number") return value;
  if (typeof value === "string") return expandJson(value, path);
  if (Array.isArray(value)) return value.map((v, i) => planValue(v ?? null, `${path}[${i}]`));
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
    return { asset: assetDescription(value) };
  }
  if (typeof value === "object" && (value as object).constructor === Object) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, planValue(v, path ? `${path}.${k}` : k)]);
    return Object.fromEntries(entries);
  }
  throw new Error(`plan: cannot show the value at \`${path}\` (${describe(value)}) in a plan`);
}

/** A provider reference, `<provider urn>::<id>`, with an id not known before apply as `[computed]`. */
export function planProvider(reference: string): string {
  return reference.split(UNKNOWN_SENTINEL).join(COMPUTED);
}

/** A string holding a JSON object or array becomes `{ "[json]": <document> }`. */
function expandJson(text: string, path: string): PlanValue {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  // Only a document that prints back as the same text is expanded, so the plan stays faithful.
  if (typeof parsed !== "object" || parsed === null || JSON.stringify(parsed) !== text) return text;
  return { [JSON_KEY]: planValue(parsed, `${path}(json)`) };
}

/** The inverse of the JSON expansion: plan inputs back into the shapes a provider receives. */
export function collapseJsonStrings(value: PlanValue): unknown {
  if (Array.isArray(value)) return value.map(collapseJsonStrings);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === JSON_KEY) {
    return JSON.stringify(collapseJsonStrings(value[JSON_KEY]));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, collapseJsonStrings(v)]));
}

/** JSON with 2-space indent and a trailing newline: the committed form of a plan. */
export function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function assetDescription(value: object): string {
  const fields = value as { path?: unknown; uri?: unknown; text?: unknown };
  // Relative to the project root (where the program runs), so no machine's path is committed.
  if (typeof fields.path === "string") return `file:${path.relative(process.cwd(), fields.path)}`;
  if (typeof fields.uri === "string") return `uri:${fields.uri}`;
  return "inline";
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null) return value.constructor?.name ?? "object";
  return typeof value;
}
