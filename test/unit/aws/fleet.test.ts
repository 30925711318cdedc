import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { AwsSocketIoFleet } from "../../../components/aws";
import { isSecretInput } from "../../helpers/mocks";
import { isKnown, isSecret, unwrap } from "../../helpers/unwrap";
import {
  ACCOUNT,
  ALB_DNS,
  AUTH_TOKEN,
  REDIS_HOST,
  T,
  awsMocks,
  baseArgs,
  build,
  containers,
} from "./fixtures";

const REDIS_URL = `rediss://:${AUTH_TOKEN}@${REDIS_HOST}:6379`;

describe("AwsSocketIoFleet: resources and their exact inputs", () => {
  it("creates a target group: ip targets, health check, deregistration delay, lb_cookie stickiness", async () => {
    const mocks = await awsMocks();
    await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const tg = mocks.one(T.tg);
    assert.equal(tg.name, "fleet-tg");
    assert.deepEqual(tg.inputs, {
      targetType: "ip",
      port: 3000,
      protocol: "HTTP",
      vpcId: "vpc-123",
      deregistrationDelay: 30,
      healthCheck: {
        enabled: true,
        path: "/healthz",
        protocol: "HTTP",
        matcher: "200",
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      stickiness: { enabled: true, type: "lb_cookie", cookieDuration: 86400 },
    });
  });

  it("passes deregistrationDelaySeconds and healthCheckPath through", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ deregistrationDelaySeconds: 0, healthCheckPath: "/live" }),
        ),
    );
    const tg = mocks.one(T.tg).inputs;
    assert.equal(tg.deregistrationDelay, 0);
    assert.equal(tg.healthCheck.path, "/live");
  });

  it("creates an internet-facing ALB with the idle timeout and invalid headers dropped", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () => new AwsSocketIoFleet("fleet", baseArgs({ connectionTimeoutSeconds: 1200 })),
    );
    const lb = mocks.one(T.lb);
    assert.equal(lb.name, "fleet-alb");
    assert.deepEqual(lb.inputs, {
      loadBalancerType: "application",
      internal: false,
      securityGroups: ["fleet-alb-sg-id"],
      subnets: ["subnet-pub-a", "subnet-pub-b"],
      idleTimeout: 1200,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: false,
    });
  });

  it("adds access logs and deletion protection when asked", async () => {
    const mocks = await awsMocks();
    await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({ accessLogsBucket: "acme-alb-logs", deletionProtection: true }),
        ),
    );
    const lb = mocks.one(T.lb).inputs;
    assert.deepEqual(lb.accessLogs, { bucket: "acme-alb-logs", prefix: "fleet", enabled: true });
    assert.equal(lb.enableDeletionProtection, true);
  });

  it("without a certificate: one HTTP listener on 80 forwarding to the target group", async () => {
    const mocks = await awsMocks();
    const fleet = await build(mocks, () => new AwsSocketIoFleet("fleet", baseArgs()));
    const listeners = mocks.ofType(T.listener);
    assert.deepEqual(
      listeners.map((l) => [l.name, l.inputs]),
      [
        [
          "fleet-http",
          {
            loadBalancerArn: `arn:mock:${T.lb}:fleet-alb`,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "forward", targetGroupArn: `arn:mock:${T.tg}:fleet-tg` }],
          },
        ],
      ],
    );
    assert.equal(await unwrap(fleet.url), `http://${ALB_DNS}`);
    assert.equal(fleet.httpsListener, undefined);
  });

  it("with a certificate: HTTPS on 443 with the TLS 1.3 policy, and 80 only redirects", async () => {
    const mocks = await awsMocks();
    const cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
    const fleet = await build(
      mocks,
      () => new AwsSocketIoFleet("fleet", baseArgs({ certificateArn: cert })),
    );
    const byName = Object.fromEntries(mocks.ofType(T.listener).map((l) => [l.name, l.inputs]));
    assert.deepEqual(Object.keys(byName).sort(), ["fleet-http", "fleet-https"]);
    assert.deepEqual(byName["fleet-https"], {
      loadBalancerArn: `arn:mock:${T.lb}:fleet-alb`,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificateArn: cert,
      defaultActions: [{ type: "forward", targetGroupArn: `arn:mock:${T.tg}:fleet-tg` }],
    });
    assert.deepEqual(byName["fleet-http"], {
      loadBalancerArn: `arn:mock:${T.lb}:fleet-alb`,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    });
    assert.equal(await unwrap(fleet.url), `https://${ALB_DNS}`);
  });

  it("uses domainName in the url when given", async () => {
    const mocks = await awsMocks();
    const fleet = await build(
      mocks,
      () =>
        new AwsSocketIoFleet(
          "fleet",
          baseArgs({
            certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
            domainName: "chat.example.com",
          }),
        ),
    );
    assert.equal(await unwrap(fleet.url), "https://chat.example.com");
  });

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
          { name: "PING_INTERVAL_MS", value: "25000" },
          { name: "PING_TIMEOUT_MS", value: "20000" },
          { name: "PORT", value: "3000" },
          { name: "SOCKETIO_ADAPTER", value: "redis" },
          { name: "SOCKETIO_TRANSPORTS", value: "polling,websocket" },
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
      { name: "LOG_FORMAT", value: "json" },
      { name: "PING_INTERVAL_MS", value: "25000" },
      { name: "PING_TIMEOUT_MS", value: "20000" },
      { name: "PORT", value: "8080" },
      { name: "SOCKETIO_ADAPTER", value: "redis-streams" },
      { name: "SOCKETIO_TRANSPORTS", value: "polling,websocket" },
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
      "cluster",
      "executionRole",
      "httpListener",
      "loadBalancer",
      "loadBalancerDnsName",
      "logGroup",
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
