/** Which stacks a project has: one per `Pulumi.<stack>.yaml` beside its `Pulumi.yaml`. */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface Project {
  root: string;
  name: string;
  /** The program, absolute (`main` in Pulumi.yaml). */
  main: string;
}

export function readProject(root: string): Project {
  const doc = parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
    name?: unknown;
    main?: unknown;
  };
  if (typeof doc.name !== "string") throw new Error(`${root}/Pulumi.yaml has no \`name\``);
  const main = typeof doc.main === "string" ? doc.main : ".";
  return { root, name: doc.name, main: path.resolve(root, main) };
}

/** Stack names from `Pulumi.<stack>.yaml`, sorted. */
export function discoverStacks(root: string): string[] {
  return fs
    .readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}
