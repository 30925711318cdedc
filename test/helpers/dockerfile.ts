/** The app image's HEALTHCHECK, read from `app/Dockerfile` (no Docker engine needed). */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const DOCKERFILE = join(__dirname, "..", "..", "app", "Dockerfile");

/** The argv of the last stage's HEALTHCHECK (exec form), e.g. `["node", "-e", "…"]`. */
export function dockerHealthCheckArgv(): string[] {
  const instructions = readFileSync(DOCKERFILE, "utf8")
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim());
  const from = instructions.map((l, i) => (l.startsWith("FROM ") ? i : -1)).filter((i) => i >= 0);
  const lastStage = instructions.slice(from[from.length - 1]);
  const check = lastStage.find((l) => l.startsWith("HEALTHCHECK "));
  assert.ok(check, "the runtime stage of app/Dockerfile has a HEALTHCHECK");
  return JSON.parse(check.slice(check.indexOf("CMD ") + 4)) as string[];
}
