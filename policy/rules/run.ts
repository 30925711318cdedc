/** Runs every rule over a stack's resources in-process, the way the pack does under the CLI. */
import { RESOURCE_RULES, STACK_RULES } from "./index";
import { DEFAULT_RULE_CONFIG, type PolicyResource, type RuleConfig } from "./types";

export interface Finding {
  rule: string;
  urn?: string;
  message: string;
}

export function runRules(
  resources: PolicyResource[],
  config: RuleConfig = DEFAULT_RULE_CONFIG,
): Finding[] {
  const perResource = RESOURCE_RULES.flatMap((rule) =>
    resources.flatMap((r) =>
      rule.check(r, config).map((message) => ({ rule: rule.name, urn: r.urn, message })),
    ),
  );
  const perStack = STACK_RULES.flatMap((rule) =>
    rule.check(resources, config).map((v) => ({ rule: rule.name, ...v })),
  );
  return [...perResource, ...perStack];
}
