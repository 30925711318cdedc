import * as pulumi from "@pulumi/pulumi";

/**
 * The value of an output as a Promise, so a failed assertion fails the test instead of timing
 * out inside `.apply`. Rejects on an unknown value (preview) rather than hanging.
 */
export async function unwrap<T>(value: pulumi.Input<T>): Promise<T> {
  const output = pulumi.output(value);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const internal = output as any;
  if (!(await internal.isKnown)) throw new Error("unwrap: the output is unknown (preview)");
  return (await internal.promise()) as T;
}

/** Whether an output is known (false for computed values in preview). */
export async function isKnown(value: pulumi.Input<unknown>): Promise<boolean> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await (pulumi.output(value) as any).isKnown) as boolean;
}

export async function isSecret(value: pulumi.Input<unknown>): Promise<boolean> {
  return pulumi.isSecret(pulumi.output(value));
}
