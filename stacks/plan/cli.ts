/**
 * `npm run plan`: writes `plans/<stack>.json` for every `Pulumi.<stack>.yaml`.
 * `npm run plan -- --check`: exits 1 naming every stack whose committed plan is stale.
 * `npm run plan -- --diff <git-rev> [--max-chars N]`: Markdown summary of the plan changes since
 * `<git-rev>` (committed plans there against the plans in the working tree).
 * `--root <dir>` first runs any of them on another project directory (the tests use it).
 */
import * as path from "node:path";
import { diffMarkdown } from "./markdown";
import { checkPlans, diffSince, writePlans } from "./plans";

const USAGE =
  "usage: npm run plan [-- [--root <dir>] [--check | --diff <git-rev> [--max-chars N]]]";

async function main(args: string[]): Promise<number> {
  const rooted = args[0] === "--root" && args[1] !== undefined;
  const ROOT = rooted ? path.resolve(args[1]) : path.resolve(__dirname, "..", "..");
  const [command, ...rest] = rooted ? args.slice(2) : args;
  if (command === undefined) {
    const stacks = await writePlans(ROOT);
    console.log(`wrote ${stacks.map((s) => `plans/${s}.json`).join(", ")}`);
    return 0;
  }
  if (command === "--check" && rest.length === 0) {
    const stale = await checkPlans(ROOT);
    for (const s of stale) console.error(`stale plan: ${s.stack}: ${s.reason}`);
    if (stale.length > 0) {
      console.error(
        `${stale.length} stale plan(s): ${stale.map((s) => s.stack).join(", ")}. ` +
          "Run `npm run plan` and commit plans/ with your change.",
      );
      return 1;
    }
    console.log("plans/ matches every stack");
    return 0;
  }
  if (command === "--diff" && rest[0] !== undefined && !rest[0].startsWith("--")) {
    const since = rest[0];
    const maxChars = parseMaxChars(rest.slice(1));
    process.stdout.write(diffMarkdown(diffSince(ROOT, since), { since, maxChars }));
    return 0;
  }
  console.error(USAGE);
  return 2;
}

function parseMaxChars(args: string[]): number | undefined {
  if (args.length === 0) return undefined;
  const value = Number(args[1]);
  if (args[0] !== "--max-chars" || args.length !== 2 || !Number.isInteger(value) || value < 1000) {
    throw new Error(`--max-chars takes a whole number of characters ≥ 1000; ${USAGE}`);
  }
  return value;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
