/** Renders, writes, checks and compares the plans of every stack of a project. */
import * as fs from "node:fs";
import * as path from "node:path";
import { diffPlans, type StackDiff } from "./diff";
import { plansAt } from "./git";
import { serialize } from "./normalize";
import { renderStack } from "./render";
import { discoverStacks, readProject } from "./stacks";
import type { Plan } from "./types";

export const PLANS_DIR = "plans";

/** Every stack's plan as committed text, by stack, rendered one after another. */
export async function renderAll(root: string): Promise<Map<string, string>> {
  const project = readProject(root);
  const rendered = new Map<string, string>();
  for (const stack of discoverStacks(root)) {
    try {
      rendered.set(stack, serialize(await renderStack(project, stack)));
    } catch (err) {
      const hint = /unexpected invoke/.test(String(err))
        ? " (answer it in planCalls, stacks/plan/mockInvokes.ts)"
        : "";
      throw new Error(
        `plan: stack ${stack} (Pulumi.${stack}.yaml) did not render: ${String(err)}${hint}`,
        { cause: err },
      );
    }
  }
  return rendered;
}

/** Writes `plans/<stack>.json` for every stack and deletes plans of stacks that are gone. */
export async function writePlans(root: string): Promise<string[]> {
  const rendered = await renderAll(root);
  const dir = path.join(root, PLANS_DIR);
  fs.mkdirSync(dir, { recursive: true });
  for (const [stack, text] of rendered) fs.writeFileSync(path.join(dir, `${stack}.json`), text);
  for (const stack of readPlans(root).keys()) {
    if (!rendered.has(stack)) fs.rmSync(path.join(dir, `${stack}.json`));
  }
  return [...rendered.keys()];
}

export interface StalePlan {
  stack: string;
  reason: string;
}

/** Stacks whose committed plan differs from what the code renders, with what differs. */
export async function checkPlans(root: string): Promise<StalePlan[]> {
  const rendered = await renderAll(root);
  const committed = readPlans(root);
  const stale: StalePlan[] = [];
  for (const [stack, text] of rendered) {
    const file = path.join(PLANS_DIR, `${stack}.json`);
    const current = committed.get(stack);
    if (current === undefined) {
      stale.push({ stack, reason: `${file} is missing` });
    } else if (current !== text) {
      const diff = diffPlans(stack, parsePlan(current, file), JSON.parse(text) as Plan);
      stale.push({ stack, reason: `${file} differs from the code: ${describeDiff(diff)}` });
    }
  }
  for (const stack of committed.keys()) {
    if (!rendered.has(stack)) {
      stale.push({ stack, reason: `${PLANS_DIR}/${stack}.json has no Pulumi.${stack}.yaml` });
    }
  }
  return stale;
}

/** The diff of every stack between the plans committed at `rev` and those in the working tree. */
export function diffSince(root: string, rev: string): StackDiff[] {
  const before = plansAt(root, rev);
  const after = new Map(
    [...readPlans(root)].map(([stack, text]) => [stack, parsePlan(text, `${stack}.json`)]),
  );
  const stacks = [...new Set([...before.keys(), ...after.keys()])].sort();
  return stacks.map((stack) => diffPlans(stack, before.get(stack), after.get(stack)));
}

/** The committed plan files' text, by stack. */
function readPlans(root: string): Map<string, string> {
  const dir = path.join(root, PLANS_DIR);
  if (!fs.existsSync(dir)) return new Map();
  return new Map(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => [f.slice(0, -".json".length), fs.readFileSync(path.join(dir, f), "utf8")]),
  );
}

function parsePlan(text: string, file: string): Plan | undefined {
  try {
    return JSON.parse(text) as Plan;
  } catch {
    console.error(`plan: ${file} is not valid JSON; treating it as empty`);
    return undefined;
  }
}

/** One line: counts, then the first few changed paths. */
function describeDiff(diff: StackDiff): string {
  const paths = diff.updates.flatMap((u) =>
    u.changes.map((c) => `${u.resource.type} ${u.resource.name} ${c.path}`),
  );
  const shown = [
    ...diff.creates.map((r) => `+ ${r.type} ${r.name}`),
    ...diff.deletes.map((r) => `- ${r.type} ${r.name}`),
    ...paths.map((p) => `~ ${p}`),
  ];
  const more = shown.length > 10 ? `; and ${shown.length - 10} more` : "";
  const counts = `${diff.creates.length} to create, ${diff.updates.length} to update, ${diff.deletes.length} to delete`;
  // Byte differences with no resource change (formatting, outputs) still count as stale.
  return shown.length === 0
    ? `${counts} (outputs or formatting)`
    : `${counts}: ${shown.slice(0, 10).join("; ")}${more}`;
}
