/**
 * Checks a program's use of the package against its schema, language-neutrally: every property
 * it sets exists, with the right type (enums by value or by member, nested objects by their
 * type), required inputs are set, plain properties get no Output, and outputs it reads exist.
 * The YAML and Python examples are converted into `Value`s by examples.test.ts.
 */
import type { PackageSchema, PropertySpec, ResourceSpec } from "../../../stacks/package/schema";

export type Value =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "list"; items: Value[] }
  | { kind: "object"; fields: Record<string, Value>; typeName?: string }
  | { kind: "member"; typeName: string; member: string }
  /** An expression only known at run time; `plainOk` when it is a plain value (config). */
  | { kind: "unknown"; text: string; plainOk: boolean };

export interface Naming {
  /** The program's name for a schema property name (`certificateArn` → `certificate_arn`). */
  property(name: string): string;
  /** The program's name for an enum member's schema name (`ClientIp` → `CLIENT_IP`). */
  member(name: string): string;
  /** The program's name for an input object type (`Stickiness` → `StickinessArgs`). */
  inputType(name: string): string;
}

export const SCHEMA_NAMES: Naming = {
  property: (n) => n,
  member: (n) => n,
  inputType: (n) => n,
};

/** Pulumi's Python names: snake_case properties, UPPER_SNAKE enum members, `…Args` inputs. */
export const PYTHON_NAMES: Naming = {
  property: pythonName,
  member: (n) => pythonName(n).toUpperCase(),
  inputType: (n) => `${n}Args`,
};

export function pythonName(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

export class SchemaChecker {
  readonly problems: string[] = [];

  constructor(
    private readonly schema: PackageSchema,
    private readonly naming: Naming,
  ) {}

  resource(token: string, where: string): ResourceSpec | undefined {
    const spec = this.schema.resources[token];
    if (!spec) this.problems.push(`${where}: no resource ${token} in the schema`);
    return spec;
  }

  /** The inputs given to `token`: each exists with the right type; required ones are set. */
  checkInputs(token: string, inputs: Record<string, Value>, where: string) {
    const spec = this.resource(token, where);
    if (spec) this.checkFields(spec.inputProperties, spec.requiredInputs ?? [], inputs, where);
  }

  /** An output read (`${fleet.url}`, `fleet.url`) names a declared output. */
  checkOutput(token: string, name: string, where: string) {
    const spec = this.resource(token, where);
    if (!spec) return;
    const known = Object.keys(spec.properties).map((p) => this.naming.property(p));
    if (!known.includes(name)) this.problems.push(`${where}: ${token} has no output ${name}`);
  }

  private checkFields(
    specs: Record<string, PropertySpec>,
    required: string[],
    given: Record<string, Value>,
    where: string,
  ) {
    const byName = new Map(Object.entries(specs).map(([n, s]) => [this.naming.property(n), s]));
    for (const [name, value] of Object.entries(given)) {
      const spec = byName.get(name);
      if (!spec) this.problems.push(`${where}.${name}: no such property`);
      else this.checkValue(spec, value, `${where}.${name}`);
    }
    for (const name of required.map((r) => this.naming.property(r))) {
      if (!(name in given)) this.problems.push(`${where}.${name}: required, not set`);
    }
  }

  private checkValue(spec: PropertySpec, value: Value, where: string): void {
    const fail = (why: string): void => void this.problems.push(`${where}: ${why}`);
    if (value.kind === "unknown") {
      if (spec.plain && !value.plainOk) fail(`plain property given an Output (${value.text})`);
      return;
    }
    const ref = spec.$ref;
    if (ref !== undefined) {
      const typeName = ref.replace(/^#\/types\/[^:]+:index:/, "");
      const type = this.schema.types[ref.replace(/^#\/types\//, "")];
      if (!type) return fail(`refers to ${ref}, which the schema does not define`);
      if (type.enum) {
        const members = type.enum.map((e) => this.naming.member(e.name ?? String(e.value)));
        if (value.kind === "string") {
          if (!type.enum.some((e) => e.value === value.value)) {
            fail(`"${value.value}" is not a ${typeName} value`);
          }
        } else if (value.kind === "member") {
          if (value.typeName !== typeName) fail(`${value.typeName} given where ${typeName} goes`);
          else if (!members.includes(value.member)) fail(`${typeName} has no ${value.member}`);
        } else fail(`${value.kind} given where the enum ${typeName} goes`);
        return;
      }
      if (value.kind !== "object") return fail(`${value.kind} given where ${typeName} goes`);
      const expected = this.naming.inputType(typeName);
      if (value.typeName !== undefined && value.typeName !== expected) {
        fail(`${value.typeName} given where ${expected} goes`);
      }
      this.checkFields(type.properties ?? {}, type.required ?? [], value.fields, where);
      return;
    }
    switch (spec.type) {
      case "string":
      case "number":
      case "boolean":
        if (value.kind !== spec.type) fail(`${value.kind} given where a ${spec.type} goes`);
        return;
      case "array":
        if (value.kind !== "list") return fail(`${value.kind} given where a list goes`);
        value.items.forEach((item, i) => this.checkValue(spec.items!, item, `${where}[${i}]`));
        return;
      case "object":
        if (value.kind !== "object" || value.typeName !== undefined) {
          return fail(`${value.kind} given where a map goes`);
        }
        for (const [k, v] of Object.entries(value.fields)) {
          this.checkValue(spec.additionalProperties!, v, `${where}.${k}`);
        }
        return;
      default:
        fail(`unchecked schema type ${JSON.stringify(spec)}`);
    }
  }
}
