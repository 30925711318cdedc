import { strict as assert } from "node:assert";
import { AwsSocketIoFleet } from "../../../components/aws";
import { isSecretInput } from "../../helpers/mocks";
import { isKnown, isSecret, unwrap } from "../../helpers/unwrap";
import { ALB_DNS, AUTH_TOKEN, REDIS_HOST, T, awsMocks, baseArgs, build } from "./fixtures";

const REDIS_URL = `rediss://:${AUTH_TOKEN}@${REDIS_HOST}:6379`;

describe("AwsSocketIoFleet: outputs, parents, registration", () => {
  it("exposes url, loadBalancerDnsName, redisEndpoint and redisUrl (a secret)", async () => {
    const mocks = await awsMocks();
    const fleet = await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    assert.equal(await unwrap(fleet.url), `http://${ALB_DNS}`);
    assert.equal(await unwrap(fleet.loadBalancerDnsName), ALB_DNS);
    assert.equal(await unwrap(fleet.redisEndpoint), `${REDIS_HOST}:6379`);
    assert.equal(await isSecret(fleet.redisEndpoint), false);
    assert.equal(await unwrap(fleet.redisUrl), REDIS_URL);
    assert.equal(await isSecret(fleet.redisUrl), true);
    assert.equal(fleet.service.urn !== undefined, true);
    assert.equal(await unwrap(fleet.targetGroup.arn), `arn:mock:${T.tg}:fleet-tg`);
  });

  it("makes the component the parent or an ancestor of every child", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const component = mocks.one(T.fleet);
    const children = mocks.resources.filter((r) => r !== component);
    assert.ok(children.length >= 25, `only ${children.length} children`);
    for (const child of children) {
      assert.ok(mocks.descendsFrom(child, component.urn), `${child.type}::${child.name}`);
      assert.ok(child.name.startsWith("fleet-"), `${child.name} does not derive from the name`);
    }
  });

  it("registers its outputs", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const component = mocks.one(T.fleet);
    const outputs = mocks.registeredOutputs.get(component.urn);
    assert.ok(outputs, "registerOutputs was not called");
    assert.deepEqual(Object.keys(outputs).sort(), [
      "albSecurityGroup",
      "clientOptions",
      "cluster",
      "dashboard",
      "executionRole",
      "httpListener",
      "loadBalancer",
      "loadBalancerDnsName",
      "logGroup",
      "metricsLogGroup",
      "redisEndpoint",
      "redisSecret",
      "redisSecurityGroup",
      "redisUrl",
      "replicationGroup",
      "service",
      "targetGroup",
      "taskDefinition",
      "taskRole",
      "tasksSecurityGroup",
      "url",
      "vpc",
    ]);
    assert.equal(outputs.url, `http://${ALB_DNS}`);
    assert.ok(isSecretInput(outputs.redisUrl), "redisUrl must be registered as a secret");
  });

  it("constructs in preview with unknown outputs", async () => {
    const mocks = await awsMocks({ preview: true });
    const fleet = await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    assert.equal(await isKnown(fleet.url), false);
    assert.equal(await isKnown(fleet.loadBalancerDnsName), false);
    assert.equal(await isKnown(fleet.redisEndpoint), false);
    assert.equal(await isKnown(fleet.redisUrl), false);
    const names = mocks.resources.map((r) => `${r.type}::${r.name}`);
    for (const expected of [
      `${T.tg}::fleet-tg`,
      `${T.lb}::fleet-alb`,
      `${T.listener}::fleet-http`,
      `${T.taskDef}::fleet-task`,
      `${T.service}::fleet-service`,
      `${T.replicationGroup}::fleet-redis`,
      `${T.secretVersion}::fleet-redis-url`,
    ]) {
      assert.ok(names.includes(expected), `${expected} missing in preview`);
    }
    assert.deepEqual(mocks.one(T.tg).inputs.stickiness, {
      enabled: true,
      type: "lb_cookie",
      cookieDuration: 86400,
    });
  });
});
