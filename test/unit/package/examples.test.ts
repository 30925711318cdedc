/**
 * The examples in examples/ (a Pulumi YAML and a Python program, both for AWS) are checked
 * against the inferred schema: every property they set exists with the right type, required
 * inputs are set, and the outputs they read exist. Running them needs the Pulumi CLI and a cloud
 * (a manual release check, see the README); this catches a renamed or retyped arg at once.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { PACKAGE_ROOT, type PackageSchema } from "../../../stacks/package/schema";
import { PYTHON_NAMES, SCHEMA_NAMES, SchemaChecker, type Value } from "./exampleCheck";
import { INFERENCE_TIMEOUT_MS, inferredSchema } from "./packageSchema";

const EXAMPLES = join(PACKAGE_ROOT, "examples");
const PACKAGE = "socketio-fleet";

/** `pkg:Type` (YAML's short form) or `pkg:index:Type` → `pkg:index:Type`. */
function fullToken(type: string): string {
  const parts = type.split(":");
  return parts.length === 2 ? `${parts[0]}:index:${parts[1]}` : type;
}

/** A YAML value as a `Value`: `${config}` is plain, `${resource.output}` an Output. */
function yamlValue(v: unknown): Value {
  if (typeof v === "string") {
    const ref = /^\$\{([^}]+)\}$/.exec(v);
    if (ref) return { kind: "unknown", text: v, plainOk: !ref[1].includes(".") };
    return { kind: "string", value: v };
  }
  if (typeof v === "number") return { kind: "number", value: v };
  if (typeof v === "boolean") return { kind: "boolean", value: v };
  if (Array.isArray(v)) return { kind: "list", items: v.map(yamlValue) };
  if (typeof v === "object" && v !== null) {
    const fields = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, yamlValue(x)]));
    return { kind: "object", fields };
  }
  return { kind: "unknown", text: String(v), plainOk: false };
}

type YamlProgram = {
  packages?: Record<string, string>;
  resources?: Record<string, { type: string; properties?: Record<string, unknown> }>;
  outputs?: Record<string, unknown>;
};

