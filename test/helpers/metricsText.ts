/** Reading Prometheus text exposition in tests. */

/** The value of the first sample of `name` (any labels), or undefined when absent. */
export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : undefined;
}

export async function fetchMetrics(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`${baseUrl}/metrics answered ${res.status}`);
  return res.text();
}

/** Every sample of `name` by the value of its `label` (e.g. `socketio_redis_connected` by role). */
export function metricByLabel(text: string, name: string, label: string): Record<string, number> {
  const samples: Record<string, number> = {};
  for (const match of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, "gm"))) {
    const value = new RegExp(`(?:^|,)${label}="([^"]*)"`).exec(match[1])?.[1];
    if (value !== undefined) samples[value] = Number(match[2]);
  }
  return samples;
}
