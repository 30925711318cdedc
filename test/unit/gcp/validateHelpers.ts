/** Shared inputs and helpers of the GCP validator tests. */
import { strict as assert } from "node:assert";
import { validateGcpFleet } from "../../../components/gcp";
import { CLOUD_RUN_WEBSOCKET_ONLY, IMAGE, REGION } from "./fixtures";

export const BASE = { image: IMAGE, region: REGION, deletionProtection: false };
export const CLOUD_RUN = { ...BASE, ...CLOUD_RUN_WEBSOCKET_ONLY };

/** The messages for `args`, keyed by field. */
export function problems(args: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of validateGcpFleet(args)) (out[p.field] ??= []).push(p.message);
  return out;
}

export function only(args: unknown, field: string): string {
  const found = problems(args);
  assert.deepEqual(Object.keys(found), [field], JSON.stringify(found));
  assert.equal(found[field].length, 1, JSON.stringify(found));
  return found[field][0];
}
