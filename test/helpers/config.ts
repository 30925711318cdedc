import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

/**
 * Loads `Pulumi.<stack>.yaml` into the runtime config the way the engine would: keys as
 * `project:key`, objects as JSON text, `secure:` values as secrets.
 */
export function loadStackConfig(stack: string, root = path.join(__dirname, "..", "..")): void {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const secure =
      typeof value === "object" && value !== null && "secure" in value
        ? String((value as { secure: unknown }).secure)
        : undefined;
    if (secure !== undefined) secretKeys.push(key);
    config[key] = secure ?? (typeof value === "string" ? value : JSON.stringify(value));
  }
  pulumi.runtime.setAllConfig(config, secretKeys);
}
