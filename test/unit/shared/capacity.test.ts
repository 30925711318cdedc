import assert from "node:assert/strict";
import {
  APP_ENV,
  defaultConnectionsPerNode,
  maxConnectionsForMemory,
  parseAppEnv,
  renderAppEnv,
  resolveFleetSpec,
  validateFleetSpec,
} from "../../../components/shared";

describe("node capacity in connections", () => {
  it("derives the default from memory: half of what is above a 128 MiB baseline at 20 KiB each", () => {
    assert.equal(defaultConnectionsPerNode(512), 9800);
    assert.equal(defaultConnectionsPerNode(1024), 22900);
    assert.equal(defaultConnectionsPerNode(2048), 49100);
    assert.equal(defaultConnectionsPerNode(128), 100, "never below 100");
    assert.equal(maxConnectionsForMemory(512), 19660);
  });

  it("keeps connectionsPerNode and maxConnectionsPerNode on the resolved spec", () => {
    const spec = resolveFleetSpec({
      image: "app:1",
      connectionsPerNode: 5000,
      maxConnectionsPerNode: 8000,
    });
    assert.equal(spec.connectionsPerNode, 5000);
    assert.equal(spec.maxConnectionsPerNode, 8000);
    assert.equal(resolveFleetSpec({ image: "app:1" }).connectionsPerNode, undefined);
  });

  it("refuses a capacity above the hard ceiling, and non-integers, naming both numbers", () => {
    const problems = validateFleetSpec({
      image: "app:1",
      connectionsPerNode: 9000,
      maxConnectionsPerNode: 5000,
    });
    assert.equal(problems.length, 1);
    assert.equal(problems[0].field, "connectionsPerNode");
    assert.match(problems[0].message, /\(9000\) is above `maxConnectionsPerNode` \(5000\)/);
    const bad = validateFleetSpec({
      image: "app:1",
      connectionsPerNode: 0,
      maxConnectionsPerNode: 1.5,
    });
    assert.deepEqual(
      bad.map((p) => p.field),
      ["connectionsPerNode", "maxConnectionsPerNode"],
    );
  });

  it("MAX_CONNECTIONS round-trips through the app environment and is checked", () => {
    const spec = resolveFleetSpec({ image: "app:1" });
    const env = renderAppEnv(spec, { maxConnections: 12000, redisUrl: "redis://r:6379" });
    assert.equal(env[APP_ENV.maxConnections], "12000");
    assert.equal(parseAppEnv(env).maxConnections, 12000);
    const without = renderAppEnv(spec, { redisUrl: "redis://r:6379" });
    assert.equal(APP_ENV.maxConnections in without, false);
    assert.equal(parseAppEnv(without).maxConnections, undefined);
    assert.throws(
      () => parseAppEnv({ ...env, [APP_ENV.maxConnections]: "0" }),
      /MAX_CONNECTIONS="0" must be an integer from 1 to 1000000/,
    );
  });
});
