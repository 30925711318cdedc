/**
 * Renders one stack's plan: its real program (`main` in Pulumi.yaml, i.e. `stacks/index.ts`) with
 * its `Pulumi.<stack>.yaml` config, under the project's strict mock recorder, as `pulumi preview`
 * runs it: what the program gives is known, what only the cloud knows is `[computed]` (the fake
 * cloud in `mockCloud.ts`, invokes answered from the stack's config in `mockInvokes.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "../../test/helpers/config";
import { type RecordedResource, setupMocks } from "../../test/helpers/mocks";
import { planCloud } from "./mockCloud";
import { planCalls } from "./mockInvokes";
import { planInputs, planProvider, planValue } from "./normalize";
import type { Project } from "./stacks";
import { COMPUTED, PLAN_NOTE, SECRET, type Plan, type PlanResource, type PlanValue } from "./types";

export async function renderStack(project: Project, stack: string): Promise<Plan> {
  const mocks = await setupMocks({
    project: project.name,
    stack,
    preview: true,
    // Read when the program invokes, after the stack's config is loaded below.
    calls: planCalls((key) => pulumi.runtime.getConfig(key)),
    cloud: planCloud,
  });
  pulumi.runtime.setAllConfig({}, []);
  loadStackConfig(stack, project.root);
  try {
    const outputs = await runProgram(project.main);
    await mocks.settled();
    return {
      note: PLAN_NOTE,
      project: project.name,
      stack,
      resources: mocks.resources.map(planResource).sort(byUrn),
      outputs: await stackOutputs(outputs),
    };
  } finally {
    pulumi.runtime.setAllConfig({}, []);
  }
}

/**
 * Loads the program afresh (its top level reads config) and runs it the way Pulumi does: an
 * exported function is called and what it resolves to becomes the stack outputs.
 */
async function runProgram(main: string): Promise<Record<string, unknown>> {
  const resolved = require.resolve(main);
  delete require.cache[resolved];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported: unknown = require(resolved);
  const result = typeof exported === "function" ? await exported() : exported;
  return (result ?? {}) as Record<string, unknown>;
}

/** One recorded resource as a plan shows it. */
export function planResource(r: RecordedResource): PlanResource {
  const options = planValue(r.options, "options") as { [key: string]: PlanValue };
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent ? { parent: r.parent } : {}),
    custom: r.custom,
    ...(r.provider ? { provider: planProvider(r.provider) } : {}),
    dependencies: [...new Set(r.dependencies)].sort(),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    inputs: planInputs(r.rawInputs, r.options.additionalSecretOutputs),
  };
}

/** Stack outputs, each resolved; a secret one (or one holding a secret) is `[secret]`. */
async function stackOutputs(
  outputs: Record<string, unknown>,
): Promise<{ [key: string]: PlanValue }> {
  const entries = await Promise.all(
    Object.keys(outputs)
      .sort()
      .map(async (key): Promise<[string, PlanValue]> => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const output = pulumi.output(outputs[key]) as any;
        if (await output.isSecret) return [key, SECRET];
        if (!(await output.isKnown)) return [key, COMPUTED];
        return [key, planValue((await output.promise()) ?? null, key)];
      }),
  );
  return Object.fromEntries(entries);
}

function byUrn(a: { urn: string }, b: { urn: string }): number {
  return a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0;
}
