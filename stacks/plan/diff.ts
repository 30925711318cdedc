/**
 * What changed between two plans of one stack, resource by resource, matched by URN. A URN that
 * changes is a delete and a create to Pulumi unless the new resource carries an alias to the old
 * URN (or inherits one from an aliased parent); the diff pairs those as moves and flags the
 * unaliased look-alikes. Pure.
 */
import type { Plan, PlanResource, PlanValue } from "./types";

export interface Change {
  /** `spec.replicas`, `ingress[0].fromPort`, `(parent)`, `(options).protect`, … */
  path: string;
  before?: PlanValue;
  after?: PlanValue;
}

export interface ResourceUpdate {
  resource: PlanResource;
  /** Set when the URN changed and an alias carries the resource over. */
  movedFrom?: string;
  changes: Change[];
}

export interface StackDiff {
  stack: string;
  creates: PlanResource[];
  updates: ResourceUpdate[];
  deletes: PlanResource[];
  /** `⚠ …` lines: replacements an alias would avoid, deleted state, provider swaps. */
  warnings: string[];
}

/**
 * Types whose delete loses data (Redis, secrets, repositories, volumes, logs). Matched as
 * prefixes of the type token.
 */
const STATEFUL_TYPES = [
  "aws:elasticache/replicationGroup:",
  "aws:elasticache/cluster:",
  "aws:elasticache/serverlessCache:",
  "aws:memorydb/",
  "aws:secretsmanager/",
  "aws:ecr/repository:",
  "awsx:ecr:Repository",
  "aws:cloudwatch/logGroup:",
  "aws:s3/bucket",
  "aws:efs/",
  "aws:rds/",
  "aws:dynamodb/",
  "kubernetes:core/v1:PersistentVolume",
  "kubernetes:core/v1:Secret",
  "kubernetes:apps/v1:StatefulSet",
  "gcp:redis/",
  "gcp:memorystore/",
  "gcp:secretmanager/",
  "gcp:artifactregistry/",
  "gcp:compute/disk:",
  "gcp:sql/",
  "gcp:storage/bucket",
  "random:index/randomPassword:",
];

export function isStateful(type: string): boolean {
  return STATEFUL_TYPES.some((prefix) => type.startsWith(prefix));
}

/** The diff of one stack; a missing plan is an empty one (a stack added or removed). */
export function diffPlans(stack: string, before?: Plan, after?: Plan): StackDiff {
  const old = new Map((before?.resources ?? []).map((r) => [r.urn, r]));
  const now = new Map((after?.resources ?? []).map((r) => [r.urn, r]));
  const updates: ResourceUpdate[] = [];
  const warnings: string[] = [];
  for (const [urn, resource] of now) {
    const previous = old.get(urn);
    if (!previous) continue;
    const changes = resourceChanges(previous, resource);
    if (changes.length > 0) updates.push({ resource, changes });
  }
  let created = [...now.values()].filter((r) => !old.has(r.urn));
  let deleted = [...old.values()].filter((r) => !now.has(r.urn));

  // A created resource aliased to a deleted URN is the same resource, moved.
  const aliasesOf = aliasResolver(after);
  for (const resource of created) {
    const from = deleted.find((d) => aliasesOf(resource).has(d.urn));
    if (!from) continue;
    updates.push({ resource, movedFrom: from.urn, changes: resourceChanges(from, resource) });
    created = created.filter((r) => r !== resource);
    deleted = deleted.filter((r) => r !== from);
  }
  // Unaliased look-alikes: same type and name (reparented), same type and parent (renamed), or
  // same name and parent (re-typed). A pair under a paired parent is reported with its parent.
  const pairs = new Map<string, PlanResource>();
  for (const resource of created) {
    const from =
      deleted.find((d) => d.type === resource.type && d.name === resource.name) ??
      deleted.find((d) => d.type === resource.type && d.parent === resource.parent) ??
      deleted.find((d) => d.name === resource.name && d.parent === resource.parent);
    if (from) pairs.set(resource.urn, from);
  }
  const inherited = (r: PlanResource) =>
    r.parent !== undefined && pairs.get(r.parent)?.urn === pairs.get(r.urn)?.parent;
  const descendants = (urn: string): number =>
    created
      .filter((c) => c.parent === urn && pairs.has(c.urn))
      .reduce((n, c) => n + 1 + descendants(c.urn), 0);
  for (const resource of created.filter((r) => pairs.has(r.urn) && !inherited(r))) {
    const from = pairs.get(resource.urn) as PlanResource;
    const children = descendants(resource.urn);
    const under = children > 0 ? ` and the ${children} resource(s) under it` : "";
    const what = from.type === resource.type ? resource.type : `${from.type} → ${resource.type}`;
    warnings.push(
      `⚠ replaced unless aliased: ${what} \`${from.name}\`${from.name === resource.name ? "" : ` → \`${resource.name}\``}${under}; ` +
        `add \`aliases: [{ urn: "${from.urn}" }]\` to keep it`,
    );
  }
  for (const resource of deleted.filter((r) => isStateful(r.type))) {
    warnings.push(`⚠ data loss: deletes ${resource.type} \`${resource.name}\` and what it holds`);
  }
  for (const { resource, changes } of updates) {
    if (changes.some((c) => c.path === "(provider)")) {
      warnings.push(
        `⚠ provider changed: ${resource.type} \`${resource.name}\` is replaced unless the new provider is the same one under an alias`,
      );
    }
  }
  return {
    stack,
    creates: created.sort(byUrn),
    updates: updates.sort((a, b) => byUrn(a.resource, b.resource)),
    deletes: deleted.sort(byUrn),
    warnings,
  };
}

