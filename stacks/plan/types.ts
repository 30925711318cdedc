/**
 * The committed plan format (`plans/<stack>.json`): what a stack's program asks the engine for,
 * rendered under Pulumi's mocks without credentials. Everything in it is deterministic.
 */

/** A JSON value as it appears in a plan (secrets already `"[secret]"`). */
export type PlanValue =
  null | boolean | number | string | PlanValue[] | { [key: string]: PlanValue };

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  /** Parent URN; absent for top-level resources (their parent is the stack). */
  parent?: string;
  /** false for components (their children carry the real resources). */
  custom: boolean;
  /** Explicit provider reference, `<provider urn>::[computed]` (its id is known after apply); absent for default providers. */
  provider?: string;
  /** URNs this resource waits for (explicit `dependsOn` and through inputs), sorted. */
  dependencies: string[];
  /** Options that change how the engine treats a change (protect, aliases, …); only when set. */
  options?: { [key: string]: PlanValue };
  /** Inputs with keys sorted; JSON documents in strings expanded under `"[json]"`. */
  inputs: { [key: string]: PlanValue };
}

export interface Plan {
  note: string;
  project: string;
  stack: string;
  /** Resources sorted by URN. */
  resources: PlanResource[];
  /** Stack outputs, each `"[secret]"` when secret. */
  outputs: { [key: string]: PlanValue };
}

/** The note every plan carries, so nobody mistakes one for a cloud preview. */
export const PLAN_NOTE =
  "Intent, not a cloud preview: the inputs this stack's program sends under Pulumi's mocks " +
  "(npm run plan), with each stack's own config. Values only the cloud knows before apply (ids, " +
  "ARNs, generated names, addresses, digests, live lookups) are [computed]; secrets are [secret].";

/** What a secret (or a provider-marked secret input) is shown as. */
export const SECRET = "[secret]";
/**
 * What a value only the cloud knows before apply is shown as ("known after apply"). Whole values
 * are this string; a string the program builds around one (an ARN with a computed account id)
 * holds it in place, so its known parts stay reviewable.
 */
export const COMPUTED = "[computed]";
/** The key under which a string holding a JSON document is expanded. */
export const JSON_KEY = "[json]";
