/**
 * The Markdown summary of plan changes for a pull request: every stack's counts per resource type
 * and its warnings first, so cutting the text to a budget never hides them; then each changed
 * resource with the paths that changed. Values are clipped and escaped; secrets stay `[secret]`
 * because plans never hold anything else; a value only the cloud knows reads "known after apply".
 */
import type { Change, StackDiff } from "./diff";
import { COMPUTED, type PlanResource, type PlanValue } from "./types";

/** Hidden marker the comment job finds its own comment by. */
export const COMMENT_MARKER = "<!-- socketio-fleet:plan-diff -->";
/** How a table cell shows a value only the cloud knows (`[computed]` in a plan). */
export const KNOWN_AFTER_APPLY = "_known after apply_";
/** Longest value shown in a table cell, in characters. */
const MAX_VALUE_CHARS = 200;

export interface MarkdownOptions {
  /** The git revision compared against, as given. */
  since: string;
  /** Budget for the whole text. GitHub refuses comments over 65,536 characters. */
  maxChars?: number;
}

export function diffMarkdown(diffs: StackDiff[], options: MarkdownOptions): string {
  const maxChars = options.maxChars ?? 60_000;
  const head = [
    COMMENT_MARKER,
    `## Plan changes since \`${code(options.since)}\``,
    "",
    "> **Intent, not a cloud preview.** These are the inputs `stacks/index.ts` sends for each " +
      "stack under Pulumi's mocks (`npm run plan`) with the stack's own config, with no " +
      "credentials. The engine may still replace what shows as an update and it sees no drift. " +
      "_known after apply_ is a value only the cloud knows (an id, ARN, generated name, address, " +
      "digest, live lookup); inside a text it reads `[computed]`. Secrets show as `[secret]`.",
    "",
  ];
  const changed = diffs.filter((d) => d.creates.length + d.updates.length + d.deletes.length > 0);
  if (changed.length === 0) {
    return [...head, `No plan changes in ${diffs.length} stack(s).`, ""].join("\n");
  }
  const summary = changed.flatMap(stackSummary);
  const unchanged = diffs.filter((d) => !changed.includes(d)).map((d) => d.stack);
  if (unchanged.length > 0) summary.push(`Unchanged: ${unchanged.join(", ")}.`, "");
  let text = [...head, ...summary].join("\n");
  const details = changed.flatMap((d) => [
    `### ${d.stack}: changed resources\n`,
    ...d.creates.map((r) => resourceDetails("+", r, createdChanges(r))),
    ...d.updates.map((u) => resourceDetails("~", u.resource, u.changes, u.movedFrom)),
    ...d.deletes.map((r) => resourceDetails("-", r, [])),
  ]);
  for (let i = 0; i < details.length; i++) {
    const rest = details.length - i;
    const footer = `\n_${rest} more section(s) not shown (budget ${maxChars} characters): see the job summary or run \`npm run plan -- --diff ${code(options.since)}\`._\n`;
    if (text.length + details[i].length + footer.length > maxChars) return text + footer;
    text += details[i];
  }
  return text;
}

function stackSummary(d: StackDiff): string[] {
  const counts = new Map<string, [number, number, number]>();
  const count = (type: string, column: 0 | 1 | 2) => {
    const row = counts.get(type) ?? [0, 0, 0];
    row[column]++;
    counts.set(type, row);
  };
  d.creates.forEach((r) => count(r.type, 0));
  d.updates.forEach((u) => count(u.resource.type, 1));
  d.deletes.forEach((r) => count(r.type, 2));
  const rows = [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([type, [c, u, x]]) => `| \`${code(type)}\` | ${c} | ${u} | ${x} |`);
  return [
    `### ${d.stack}: ${d.creates.length} to create, ${d.updates.length} to update, ${d.deletes.length} to delete`,
    "",
    "| type | create | update | delete |",
    "| --- | ---: | ---: | ---: |",
    ...rows,
    "",
    ...d.warnings.map((w) => `- ${escapeText(w)}`),
    ...(d.warnings.length > 0 ? [""] : []),
  ];
}

function resourceDetails(
  sign: "+" | "~" | "-",
  resource: PlanResource,
  changes: Change[],
  movedFrom?: string,
): string {
  const moved = movedFrom ? `, moved from ${movedFrom} (aliased)` : "";
  const what = sign === "-" ? "deleted" : `${changes.length} path(s)`;
  const title = `${sign} ${resource.type} ${resource.name} (${what}${moved})`;
  const rows = changes.map((c) => `| \`${code(c.path)}\` | ${cell(c.before)} | ${cell(c.after)} |`);
  const table =
    rows.length > 0 ? ["", "| path | before | after |", "| --- | --- | --- |", ...rows, ""] : [""];
  return [`<details><summary>${html(title)}</summary>`, ...table, "</details>", ""].join("\n");
}

/** A created resource shows its inputs as additions. */
function createdChanges(resource: PlanResource): Change[] {
  return Object.keys(resource.inputs).map((k) => ({ path: k, after: resource.inputs[k] }));
}

function cell(value: PlanValue | undefined): string {
  if (value === undefined) return "";
  if (value === COMPUTED) return KNOWN_AFTER_APPLY;
  const text = JSON.stringify(value);
  const clipped = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
  return `\`${code(clipped)}\``;
}

/** Text for inside a code span in a table: no backticks, pipes escaped, one line. */
function code(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function escapeText(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/</g, "&lt;");
}

function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
