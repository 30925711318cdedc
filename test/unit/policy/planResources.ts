/** Committed plans as the resources a policy pack sees (JSON documents back in their strings). */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PolicyResource } from "../../../policy/rules";
import { collapseJsonStrings } from "../../../stacks/plan/normalize";
import type { Plan } from "../../../stacks/plan/types";

export const PLANS_DIR = path.join(__dirname, "..", "..", "..", "plans");

export function committedPlans(): Plan[] {
  return fs
    .readdirSync(PLANS_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(PLANS_DIR, f), "utf8")) as Plan);
}

export function policyResources(plan: Plan): PolicyResource[] {
  return plan.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: collapseJsonStrings(r.inputs) as PolicyResource["props"],
    dependencies: r.dependencies,
  }));
}
