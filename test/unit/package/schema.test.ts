/**
 * The package schema Pulumi infers for other languages (`pulumi package add`), computed in-process
 * by Pulumi's own analyzer: it equals the committed schema.json and reads well in every language.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import {
  ENTRY_POINT,
  type PackageSchema,
  packageComponents,
  packageJson,
  pulumiPackageName,
  SCHEMA_PATH,
} from "../../../stacks/package/schema";
import { allProperties, INFERENCE_TIMEOUT_MS, inferredSchema } from "./packageSchema";

const PACKAGE = pulumiPackageName(packageJson().name);
const LOCAL_TYPE_REF = `#/types/${PACKAGE}:index:`;

describe("package schema", function () {
  this.timeout(INFERENCE_TIMEOUT_MS);
  let schema: PackageSchema;

  before(async () => {
    schema = await inferredSchema();
  });

  it("equals the committed schema.json (regenerate it with `npm run schema`)", () => {
    const committed = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as PackageSchema;
    assert.deepEqual(schema, committed, "schema.json is stale: run `npm run schema`");
  });

  it("is named and versioned by package.json", () => {
    assert.equal(schema.name, PACKAGE);
    assert.equal(schema.name, "socketio-fleet");
    assert.equal(schema.version, packageJson().version);
    assert.equal(schema.description, packageJson().description);
  });

  it("has one component resource per exported component class, token socketio-fleet:index:<Class>", () => {
    const classes = packageComponents().map((c) => c.name);
    assert.ok(classes.includes("AwsSocketIoFleet") && classes.includes("KubernetesSocketIoFleet"));
    assert.deepEqual(
      Object.keys(schema.resources).sort(),
      classes.map((c) => `${PACKAGE}:index:${c}`).sort(),
    );
    for (const [token, resource] of Object.entries(schema.resources)) {
      assert.equal(resource.isComponent, true, token);
      assert.ok((resource.description ?? "").length > 40, `${token} has a description`);
      assert.ok(resource.requiredInputs?.includes("image"), `${token} requires image`);
    }
  });

  it("enums carry the values (and member names) of the exported `as const` objects", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(ENTRY_POINT) as Record<string, unknown>;
    const enums = Object.entries(schema.types).filter(([, t]) => t.enum !== undefined);
    assert.ok(enums.length >= 7, `enums: ${enums.map(([k]) => k).join(", ")}`);
    for (const [token, type] of enums) {
      const name = token.split(":")[2];
      const exported = entry[name] as Record<string, string> | undefined;
      assert.ok(exported, `${name} is exported from the entry point`);
      assert.equal(type.type, "string", token);
      assert.deepEqual(
        Object.fromEntries(type.enum!.map((e) => [e.name, e.value])),
        exported,
        `${token} equals the exported ${name}`,
      );
      for (const member of type.enum!) assert.ok(member.description, `${token}.${member.name}`);
    }
    const values = (name: string) =>
      schema.types[`${PACKAGE}:index:${name}`].enum!.map((e) => e.value);
    assert.deepEqual(values("StickinessMode"), ["cookie", "client-ip", "none"]);
    assert.deepEqual(values("AwsRedisMode"), ["managed", "external", "serverless"]);
  });

  it("no property falls back to Any, and every local reference resolves", () => {
    let count = 0;
    for (const { path, spec } of allProperties(schema)) {
      count++;
      assert.notEqual(spec.$ref, "pulumi.json#/Any", `${path} is Any`);
      assert.ok(spec.type !== undefined || spec.$ref !== undefined, `${path} has a type`);
      const ref = spec.$ref as string | undefined;
      if (ref?.startsWith(LOCAL_TYPE_REF)) {
        const token = ref.slice("#/types/".length);
        assert.ok(schema.types[token], `${path} refers to a defined type ${ref}`);
      }
    }
    assert.ok(count > 60, `${count} properties walked`);
  });

  it("no type name ends in Args (Python and Go append their own)", () => {
    const withArgs = Object.keys(schema.types).filter((t) => /Args$/.test(t));
    assert.deepEqual(withArgs, []);
  });

  it("every input, and every field of an input type, has a description", () => {
    const missing: string[] = [];
    for (const [token, resource] of Object.entries(schema.resources)) {
      for (const [name, spec] of Object.entries(resource.inputProperties)) {
        if (!spec.description) missing.push(`${token}.${name}`);
      }
    }
    for (const [token, type] of Object.entries(schema.types)) {
      for (const [name, spec] of Object.entries(type.properties ?? {})) {
        if (!spec.description) missing.push(`${token}.${name}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it("no description carries a dropped `@default` tag or a dangling reference to one", () => {
    for (const { path, spec } of allProperties(schema)) {
      const text = (spec.description as string | undefined) ?? "";
      assert.doesNotMatch(text, /@default|\s[—-]\s*$/, path);
    }
  });

  it("the Redis mode decides the rest: one object per target with a required mode enum", () => {
    for (const name of ["AwsRedis", "KubernetesRedis"]) {
      const redis = schema.types[`${PACKAGE}:index:${name}`];
      assert.equal(redis.type, "object");
      assert.deepEqual(redis.required, ["mode"]);
      assert.equal(redis.properties!.mode.$ref, `${LOCAL_TYPE_REF}${name}Mode`);
      assert.equal(redis.properties!.url.type, "string");
      assert.notEqual(redis.properties!.url.plain, true, `${name}.url may be a secret Output`);
    }
  });

  it("no callback or transform input leaks into any language", () => {
    for (const resource of Object.values(schema.resources)) {
      assert.equal(resource.inputProperties.transform, undefined);
    }
  });
});
