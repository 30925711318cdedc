/** Scratch projects for the plan tests: the real program, stack files of the test's choosing. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { Plan } from "../../../stacks/plan/types";

export const REPO_ROOT = path.join(__dirname, "..", "..", "..");
export const PROGRAM = path.join(REPO_ROOT, "stacks", "index.ts");

/** A temporary project running `stacks/index.ts`, with the given `Pulumi.<stack>.yaml` configs. */
export function scratchProject(stacks: Record<string, Record<string, unknown>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "socketio-fleet-plan-"));
  fs.writeFileSync(
    path.join(root, "Pulumi.yaml"),
    stringify({ name: "socketio-fleet", runtime: "nodejs", main: PROGRAM }),
  );
  for (const [stack, config] of Object.entries(stacks)) writeStack(root, stack, config);
  return root;
}

export function writeStack(root: string, stack: string, config: Record<string, unknown>): void {
  fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), stringify({ config }));
}

/** The `config` of one of the repository's own stack files. */
export function repoStackConfig(stack: string): Record<string, unknown> {
  const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
  return (parse(text) as { config: Record<string, unknown> }).config;
}

export function removeProject(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** A plan as committed in the repository's `plans/`. */
export function committedPlan(stack: string): Plan {
  return JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, "plans", `${stack}.json`), "utf8"),
  ) as Plan;
}
