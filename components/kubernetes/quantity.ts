const SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/**
 * The value of a Kubernetes quantity such as "250m", "1.5", "512Mi", or `undefined` when the
 * text is not one (only the suffixes a CPU or memory request uses are accepted).
 */
export function parseQuantity(text: string): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * SUFFIX[match[2] ?? ""];
}
