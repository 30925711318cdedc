/**
 * The shared rule that keeps the app's port off the metrics port: every target renders
 * `METRICS_PORT` = `DEFAULT_METRICS_PORT` (9464), and the app refuses to start with both equal.
 */
import { strict as assert } from "node:assert";
import {
  FleetSpecError,
  GENERIC_PLATFORM,
  resolveFleetSpec,
  validateFleetSpec,
} from "../../../components";
import { DEFAULT_METRICS_PORT, parseAppEnv, renderAppEnv } from "../../../components/shared/appEnv";

const IMAGE = "ghcr.io/acme/chat:1.0.0";
const MESSAGE =
  "`containerPort` (9464) is the app's metrics port (`METRICS_PORT`, reachable only by " +
  "monitoring, never by a load balancer): choose another port, e.g. 3000";

describe("validateFleetSpec: containerPort may not be the metrics port", () => {
  it("names the field, the value and the fix", () => {
    assert.equal(DEFAULT_METRICS_PORT, 9464);
    assert.deepEqual(
      validateFleetSpec({ image: IMAGE, containerPort: DEFAULT_METRICS_PORT }, GENERIC_PLATFORM),
      [{ field: "containerPort", message: MESSAGE }],
    );
    assert.throws(
      () => resolveFleetSpec({ image: IMAGE, containerPort: DEFAULT_METRICS_PORT }),
      (err: unknown) => err instanceof FleetSpecError && err.message.includes(MESSAGE),
    );
  });

  it("accepts the ports next to it, and their rendered environment parses", () => {
    for (const containerPort of [DEFAULT_METRICS_PORT - 1, DEFAULT_METRICS_PORT + 1, 3000]) {
      assert.deepEqual(validateFleetSpec({ image: IMAGE, containerPort }), []);
      const spec = resolveFleetSpec({ image: IMAGE, containerPort });
      const config = parseAppEnv({ ...renderAppEnv(spec), REDIS_URL: "redis://redis:6379" });
      assert.deepEqual([config.port, config.metricsPort], [containerPort, DEFAULT_METRICS_PORT]);
    }
  });
});
