/**
 * The fleet's rules as pure functions over resources (type token + inputs), so the same code runs
 * inside the Pulumi policy pack (`policy/index.ts`) and in-process over the committed plans.
 */

/** A resource as a rule sees it: what `pulumi preview` sends a policy pack, minus the SDK types. */
export interface PolicyResource {
  type: string;
  name: string;
  urn: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  props: Record<string, any>;
  /** URNs this resource depends on, where known (the pack's stack rules; plans). */
  dependencies?: string[];
}

/**
 * How an offline plan shows a value only the cloud knows (`COMPUTED` in stacks/plan/types.ts): an
 * unknown, equal to nothing, never an identity to match resources by.
 */
export const PLAN_COMPUTED = "[computed]";

export interface RuleConfig {
  /** Ports the load balancers listen on, the only ones open to the internet. @default [80, 443] */
  listenerPorts: number[];
}

export const DEFAULT_RULE_CONFIG: RuleConfig = { listenerPorts: [80, 443] };

/** A rule over one resource: the problems it finds, as messages naming the field and the fix. */
export interface ResourceRule {
  name: string;
  description: string;
  check(resource: PolicyResource, config: RuleConfig): string[];
}

export interface StackViolation {
  message: string;
  /** The resource at fault, when there is one. */
  urn?: string;
}

/** A rule over the whole stack (facts that span resources, such as heartbeat vs. timeout). */
export interface StackRule {
  name: string;
  description: string;
  check(resources: PolicyResource[], config: RuleConfig): StackViolation[];
}

/** `resource` as `type name` for messages. */
export function who(resource: PolicyResource): string {
  return `${resource.type} \`${resource.name}\``;
}
