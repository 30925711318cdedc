import { freePort } from "../../app/local/probes";

/** A TCP port that was free on `host` a moment ago (the OS picks it): the engine's own. */
export { freePort };

/** `count` distinct free ports. */
export async function freePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}
