/** Reads the committed plans of a git revision. */
import { execFileSync } from "node:child_process";
import type { Plan } from "./types";

/** `plans/<stack>.json` at `rev`, by stack; throws when `rev` is not a revision. */
export function plansAt(root: string, rev: string): Map<string, Plan> {
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  git("rev-parse", "--verify", "--quiet", `${rev}^{commit}`);
  const files = git("ls-tree", "--name-only", `${rev}`, "plans/")
    .split("\n")
    .filter((f) => /^plans\/[^/]+\.json$/.test(f));
  const plans = new Map<string, Plan>();
  for (const file of files) {
    const stack = file.slice("plans/".length, -".json".length);
    plans.set(stack, JSON.parse(git("show", `${rev}:${file}`)) as Plan);
  }
  return plans;
}
