/** The aws stack program (work in progress: see the aws issue). */
export async function program(): Promise<Record<string, unknown>> {
  throw new Error("the aws stack is not implemented yet");
}
