/** The kubernetes stack program (work in progress: see the kubernetes issue). */
export async function program(): Promise<Record<string, unknown>> {
  throw new Error("the kubernetes stack is not implemented yet");
}