function checkYaml(schema: PackageSchema, program: YamlProgram): string[] {
  const checker = new SchemaChecker(schema, SCHEMA_NAMES);
  const ours = new Map<string, string>();
  for (const [name, resource] of Object.entries(program.resources ?? {})) {
    if (!resource.type.startsWith(`${PACKAGE}:`)) continue;
    const token = fullToken(resource.type);
    ours.set(name, token);
    const inputs = Object.fromEntries(
      Object.entries(resource.properties ?? {}).map(([k, v]) => [k, yamlValue(v)]),
    );
    checker.checkInputs(token, inputs, `resources.${name}`);
  }
  for (const [key, value] of Object.entries(program.outputs ?? {})) {
    for (const [, resource, output] of String(value).matchAll(/\$\{(\w+)\.(\w+)/g)) {
      const token = ours.get(resource);
      if (token) checker.checkOutput(token, output, `outputs.${key}`);
    }
  }
  if (ours.size === 0) checker.problems.push(`no ${PACKAGE} resource in the program`);
  return checker.problems;
}

interface PythonCall {
  call: string;
  line: number;
  args: PythonValue[];
  kwargs: Record<string, PythonValue>;
}
type PythonValue =
  | { const: string | number | boolean | null }
  | { list: PythonValue[] }
  | { dict: Record<string, PythonValue> }
  | { member: string }
  | { expr: string }
  | PythonCall;

function pythonValue(v: PythonValue): Value {
  if ("const" in v) {
    const c = v.const;
    if (typeof c === "string") return { kind: "string", value: c };
    if (typeof c === "number") return { kind: "number", value: c };
    if (typeof c === "boolean") return { kind: "boolean", value: c };
    return { kind: "unknown", text: "None", plainOk: true };
  }
  if ("list" in v) return { kind: "list", items: v.list.map(pythonValue) };
  if ("dict" in v) {
    const fields = Object.fromEntries(Object.entries(v.dict).map(([k, x]) => [k, pythonValue(x)]));
    return { kind: "object", fields };
  }
  if ("member" in v) {
    const [typeName, member] = v.member.split(".");
    return { kind: "member", typeName, member: member ?? "" };
  }
  if ("call" in v) {
    const fields = Object.fromEntries(
      Object.entries(v.kwargs).map(([k, x]) => [k, pythonValue(x)]),
    );
    return { kind: "object", fields, typeName: v.call };
  }
  // Config getters return plain values, except the *_secret ones (Outputs).
  const plainOk = /^config\.(require|get)(_int|_bool|_float)?\(/.test(v.expr);
  return { kind: "unknown", text: v.expr, plainOk };
}

function checkPython(schema: PackageSchema, file: string): string[] {
  const script = join(__dirname, "pythonCalls.py");
  let out: string;
  try {
    out = execFileSync("python3", [script, file, "socketio_fleet"], { encoding: "utf8" });
  } catch (err) {
    throw new Error(`the Python example check needs python3 (apt-get install python3): ${err}`);
  }
  const { calls, reads } = JSON.parse(out) as {
    calls: PythonCall[];
    reads: { of: string; attr: string; line: number }[];
  };
  const checker = new SchemaChecker(schema, PYTHON_NAMES);
  const token = (cls: string) => `${PACKAGE}:index:${cls}`;
  const components = calls.filter((c) => schema.resources[token(c.call)] !== undefined);
  for (const c of components) {
    const inputs = Object.fromEntries(
      Object.entries(c.kwargs)
        .filter(([k]) => k !== "opts")
        .map(([k, v]) => [k, pythonValue(v)]),
    );
    checker.checkInputs(token(c.call), inputs, `line ${c.line} ${c.call}`);
  }
  for (const r of reads) checker.checkOutput(token(r.of), r.attr, `line ${r.line}`);
  if (components.length === 0) checker.problems.push("no component is created");
  return checker.problems;
}

describe("examples/ against the package schema", function () {
  this.timeout(INFERENCE_TIMEOUT_MS);
  let schema: PackageSchema;
  const yamlPath = join(EXAMPLES, "yaml", "Pulumi.yaml");
  const yamlProgram = () => parse(readFileSync(yamlPath, "utf8")) as YamlProgram;

  before(async () => {
    schema = await inferredSchema();
  });

  it("the YAML program sets only existing properties, with the right types, and reads existing outputs", () => {
    const program = yamlProgram();
    assert.deepEqual(checkYaml(schema, program), []);
    assert.equal(resolve(EXAMPLES, "yaml", program.packages![PACKAGE]), PACKAGE_ROOT);
  });

  it("the Python program does too, in the Python SDK's names", () => {
    assert.deepEqual(checkPython(schema, join(EXAMPLES, "python", "__main__.py")), []);
    const project = parse(readFileSync(join(EXAMPLES, "python", "Pulumi.yaml"), "utf8"));
    assert.equal(resolve(EXAMPLES, "python", project.packages[PACKAGE]), PACKAGE_ROOT);
  });

  it("the checks fail on a wrong name, type, enum value, missing required input or output", () => {
    const program = yamlProgram();
    const props = program.resources!.chat.properties!;
    delete props.image;
    props.replica = 3;
    props.replicas = "3";
    (props.stickiness as Record<string, unknown>).mode = "sticky";
    (props.redis as Record<string, unknown>).url = "${chat.redisUrl}";
    props.heartbeat = { pingIntervalMs: "${chat.url}" };
    program.outputs!.bad = "${chat.lbDnsName}";
    assert.deepEqual(checkYaml(schema, program).sort(), [
      "outputs.bad: socketio-fleet:index:AwsSocketIoFleet has no output lbDnsName",
      "resources.chat.heartbeat.pingIntervalMs: plain property given an Output (${chat.url})",
      "resources.chat.image: required, not set",
      "resources.chat.replica: no such property",
      "resources.chat.replicas: string given where a number goes",
      'resources.chat.stickiness.mode: "sticky" is not a StickinessMode value',
    ]);
  });
});
