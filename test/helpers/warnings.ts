import * as pulumi from "@pulumi/pulumi";

/** Runs `f` with `pulumi.log.warn` recorded: what a user sees at every preview. */
export async function withWarnings<R>(
  f: () => Promise<R>,
): Promise<{ warnings: string[]; result: R }> {
  const warnings: string[] = [];
  const original = pulumi.log.warn;
  pulumi.log.warn = (msg: string) => {
    warnings.push(msg);
    return Promise.resolve();
  };
  try {
    return { warnings, result: await f() };
  } finally {
    pulumi.log.warn = original;
  }
}
