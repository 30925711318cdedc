/**
 * The liveness path is the spec's `healthCheckPath`, end to end on a real `main.js` node and a
 * real redis-server: the node started from the environment the targets render (`renderAppEnv`)
 * answers 200 at the configured path and 404 at `/healthz`, which is no longer special; the ECS
 * container health check (`livenessHealthCheck`, what the AWS task definition carries) and the
 * image's Docker HEALTHCHECK probe that same path and pass, and fail on another one.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { livenessHealthCheck } from "../../../components/aws/container";
import { renderAppEnv, resolveFleetSpec } from "../../../components/shared";
import { assertAppBuilt, startAppNode } from "../../helpers/appNodes";
import { requireBinary } from "../../helpers/binaries";
import { dockerHealthCheckArgv } from "../../helpers/dockerfile";
import { stopAll, waitForHttp } from "../../helpers/processes";
import { startRedis } from "../../helpers/redisServer";

const execFileAsync = promisify(execFile);
const LIVE_PATH = "/ops/live";

/** Runs a probe's `node -e …` argv; resolves with its exit code. */
function probe(argv: string[], env: Record<string, string>): Promise<number> {
  assert.equal(argv[0], "node");
  return execFileAsync(process.execPath, argv.slice(1), {
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: 5000,
  }).then(
    () => 0,
    (err: { code?: number }) => err.code ?? -1,
  );
}

describe("app liveness at the spec's healthCheckPath (real node, real Redis)", function () {
  this.timeout(60_000);
  before(assertAppBuilt);
  after(stopAll);

  it("answers at the configured path, 404 at /healthz; the ECS and Docker health checks use that path", async function () {
    const binary = requireBinary(this, "redis-server", "redis-server");
    const redis = await startRedis(binary);
    const spec = resolveFleetSpec({ image: "socketio-fleet-app", healthCheckPath: LIVE_PATH });
    const env = renderAppEnv(spec);
    assert.equal(env.HEALTH_CHECK_PATH, LIVE_PATH);
    const node = await startAppNode("live-path", { ...env, REDIS_URL: redis.url });
    await waitForHttp(`${node.url}/readyz`, { watch: node.process });

    const live = await fetch(`${node.url}${LIVE_PATH}`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { status: "ok" });
    assert.equal((await fetch(`${node.url}${LIVE_PATH}?probe=1`)).status, 200);
    assert.equal((await fetch(`${node.url}/healthz`)).status, 404, "/healthz is not special");
    assert.equal((await fetch(`${node.url}/readyz`)).status, 200, "readiness stays /readyz");

    // The ECS container health check of the task definition, run as ECS would (CMD form).
    const ecs = livenessHealthCheck(node.port, spec.healthCheckPath);
    assert.deepEqual(ecs.command.slice(0, 1), ["CMD"]);
    assert.equal(await probe(ecs.command.slice(1), {}), 0);
    const ecsDefault = livenessHealthCheck(node.port, "/healthz");
    assert.equal(await probe(ecsDefault.command.slice(1), {}), 1, "the path matters");

    // The image's HEALTHCHECK, with the container's environment (PORT, HEALTH_CHECK_PATH).
    const docker = dockerHealthCheckArgv();
    const port = String(node.port);
    assert.equal(await probe(docker, { PORT: port, HEALTH_CHECK_PATH: LIVE_PATH }), 0);
    assert.equal(await probe(docker, { PORT: port }), 1, "unset, it probes /healthz: 404");
  });
});
