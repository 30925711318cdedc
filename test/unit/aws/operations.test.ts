/** Week-one operations on AWS: secret rotation, the ECS drain window, the private metrics port. */
import { strict as assert } from "node:assert";
import { AwsSocketIoFleet } from "../../../components/aws";
import { DEFAULT_METRICS_PORT } from "../../../components/shared";
import { allRules, T, awsMocks, baseArgs, build, containers, secretVersionId } from "./fixtures";

const SECRET_ARN = `arn:mock:${T.secret}:fleet-redis-url`;

async function withExternalRedis(url: string) {
  const mocks = await awsMocks();
  await build(
    mocks,
    () =>
      new AwsSocketIoFleet(
        "fleet",
        baseArgs({ redis: { mode: "external", url, cidrIpv4: "10.1.0.0/16" } }),
      ),
  );
  return mocks;
}

describe("AwsSocketIoFleet: secret rotation, drain window, metrics port", () => {
  it("a changed Redis URL changes what the tasks read: the secret reference is pinned to the new version", async () => {
    const before = await withExternalRedis("rediss://:old-token@redis.internal:6379");
    const after = await withExternalRedis("rediss://:new-token@redis.internal:6379");
    const refs = [before, after].map((m) => containers(m)[0].secrets);
    assert.deepEqual(refs, [
      [
        {
          name: "REDIS_URL",
          valueFrom: `${SECRET_ARN}:::${secretVersionId("rediss://:old-token@redis.internal:6379")}`,
        },
      ],
      [
        {
          name: "REDIS_URL",
          valueFrom: `${SECRET_ARN}:::${secretVersionId("rediss://:new-token@redis.internal:6379")}`,
        },
      ],
    ]);
    assert.notDeepEqual(refs[0], refs[1]);
    // A changed container definition is a new task definition revision (a new ARN), and the
    // service runs whatever the task definition's ARN is: ECS rolls every task onto it.
    const [defsBefore, defsAfter] = [before, after].map(
      (m) => m.one(T.taskDef).inputs.containerDefinitions as string,
    );
    assert.notEqual(defsBefore, defsAfter);
    for (const m of [before, after]) {
      const svc = m.one(T.service);
      assert.equal(svc.inputs.taskDefinition, `arn:mock:${T.taskDef}:fleet-task`);
      assert.ok(svc.dependencies.includes(m.one(T.taskDef).urn));
    }
    // Only the pinned version differs: nothing else of the task moves with the URL.
    assert.equal(
      defsBefore.replace(/v-[0-9a-f]{12}/, "V"),
      defsAfter.replace(/v-[0-9a-f]{12}/, "V"),
    );
  });

  it("a rotated URL leaves the old version readable: old tasks restarting mid-rollout (or after a rollback) still read their pinned version", async () => {
    const before = await withExternalRedis("rediss://:old-token@redis.internal:6379");
    const after = await withExternalRedis("rediss://:new-token@redis.internal:6379");
    for (const m of [before, after]) {
      // One version resource, always the same name: a new URL replaces it (secretString is
      // ForceNew), and the replaced version must not be deleted, which would strip its
      // AWSPREVIOUS label and leave it to Secrets Manager's pruning.
      assert.deepEqual(
        m.ofType(T.secretVersion).map((v) => v.name),
        ["fleet-redis-url"],
      );
      assert.equal(m.one(T.secretVersion).options.retainOnDelete, true);
      assert.equal(m.one(T.secretVersion).options.deleteBeforeReplace, undefined);
    }
    // The old revision pins the old version id; with the version retained, that reference
    // still resolves while the new revision rolls out.
    const [oldRef, newRef] = [before, after].map((m) => containers(m)[0].secrets[0].valueFrom);
    assert.equal(
      oldRef,
      `${SECRET_ARN}:::${secretVersionId("rediss://:old-token@redis.internal:6379")}`,
    );
    assert.notEqual(oldRef, newRef);
  });

  it("the same URL keeps the same reference (no redeploy without a change)", async () => {
    const [a, b] = [
      await withExternalRedis("rediss://:same@redis.internal:6379"),
      await withExternalRedis("rediss://:same@redis.internal:6379"),
    ];
    assert.equal(
      a.one(T.taskDef).inputs.containerDefinitions,
      b.one(T.taskDef).inputs.containerDefinitions,
    );
  });

  it("the deregistration delay covers the status poll, the whole drain and a margin; stop timeout within Fargate's 120 s", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    // 3 s until the app sees DEACTIVATING + 25 s drain (grace + batches) + 5 s margin.
    assert.equal(mocks.one(T.tg).inputs.deregistrationDelay, 3 + 25 + 5);
    assert.equal(containers(mocks)[0].stopTimeout, 30);
  });

  it("no security group and no port mapping opens the metrics port", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const [c] = containers(mocks);
    assert.equal(
      c.environment.find((e: { name: string }) => e.name === "METRICS_PORT").value,
      String(DEFAULT_METRICS_PORT),
    );
    assert.deepEqual(
      c.portMappings.map((p: { containerPort: number }) => p.containerPort),
      [3000],
    );
    assert.deepEqual(allRules(mocks), [
      "fleet-alb-sg in tcp 80-80 0.0.0.0/0",
      "fleet-alb-sg in tcp 80-80 ::/0",
      "fleet-alb-sg out tcp 3000-3000 fleet-tasks-sg",
      "fleet-redis-sg in tcp 6379-6379 fleet-tasks-sg",
      "fleet-tasks-sg in tcp 3000-3000 fleet-alb-sg",
      "fleet-tasks-sg out tcp 443-443 0.0.0.0/0",
      "fleet-tasks-sg out tcp 6379-6379 fleet-redis-sg",
    ]);
  });
});
