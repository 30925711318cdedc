/**
 * The package schema: what Pulumi infers from the components' TypeScript types when another
 * language adds this package (`pulumi package add`), computed in-process by the same analyzer
 * (`ComponentProvider` from `@pulumi/pulumi/provider/experimental`), so no Pulumi CLI is needed.
 *
 * `npm run schema` writes it to schema.json; test/unit/package/schema.test.ts fails when the
 * committed file and the inferred schema differ. Components are discovered from the package
 * entry point the way Pulumi's plugin host discovers them, so a new exported component needs no
 * change here, only a regenerated schema.json.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ComponentProvider,
  type ComponentResourceConstructor,
  getPulumiComponents,
} from "@pulumi/pulumi/provider/experimental";
import * as prettier from "prettier";

export const PACKAGE_ROOT = join(__dirname, "..", "..");
export const SCHEMA_PATH = join(PACKAGE_ROOT, "schema.json");
/** The file Pulumi's analyzer starts from (see its comment). */
export const ENTRY_POINT = join(PACKAGE_ROOT, "index.ts");

/** The parts of a Pulumi package schema the checks read. */
export interface PackageSchema {
  name: string;
  version: string;
  description?: string;
  resources: Record<string, ResourceSpec>;
  types: Record<string, TypeSpec>;
  dependencies?: { name: string; version: string }[];
  [key: string]: unknown;
}

export interface ResourceSpec {
  isComponent?: boolean;
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
  inputProperties: Record<string, PropertySpec>;
  requiredInputs?: string[];
}

export interface TypeSpec {
  type: string;
  description?: string;
  properties?: Record<string, PropertySpec>;
  required?: string[];
  enum?: { name?: string; value: string | number; description?: string }[];
}

export interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  description?: string;
  plain?: boolean;
  secret?: boolean;
}

export function packageJson(): { name: string; version: string; description?: string } {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8"));
}

/**
 * The package name Pulumi derives from package.json's `name`: an `@scope/` is dropped (it becomes
 * the namespace) and characters outside `[-a-zA-Z0-9_]` become "-" (Pulumi's run-plugin).
 */
export function pulumiPackageName(npmName: string): string {
  return npmName.replace(/^@[^/]+\//, "").replace(/[^-a-zA-Z0-9_]/g, "-");
}

/** The component classes the entry point exports, found as Pulumi's plugin host finds them. */
export function packageComponents(): ComponentResourceConstructor[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return getPulumiComponents(require(ENTRY_POINT));
}

/** The component provider Pulumi runs for another language's program. */
export function packageProvider(): ComponentProvider {
  return new ComponentProvider({
    components: packageComponents(),
    dirname: PACKAGE_ROOT,
    name: pulumiPackageName(packageJson().name),
  });
}

/** The schema Pulumi infers (a few seconds: it type-checks the whole TypeScript program). */
export async function inferSchema(provider = packageProvider()): Promise<PackageSchema> {
  return JSON.parse(await provider.getSchema()) as PackageSchema;
}

/** The schema as schema.json holds it (formatted like every other file, by prettier). */
export async function formatSchema(schema: PackageSchema): Promise<string> {
  const options = (await prettier.resolveConfig(SCHEMA_PATH)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...options, filepath: SCHEMA_PATH });
}

async function main() {
  const schema = await inferSchema();
  writeFileSync(SCHEMA_PATH, await formatSchema(schema));
  const resources = Object.keys(schema.resources).join(", ");
  console.log(`wrote ${SCHEMA_PATH}: ${resources}, ${Object.keys(schema.types).length} types`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