/** Input, edge and option changes of one resource. */
function resourceChanges(before: PlanResource, after: PlanResource): Change[] {
  const changes = valueChanges(before.inputs, after.inputs, "");
  const edge = (path: string, a: PlanValue | undefined, b: PlanValue | undefined) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ path, before: a, after: b });
  };
  edge("(parent)", before.parent, after.parent);
  edge("(provider)", before.provider, after.provider);
  const added = after.dependencies.filter((d) => !before.dependencies.includes(d));
  const removed = before.dependencies.filter((d) => !after.dependencies.includes(d));
  if (added.length > 0 || removed.length > 0) {
    changes.push({
      path: "(dependencies)",
      ...(removed.length > 0 ? { before: removed } : {}),
      ...(added.length > 0 ? { after: added } : {}),
    });
  }
  changes.push(...valueChanges(before.options ?? {}, after.options ?? {}, "(options)"));
  return changes;
}

/** Leaf paths where two values differ. Arrays compare by index (program order is kept). */
export function valueChanges(
  before: PlanValue | undefined,
  after: PlanValue | undefined,
  path: string,
): Change[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => valueChanges(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) =>
      valueChanges(before[i], after[i], `${path}[${i}]`),
    ).flat();
  }
  return [
    {
      path,
      ...(before === undefined ? {} : { before }),
      ...(after === undefined ? {} : { after }),
    },
  ];
}

/**
 * Old URNs a resource answers to: its own aliases, and its URN under each old URN of its parent
 * (children inherit a parent's aliases, as the engine does).
 */
function aliasResolver(plan?: Plan): (resource: PlanResource) => Set<string> {
  const byUrn = new Map((plan?.resources ?? []).map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const resolve = (r: PlanResource): Set<string> => {
    const known = memo.get(r.urn);
    if (known) return known;
    const urns = new Set<string>();
    memo.set(r.urn, urns);
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const parentUrns = parent ? [...resolve(parent)] : [];
    for (const alias of (r.options?.aliases ?? []) as { [key: string]: PlanValue }[]) {
      if (typeof alias.urn === "string") {
        urns.add(alias.urn);
        continue;
      }
      const name = typeof alias.name === "string" ? alias.name : r.name;
      const type = typeof alias.type === "string" ? alias.type : r.type;
      const stack = typeof alias.stack === "string" ? alias.stack : (plan?.stack ?? "");
      const project = typeof alias.project === "string" ? alias.project : (plan?.project ?? "");
      const parents =
        alias.noParent === true
          ? [undefined]
          : typeof alias.parentUrn === "string"
            ? [alias.parentUrn, ...(alias.parentUrn === r.parent ? parentUrns : [])]
            : [r.parent, ...parentUrns];
      for (const p of parents) urns.add(urnOf(stack, project, type, name, p));
    }
    for (const p of parentUrns) {
      urns.add(urnOf(plan?.stack ?? "", plan?.project ?? "", r.type, r.name, p));
    }
    return urns;
  };
  return resolve;
}

/** A URN as the engine builds it: the parent's type chain, `$`, the type (children of the stack have none). */
export function urnOf(
  stack: string,
  project: string,
  type: string,
  name: string,
  parent?: string,
): string {
  const parentType = parent ? parent.split("::")[2] : undefined;
  const qualified =
    parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function isObject(value: PlanValue | undefined): value is { [key: string]: PlanValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function byUrn(a: { urn: string }, b: { urn: string }): number {
  return a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0;
}
