/**
 * The component package's manifest: PulumiPlugin.yaml, package.json's name, entry points and
 * install-time build, and the committed schema, agree with each other and with what is exported.
 */
import { strict as assert } from "node:assert";
import { execSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import {
  ENTRY_POINT,
  PACKAGE_ROOT,
  type PackageSchema,
  packageComponents,
  packageJson,
  pulumiPackageName,
  SCHEMA_PATH,
} from "../../../stacks/package/schema";

const pkg = packageJson() as ReturnType<typeof packageJson> & {
  main: string;
  exports: Record<string, { default: string }>;
  scripts: Record<string, string>;
};
const readJson = (file: string) => JSON.parse(readFileSync(join(PACKAGE_ROOT, file), "utf8"));

describe("component package manifest", () => {
  it("PulumiPlugin.yaml parses and names the nodejs runtime", () => {
    const manifest = parse(readFileSync(join(PACKAGE_ROOT, "PulumiPlugin.yaml"), "utf8"));
    assert.deepEqual(manifest, { runtime: "nodejs" });
  });

  it("the schema's package name is package.json's name, a valid Pulumi package name", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as PackageSchema;
    assert.equal(pulumiPackageName(pkg.name), pkg.name, "unscoped, no characters Pulumi rewrites");
    assert.match(pkg.name, /^[a-zA-Z]/);
    assert.equal(schema.name, pkg.name);
    assert.equal(schema.version, pkg.version);
  });

  it("the exported component classes are exactly the schema's resources", () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as PackageSchema;
    assert.deepEqual(
      packageComponents()
        .map((c) => `${pkg.name}:index:${c.name}`)
        .sort(),
      Object.keys(schema.resources).sort(),
    );
  });

  it("the analyzer's entry (index.ts) exports what `main` is built from (components/index.ts)", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const entry = require(ENTRY_POINT) as Record<string, unknown>;
    const library = require(join(PACKAGE_ROOT, "components")) as Record<string, unknown>;
    /* eslint-enable @typescript-eslint/no-require-imports */
    assert.deepEqual(Object.keys(entry).sort(), Object.keys(library).sort());
    for (const key of Object.keys(library)) assert.equal(entry[key], library[key], key);
    // `main` is components/index.ts compiled by tsconfig.build.json (outDir dist, rootDir ".").
    const base = readJson("tsconfig.json").compilerOptions;
    const build = readJson("tsconfig.build.json");
    assert.equal(base.outDir, "dist");
    assert.equal(base.rootDir, ".");
    assert.ok(build.include.includes("components/**/*.ts"));
    assert.equal(pkg.main, "dist/components/index.js");
    assert.equal(pkg.exports["."].default, `./${pkg.main}`);
    // The analyzer reads tsconfig.json's program, so the entry must be in it.
    assert.ok(readJson("tsconfig.json").include.includes("index.ts"));
  });

  it("`prepare` runs the build on a source install, and is a no-op where the sources are absent", () => {
    assert.match(pkg.scripts.prepare, /npm run build/);
    // As in the image's `npm ci` before the sources are copied: only package.json is there.
    const dir = mkdtempSync(join(tmpdir(), "prepare-"));
    try {
      copyFileSync(join(PACKAGE_ROOT, "package.json"), join(dir, "package.json"));
      execSync(pkg.scripts.prepare, { cwd: dir, stdio: "pipe" });
      assert.equal(existsSync(join(dir, "dist")), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
