import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AwsSocketIoFleet } from "../../../components/aws";
import { ACCOUNT, AUTH_TOKEN, T, awsMocks, baseArgs, build, containers } from "./fixtures";

describe("AwsSocketIoFleet: ECS task, roles, service, autoscaling", () => {
  it("defines one Fargate task: awsvpc, cpu/memory, port, read-only root, stop timeout, awslogs", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const td = mocks.one(T.taskDef);
    assert.equal(td.name, "fleet-task");
    const rest = { ...td.inputs };
    delete rest.containerDefinitions;
    assert.deepEqual(rest, {
      family: "fleet-test",
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "512",
      memory: "1024",
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: `arn:mock:${T.role}:fleet-execution`,
      taskRoleArn: `arn:mock:${T.role}:fleet-task`,
      volumes: [{ name: "tmp" }],
    });
    assert.deepEqual(containers(mocks), [
      {
        name: "app",
        image: "ghcr.io/acme/chat:1.2.3",
        essential: true,
        portMappings: [{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }],
        environment: [
          { name: "CORS_CREDENTIALS", value: "true" },
          { name: "CORS_ORIGINS", value: "" },
          // The ALB's idle timeout (3600 s) plus 5 s.
          { name: "HTTP_KEEPALIVE_TIMEOUT_MS", value: "3605000" },
          { name: "METRICS_PORT", value: "9464" },
          { name: "PING_INTERVAL_MS", value: "25000" },
          { name: "PING_TIMEOUT_MS", value: "20000" },
          { name: "PORT", value: "3000" },
          { name: "SOCKETIO_ADAPTER", value: "redis" },
          { name: "SOCKETIO_TRANSPORTS", value: "polling,websocket" },
          { name: "STICKINESS_MODE", value: "cookie" },
        ],
        secrets: [{ name: "REDIS_URL", valueFrom: `arn:mock:${T.secret}:fleet-redis-url` }],
        readonlyRootFilesystem: true,
        mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
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

  it("merges user env with the contract, sorted, and honours cpu/memory", async () => {
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
            env: { LOG_FORMAT: "json", FEATURE: pulumi.output("on") },
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
      { name: "HTTP_KEEPALIVE_TIMEOUT_MS", value: "3605000" },
      { name: "LOG_FORMAT", value: "json" },
      { name: "METRICS_PORT", value: "9464" },
      { name: "PING_INTERVAL_MS", value: "25000" },
      { name: "PING_TIMEOUT_MS", value: "20000" },
      { name: "PORT", value: "8080" },
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
    assert.deepEqual(c.secrets, [
      { name: "REDIS_URL", valueFrom: `arn:mock:${T.secret}:fleet-redis-url` },
    ]);
    for (const r of mocks.resources) {
      if (r.type === T.secretVersion || r.type === T.replicationGroup || r.type === T.password)
        continue;
      assert.ok(!JSON.stringify(r.inputs).includes(AUTH_TOKEN), `${r.type} holds the token`);
    }
  });

  it("gives the execution role the managed policy and GetSecretValue on the one secret only", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const exec = mocks.named(T.role, "fleet-execution");
    assert.deepEqual(JSON.parse(exec.inputs.assumeRolePolicy), {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "ecs-tasks.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
    assert.deepEqual(
      mocks.ofType(T.attachment).map((a) => [a.name, a.inputs]),
      [
        [
          "fleet-execution-managed",
          {
            role: "fleet-execution",
            policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
          },
        ],
      ],
    );
    const policies = mocks.ofType(T.rolePolicy);
    assert.deepEqual(
      policies.map((p) => [p.name, p.inputs.role]),
      [["fleet-execution-secret", "fleet-execution"]],
    );
    assert.deepEqual(JSON.parse(policies[0].inputs.policy), {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: [`arn:mock:${T.secret}:fleet-redis-url`],
        },
      ],
    });
  });

  it("builds ARNs from the partition it runs in (GovCloud, China), never a hard-coded arn:aws", async () => {
    const mocks = await awsMocks({
      calls: {
        "aws:index/getPartition:getPartition": () => ({
          partition: "aws-us-gov",
          dnsSuffix: "amazonaws.com",
          id: "aws-us-gov",
        }),
        "aws:index/getRegion:getRegion": () => ({
          name: "us-gov-west-1",
          region: "us-gov-west-1",
          id: "us-gov-west-1",
        }),
      },
    });
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    assert.equal(
      mocks.one(T.attachment).inputs.policyArn,
      "arn:aws-us-gov:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    );
    const trust = JSON.parse(mocks.named(T.role, "fleet-task").inputs.assumeRolePolicy);
    assert.deepEqual(trust.Statement[0].Condition.ArnLike, {
      "aws:SourceArn": `arn:aws-us-gov:ecs:us-gov-west-1:${ACCOUNT}:*`,
    });
    assert.equal(containers(mocks)[0].logConfiguration.options["awslogs-region"], "us-gov-west-1");
  });

  it("gives the task role no permissions, trusted only by this account's ECS", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const task = mocks.named(T.role, "fleet-task");
    assert.deepEqual(Object.keys(task.inputs).sort(), ["assumeRolePolicy", "description"]);
    assert.deepEqual(JSON.parse(task.inputs.assumeRolePolicy).Statement[0].Condition, {
      ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:*` },
      StringEquals: { "aws:SourceAccount": ACCOUNT },
    });
    const roleNames = [...mocks.ofType(T.attachment), ...mocks.ofType(T.rolePolicy)].map(
      (p) => p.inputs.role,
    );
    assert.ok(!roleNames.includes("fleet-task"));
  });

  it("runs the service in private subnets without public IPs, with circuit breaker and grace period", async () => {
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
    });
    const listener = mocks.named(T.listener, "fleet-http");
    const secretVersion = mocks.one(T.secretVersion);
    assert.ok(svc.dependencies.includes(listener.urn), "service must depend on the listener");
    assert.ok(svc.dependencies.includes(secretVersion.urn), "service must wait for the secret");
    for (const grant of [mocks.one(T.attachment), mocks.one(T.rolePolicy)]) {
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
    assert.deepEqual(mocks.one(T.logGroup).inputs, { retentionInDays: 7 });
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
    const policy = mocks.one(T.scalingPolicy);
    assert.deepEqual(policy.inputs, {
      policyType: "TargetTrackingScaling",
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: "service/fleet-cluster/fleet-service",
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: 50,
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
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            transform: {
              targetGroup: (a) => {
                a.slowStart = 30;
              },
              service: (a) => {
                a.enableExecuteCommand = true;
              },
            },
          }),
        ),
    );
    assert.equal(mocks.one(T.tg).inputs.slowStart, 30);
    assert.equal(mocks.one(T.service).inputs.enableExecuteCommand, true);
  });
});
