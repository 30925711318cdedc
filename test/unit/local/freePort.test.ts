import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { FREE_PORT_RANGE, freePort, HOST } from "../../../app/local/probes";

describe("freePort: ports for spawned processes, outside the ephemeral range", () => {
  it("the range lies below the kernel's ephemeral ports, so no outgoing connection takes one", () => {
    const [ephemeralMin] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
      .trim()
      .split(/\s+/)
      .map(Number);
    assert.ok(FREE_PORT_RANGE.max < ephemeralMin, `${FREE_PORT_RANGE.max} < ${ephemeralMin}`);
  });

  it("hands out bindable ports in the range, never the same one twice", async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    assert.equal(new Set(ports).size, 50);
    for (const port of ports) {
      assert.ok(port >= FREE_PORT_RANGE.min && port <= FREE_PORT_RANGE.max, String(port));
    }
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], HOST, resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
