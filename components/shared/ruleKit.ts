import { isIntegerIn, isRecord, show } from "./checks";

/** One thing wrong with a spec: the dotted field path and a sentence naming value and fix. */
export interface FleetSpecProblem {
  field: string;
  message: string;
}

/** Records a problem; rules call it once per independent mistake. */
export type Add = (field: string, message: string) => void;

export function checkKnownKeys(
  obj: Record<string, unknown>,
  prefix: string,
  known: string[],
  add: Add,
) {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2);
    add(
      prefix + key,
      `\`${prefix}${key}\` is not a known field` +
        (near ? `: did you mean \`${prefix}${near}\`?` : `; known fields: ${known.join(", ")}`),
    );
  }
}

export function checkInteger(
  obj: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  prefix: string,
  add: Add,
  why = "",
): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (isIntegerIn(value, min, max)) return value;
  add(
    prefix + key,
    `\`${prefix}${key}\` (${show(value)}) must be an integer from ${min} to ${max}${why}`,
  );
  return undefined;
}

export function checkEnum(
  value: unknown,
  field: string,
  allowed: readonly string[],
  add: Add,
): boolean {
  if (value === undefined || allowed.includes(value as string)) return true;
  add(
    field,
    `\`${field}\` (${show(value)}) must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`,
  );
  return false;
}

/** Levenshtein distance, for "did you mean" on misspelt fields. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * Problems with a target's TypeScript-only `transform` option: an object of callbacks, one per
 * child it names in `known`. Shared by every target so they refuse the same mistakes alike.
 */
export function transformProblems(value: unknown, known: readonly string[]): FleetSpecProblem[] {
  const problems: FleetSpecProblem[] = [];
  const add: Add = (field, message) => problems.push({ field, message });
  if (value === undefined) return problems;
  if (!isRecord(value)) {
    add("transform", `\`transform\` (${show(value)}) must be an object of functions`);
    return problems;
  }
  checkKnownKeys(value, "transform.", [...known], add);
  for (const [key, fn] of Object.entries(value)) {
    if (known.includes(key) && fn !== undefined && typeof fn !== "function") {
      add(
        `transform.${key}`,
        `\`transform.${key}\` (${show(fn)}) must be a function (args) => void`,
      );
    }
  }
  return problems;
}

/**
 * The message for a `transform` given as an arg: it is an option now, because callbacks cannot
 * cross a language boundary (the args are the package schema every language shares).
 */
export function transformMovedMessage(className: string): string {
  return (
    "`transform` is no longer an arg: pass it in the options, the third constructor argument " +
    `(\`new ${className}(name, args, { transform: { … } })\`); from other languages use the ` +
    "`transforms` resource option"
  );
}

/**
 * Whether `value` is a Pulumi Output. A program in another language can deliver a whole object
 * arg as one (an older SDK lifts a secret nested in it to the top), where the component needs
 * its fields plainly; `pulumi.Output.isInstance` without importing the SDK here.
 */
export function isOutputValue(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { __pulumiOutput?: unknown }).__pulumiOutput === true
  );
}

/** The message for an object arg that arrived as an Output (see `isOutputValue`). */
export function outputObjectMessage(field: string, example: string): string {
  return (
    `\`${field}\` is an Output, but it decides which resources exist, so it must be a plain ` +
    `object such as ${example}; only its secret fields (\`${field}.url\`) may be Outputs. From ` +
    "another language, pass the secret as the field's value (e.g. Python " +
    "`url=config.require_secret(...)`), not around the whole object"
  );
}
