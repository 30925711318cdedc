/**
 * The socketio-fleet policy pack: the fleet's rules (`./rules`) as Pulumi resource and stack
 * policies, all mandatory. Run it on any stack:
 *
 *   pulumi preview --policy-pack ./policy
 *
 * Config (`--policy-pack-config <file>`): `{ "<policy>": { "listenerPorts": [80, 443, 8443] } }`
 * for the policies that take the listener ports. The same rule functions run in `npm test` over
 * every committed plan (test/unit/policy).
 */
import {
  PolicyPack,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { DEFAULT_RULE_CONFIG, RESOURCE_RULES, STACK_RULES, type RuleConfig } from "./rules";

/** The pack's name, as `pulumi preview` prints it beside each violation. */
export const PACK_NAME = "socketio-fleet";

const configSchema = {
  properties: {
    listenerPorts: {
      type: "array" as const,
      items: { type: "integer" as const, minimum: 1, maximum: 65535 },
      default: DEFAULT_RULE_CONFIG.listenerPorts,
    },
  },
};

const resourcePolicies: ResourceValidationPolicy[] = RESOURCE_RULES.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: "mandatory",
  configSchema,
  validateResource: (args, reportViolation) => {
    const config = { ...DEFAULT_RULE_CONFIG, ...args.getConfig<Partial<RuleConfig>>() };
    const resource = { type: args.type, name: args.name, urn: args.urn, props: args.props };
    for (const message of rule.check(resource, config)) reportViolation(message);
  },
}));

const stackPolicies: StackValidationPolicy[] = STACK_RULES.map((rule) => ({
  name: rule.name,
  description: rule.description,
  enforcementLevel: "mandatory",
  configSchema,
  validateStack: (args, reportViolation) => {
    const config = { ...DEFAULT_RULE_CONFIG, ...args.getConfig<Partial<RuleConfig>>() };
    const resources = args.resources.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: r.props,
      dependencies: r.dependencies.map((d) => d.urn),
    }));
    for (const violation of rule.check(resources, config))
      reportViolation(violation.message, violation.urn);
  },
}));

new PolicyPack(PACK_NAME, { policies: [...resourcePolicies, ...stackPolicies] });
