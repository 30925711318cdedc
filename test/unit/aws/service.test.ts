import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AwsSocketIoFleet } from "../../../components/aws";
import {
  AUTH_TOKEN,
  REDIS_HOST,
  T,
  awsMocks,
  baseArgs,
  build,
  containers,
  secretVersionId,
} from "./fixtures";

const REDIS_URL = `rediss://:${AUTH_TOKEN}@${REDIS_HOST}:6379`;
const SECRET_ARN = `arn:mock:${T.secret}:fleet-redis-url`;
/** The secret's ARN pinned to the version holding the URL (`arn:json-key:version-stage:version-id`). */
const PINNED_SECRET = `${SECRET_ARN}:::${secretVersionId(REDIS_URL)}`;

describe("AwsSocketIoFleet: ECS task, roles, service, autoscaling", () => {
  it("defines one Fargate task: awsvpc, cpu/memory, port, read-only root without volumes, liveness check, stop timeout, awslogs", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const td = mocks.one(T.taskDef);
    assert.equal(td.name, "fleet-task");
    const rest = { ...td.inputs };
    delete rest.containerDefinitions;
    // No volumes: an ECS task volume is root-owned 0755, which uid 10001 cannot write.
    assert.deepEqual(rest, {
      family: "fleet-test",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "512",
      memory: "1024",
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: `arn:mock:${T.role}:fleet-execution`,
      taskRoleArn: `arn:mock:${T.role}:fleet-task`,
      // The replaced revision stays ACTIVE: a service cannot be rolled back to an INACTIVE one.
      skipDestroy: true,
    });
    // The app, then the metrics collector (`monitoring.test.ts` asserts its definition).
    assert.deepEqual(
      containers(mocks).map((c) => c.name),
      ["app", "metrics-collector"],
    );
    assert.deepEqual(containers(mocks).slice(0, 1), [
      {
        name: "app",
        image: "ghcr.io/acme/chat:1.2.3",
        essential: true,
        // Only the app port: the metrics port is never mapped.
        portMappings: [{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }],
        // CORS_ORIGINS is empty, so it is left out (ECS would drop it: a diff on every update).
        environment: [
          { name: "CORS_CREDENTIALS", value: "true" },
          { name: "HEALTH_CHECK_PATH", value: "/healthz" },
          // The ALB's idle timeout (3600 s) plus 5 s.
          { name: "HTTP_KEEPALIVE_TIMEOUT_MS", value: "3605000" },
          // 80 % of what the 896 MiB beside the collector holds (`awsNodeCapacity`).
          { name: "MAX_CONNECTIONS", value: "31400" },
          { name: "METRICS_PORT", value: "9464" },
          { name: "PING_INTERVAL_MS", value: "25000" },
          { name: "PING_TIMEOUT_MS", value: "20000" },
          { name: "PORT", value: "3000" },
          { name: "REDIS_MODE", value: "standalone" },
          { name: "SOCKETIO_ADAPTER", value: "redis" },
          { name: "SOCKETIO_TRANSPORTS", value: "polling,websocket" },
          { name: "STICKINESS_MODE", value: "cookie" },
        ],
        secrets: [{ name: "REDIS_URL", valueFrom: PINNED_SECRET }],
        readonlyRootFilesystem: true,
        healthCheck: {
          command: [
            "CMD",
            "node",
            "-e",
            "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
          ],
          interval: 10,
          timeout: 3,
          retries: 3,
          startPeriod: 10,
        },
        stopTimeout: 30,
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": "/ecs/fleet-logs",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "app",
          },
        },
      },
    ]);
    assert.ok(containers(mocks)[0].stopTimeout <= 120);
  });

  it("merges user env with the contract, sorted, without empty values, and honours cpu/memory", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            cpu: 1024,
            memoryMiB: 3072,
            containerPort: 8080,
            adapter: "redis-streams",
            env: { LOG_FORMAT: "json", FEATURE: pulumi.output("on"), UNSET: "" },
            cors: { origins: ["https://app.example.com"] },
            certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
          }),
        ),
    );
    assert.equal(mocks.one(T.taskDef).inputs.cpu, "1024");
    assert.equal(mocks.one(T.taskDef).inputs.memory, "3072");
    const [c] = containers(mocks);
    assert.deepEqual(c.environment, [
      { name: "CORS_CREDENTIALS", value: "true" },
      { name: "CORS_ORIGINS", value: "https://app.example.com" },
      { name: "FEATURE", value: "on" },
      { name: "HEALTH_CHECK_PATH", value: "/healthz" },
      { name: "HTTP_KEEPALIVE_TIMEOUT_MS", value: "3605000" },
      { name: "LOG_FORMAT", value: "json" },
      { name: "MAX_CONNECTIONS", value: "115300" },
      { name: "METRICS_PORT", value: "9464" },
      { name: "PING_INTERVAL_MS", value: "25000" },
      { name: "PING_TIMEOUT_MS", value: "20000" },
      { name: "PORT", value: "8080" },
      { name: "REDIS_MODE", value: "standalone" },
      { name: "SOCKETIO_ADAPTER", value: "redis-streams" },
      { name: "SOCKETIO_TRANSPORTS", value: "polling,websocket" },
      { name: "STICKINESS_MODE", value: "cookie" },
    ]);
    assert.deepEqual(c.portMappings, [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
  });

  it("keeps the Redis URL and AUTH token out of the task definition's plaintext", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const json = mocks.one(T.taskDef).inputs.containerDefinitions as string;
    assert.ok(!json.includes(AUTH_TOKEN), "token in container definitions");
    assert.ok(!json.includes("rediss://"), "URL in container definitions");
    const [c] = JSON.parse(json);
    assert.deepEqual(
      c.environment.filter((e: { name: string }) => e.name === "REDIS_URL"),
      [],
    );
    assert.deepEqual(c.secrets, [{ name: "REDIS_URL", valueFrom: PINNED_SECRET }]);
    for (const r of mocks.resources) {
      if (r.type === T.secretVersion || r.type === T.replicationGroup || r.type === T.password)
        continue;
      assert.ok(!JSON.stringify(r.inputs).includes(AUTH_TOKEN), `${r.type} holds the token`);
    }
  });

  it("runs the service in private subnets without public IPs, with circuit breaker, grace period and a wait for steady state", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs({ replicas: 4 })));
    const svc = mocks.one(T.service);
    assert.equal(svc.name, "fleet-service");
    assert.deepEqual(svc.inputs, {
      cluster: `arn:mock:${T.cluster}:fleet-cluster`,
      taskDefinition: `arn:mock:${T.taskDef}:fleet-task`,
      desiredCount: 4,
      launchType: "FARGATE",
      networkConfiguration: {
        subnets: ["subnet-priv-a", "subnet-priv-b"],
        securityGroups: ["fleet-tasks-sg-id"],
        assignPublicIp: false,
      },
      loadBalancers: [
        { targetGroupArn: `arn:mock:${T.tg}:fleet-tg`, containerName: "app", containerPort: 3000 },
      ],
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      healthCheckGracePeriodSeconds: 60,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      waitForSteadyState: true,
    });
    const listener = mocks.named(T.listener, "fleet-http");
    const secretVersion = mocks.one(T.secretVersion);
    assert.ok(svc.dependencies.includes(listener.urn), "service must depend on the listener");
    assert.ok(svc.dependencies.includes(secretVersion.urn), "service must wait for the secret");
    const grants = mocks.ofType(T.rolePolicy);
    // Execution, task (DescribeTasks) and the collector's grant on the metrics log group.
    assert.equal(grants.length, 3);
    for (const grant of grants) {
      assert.ok(svc.dependencies.includes(grant.urn), `service must wait for ${grant.name}`);
    }
  });

  it("depends on the HTTPS listener too when there is one", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" }),
        ),
    );
    const svc = mocks.one(T.service);
    for (const name of ["fleet-http", "fleet-https"]) {
      assert.ok(svc.dependencies.includes(mocks.named(T.listener, name).urn), name);
    }
  });

  it("keeps logs for logRetentionDays", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs({ logRetentionDays: 7 })));
    assert.deepEqual(mocks.named(T.logGroup, "fleet-logs").inputs, { retentionInDays: 7 });
  });

  it("reuses an ECS cluster given by ARN (no cluster created)", async () => {
    const mocks = await awsMocks();
    const arn = "arn:aws:ecs:us-east-1:123456789012:cluster/shared";
    const fleet = await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ clusterArn: arn, autoscaling: { minReplicas: 2, maxReplicas: 6 } }),
        ),
    );
    assert.equal(mocks.ofType(T.cluster).length, 0);
    assert.equal(fleet.cluster, undefined);
    assert.equal(mocks.one(T.service).inputs.cluster, arn);
    assert.equal(mocks.one(T.scalingTarget).inputs.resourceId, "service/shared/fleet-service");
  });

  it("autoscaling: a target-tracking CPU policy between min and max, replicas as the start", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            replicas: 3,
            autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 },
          }),
        ),
    );
    const target = mocks.one(T.scalingTarget);
    assert.equal(target.name, "fleet-scaling");
    assert.deepEqual(target.inputs, {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: "service/fleet-cluster/fleet-service",
      minCapacity: 2,
      maxCapacity: 10,
    });
    const policy = mocks.named(T.scalingPolicy, "fleet-cpu");
    assert.deepEqual(policy.inputs, {
      policyType: "TargetTrackingScaling",
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: "service/fleet-cluster/fleet-service",
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: 50,
        // Scale-in is the connection policies' one task at a time (monitoring is on by default).
        disableScaleIn: true,
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
    assert.equal(mocks.one(T.service).inputs.desiredCount, 3);
  });

  it("without autoscaling: no scaling target or policy", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    assert.equal(mocks.ofType(T.scalingTarget).length, 0);
    assert.equal(mocks.ofType(T.scalingPolicy).length, 0);
  });

  it("applies transforms to the children's args", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet("fleet", baseArgs(), {
          transform: {
            targetGroup: (a) => {
              a.slowStart = 30;
            },
            service: (a) => {
              a.enableExecuteCommand = true;
            },
          },
        }),
    );
    assert.equal(mocks.one(T.tg).inputs.slowStart, 30);
    assert.equal(mocks.one(T.service).inputs.enableExecuteCommand, true);
  });
});
