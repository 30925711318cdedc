import { strict as assert } from "node:assert";
import { RESOURCE_RULES, STACK_RULES, type PolicyResource } from "../../../policy/rules";
import { runRules, type Finding } from "../../../policy/rules/run";
import { committedPlans, policyResources } from "./planResources";

let n = 0;
function res(type: string, props: PolicyResource["props"], name = `r${n++}`): PolicyResource {
  return { type, name, urn: `urn:pulumi:test::socketio-fleet::${type}::${name}`, props };
}

/** An ECS task definition whose one container has `env` and `extra` fields. */
function ecsTask(env: Record<string, string>, extra: Record<string, unknown> = {}): PolicyResource {
  const container = {
    name: "app",
    readonlyRootFilesystem: true,
    environment: Object.entries(env).map(([name, value]) => ({ name, value })),
    ...extra,
  };
  return res("aws:ecs/taskDefinition:TaskDefinition", {
    containerDefinitions: JSON.stringify([container]),
  });
}

function k8sWorkload(
  type: string,
  container: Record<string, unknown>,
  labels = { app: "x" },
): PolicyResource {
  return res(type, {
    metadata: { name: "w", namespace: "ns" },
    spec: {
      template: {
        metadata: { labels },
        spec: { securityContext: { runAsNonRoot: true }, containers: [container] },
      },
    },
  });
}

const SAFE_CONTAINER = {
  name: "app",
  securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
};
const FLEET_ENV = { SOCKETIO_ADAPTER: "redis", SOCKETIO_TRANSPORTS: "polling,websocket" };

function findings(resources: PolicyResource[], rule: string): Finding[] {
  return runRules(resources).filter((f) => f.rule === rule);
}

/** Each case: a rule, resources that pass it, resources that break it, and a message fragment. */
const CASES: {
  rule: string;
  pass: () => PolicyResource[];
  fail: () => PolicyResource[];
  message: RegExp;
}[] = [
  {
    rule: "redis-tls-and-auth",
    pass: () => [
      res("aws:elasticache/replicationGroup:ReplicationGroup", {
        transitEncryptionEnabled: true,
        authToken: "[secret]",
        securityGroupIds: ["sg"],
      }),
      res("gcp:redis/instance:Instance", {
        authEnabled: true,
        transitEncryptionMode: "SERVER_AUTHENTICATION",
        authorizedNetwork: "vpc",
      }),
    ],
    fail: () => [
      res(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        { transitEncryptionEnabled: false, securityGroupIds: ["sg"] },
        "cache",
      ),
    ],
    message:
      /^aws:elasticache\/replicationGroup:ReplicationGroup `cache`: `transitEncryptionEnabled` is not true: turn on TLS/,
  },
  {
    rule: "redis-tls-and-auth",
    pass: () => [],
    fail: () => [
      res(
        "gcp:redis/instance:Instance",
        { authEnabled: true, transitEncryptionMode: "DISABLED", authorizedNetwork: "vpc" },
        "mem",
      ),
    ],
    message: /`mem`: `transitEncryptionMode` is "DISABLED": set "SERVER_AUTHENTICATION"/,
  },
  {
    rule: "redis-tls-and-auth",
    pass: () => [
      res("aws:elasticache/serverlessCache:ServerlessCache", {
        userGroupId: "fleet-users",
        securityGroupIds: ["sg"],
      }),
      res("gcp:memorystore/instance:Instance", {
        transitEncryptionMode: "SERVER_AUTHENTICATION",
        aclPolicy: "projects/p/locations/r/aclPolicies/a",
      }),
    ],
    fail: () => [
      res("aws:elasticache/serverlessCache:ServerlessCache", { securityGroupIds: ["sg"] }, "sls"),
    ],
    message: /`sls`: no `userGroupId`: Serverless takes no AUTH token/,
  },
  {
    rule: "redis-tls-and-auth",
    pass: () => [],
    fail: () => [
      res(
        "gcp:memorystore/instance:Instance",
        { transitEncryptionMode: "SERVER_AUTHENTICATION", authorizationMode: "AUTH_DISABLED" },
        "valkey",
      ),
    ],
    message: /`valkey`: no `aclPolicy` and `authorizationMode` is not "IAM_AUTH": require auth/,
  },
  {
    rule: "no-redis-secret-in-plain-env",
    pass: () => [
      ecsTask(FLEET_ENV),
      k8sWorkload("kubernetes:apps/v1:Deployment", {
        ...SAFE_CONTAINER,
        env: [{ name: "REDIS_URL", valueFrom: { secretKeyRef: { name: "s", key: "url" } } }],
      }),
    ],
    fail: () => [ecsTask({ ...FLEET_ENV, CACHE: "rediss://:hunter2@cache:6379" })],
    message: /container `app` has `CACHE` as a plain value \(not shown\): take it from a secret/,
  },
  {
    rule: "no-redis-secret-in-plain-env",
    pass: () => [],
    fail: () => [
      res("gcp:cloudrunv2/service:Service", {
        template: {
          sessionAffinity: true,
          containers: [{ name: "app", envs: [{ name: "REDIS_URL", value: "redis://h:6379" }] }],
        },
      }),
    ],
    message: /has `REDIS_URL` as a plain value/,
  },
  {
    rule: "no-redis-secret-in-plain-env",
    pass: () => [
      res("gcp:compute/instanceTemplate:InstanceTemplate", {
        metadata: { "user-data": "#cloud-config\n" },
      }),
    ],
    fail: () => [
      res("gcp:compute/instanceTemplate:InstanceTemplate", {
        metadata: { "user-data": "REDIS_URL=rediss://default:pw@10.0.0.3:6378" },
      }),
    ],
    message: /`metadata.user-data` holds a Redis URL with a password \(not shown\)/,
  },
  {
    rule: "only-listener-ports-public",
    pass: () => [
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
        cidrIpv4: "0.0.0.0/0",
        fromPort: 443,
        toPort: 443,
        ipProtocol: "tcp",
      }),
      res("gcp:compute/firewall:Firewall", {
        sourceRanges: ["130.211.0.0/22"],
        allows: [{ protocol: "tcp", ports: ["3000"] }],
      }),
    ],
    fail: () => [
      res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        { cidrIpv6: "::/0", fromPort: 6379, toPort: 6379, ipProtocol: "tcp" },
        "open",
      ),
    ],
    message:
      /`open`: the rule opens port 6379 to the internet; only the listener ports \(80, 443\) may be/,
  },
  {
    rule: "only-listener-ports-public",
    pass: () => [
      res("kubernetes:core/v1:Service", { spec: { type: "ClusterIP", ports: [{ port: 3000 }] } }),
    ],
    fail: () => [
      res(
        "gcp:compute/firewall:Firewall",
        { sourceRanges: ["0.0.0.0/0"], allows: [{ protocol: "tcp" }] },
        "fw",
      ),
    ],
    message: /`fw`: `allows\[0\]` \(tcp, every port\) opens every port to the internet/,
  },
  {
    rule: "only-listener-ports-public",
    pass: () => [],
    fail: () => [
      res(
        "kubernetes:core/v1:Service",
        { spec: { type: "NodePort", ports: [{ port: 80 }] } },
        "svc",
      ),
    ],
    message: /`svc`: `spec.type: NodePort` opens a port on every node/,
  },
  {
    rule: "no-public-ip",
    pass: () => [
      res("aws:ecs/service:Service", { networkConfiguration: { assignPublicIp: false } }),
      res("gcp:compute/instanceTemplate:InstanceTemplate", {
        networkInterfaces: [{ network: "vpc" }],
      }),
    ],
    fail: () => [
      res(
        "gcp:compute/instanceTemplate:InstanceTemplate",
        { networkInterfaces: [{ network: "vpc", accessConfigs: [{}] }] },
        "tpl",
      ),
    ],
    message: /`tpl`: `networkInterfaces\[0\]` has an access config \(a public IP\)/,
  },
  {
    rule: "no-public-ip",
    pass: () => [],
    fail: () => [
      res("aws:ecs/service:Service", { networkConfiguration: { assignPublicIp: true } }, "svc"),
    ],
    message: /`svc`: `networkConfiguration.assignPublicIp` is true/,
  },
  {
    rule: "non-root-read-only-containers",
    pass: () => [
      ecsTask(FLEET_ENV, { user: "10001" }),
      k8sWorkload("kubernetes:apps/v1:StatefulSet", SAFE_CONTAINER),
    ],
    fail: () => [ecsTask(FLEET_ENV, { user: "0", readonlyRootFilesystem: false })],
    message: /container `app`: `readonlyRootFilesystem` is not true/,
  },
  {
    rule: "non-root-read-only-containers",
    pass: () => [],
    fail: () => [
      k8sWorkload("kubernetes:apps/v1:Deployment", {
        name: "app",
        securityContext: {
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: true,
          runAsUser: 0,
        },
      }),
    ],
    message: /container `app`: `securityContext.runAsUser` is 0 \(root\)/,
  },
  {
    rule: "sticky-sessions-with-polling",
    pass: () => [
      ecsTask(FLEET_ENV),
      res("aws:lb/targetGroup:TargetGroup", { stickiness: { enabled: true, type: "lb_cookie" } }),
    ],
    fail: () => [
      ecsTask(FLEET_ENV),
      res("aws:lb/targetGroup:TargetGroup", { stickiness: { enabled: false } }, "tg"),
    ],
    message:
      /^aws:lb\/targetGroup:TargetGroup `tg`: `stickiness.enabled` is false while the fleet accepts long-polling/,
  },
  {
    rule: "sticky-sessions-with-polling",
    pass: () => [
      ecsTask({ SOCKETIO_ADAPTER: "redis", SOCKETIO_TRANSPORTS: "websocket" }),
      res("aws:lb/targetGroup:TargetGroup", { stickiness: { enabled: false } }),
    ],
    fail: () => [
      k8sWorkload("kubernetes:apps/v1:Deployment", {
        ...SAFE_CONTAINER,
        env: [{ name: "SOCKETIO_ADAPTER", value: "redis" }],
      }),
      res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        { metadata: { annotations: {} }, spec: { ingressClassName: "nginx" } },
        "ing",
      ),
    ],
    message: /`ing`: no affinity annotation/,
  },
  {
    rule: "sticky-sessions-with-polling",
    pass: () => [
      ecsTask(FLEET_ENV),
      res("gcp:compute/backendService:BackendService", {
        sessionAffinity: "GENERATED_COOKIE",
        timeoutSec: 3600,
      }),
    ],
    fail: () => [
      ecsTask(FLEET_ENV),
      res("gcp:cloudrunv2/service:Service", { template: { timeout: "3600s" } }, "run"),
    ],
    message: /`run`: `template.sessionAffinity` is not true/,
  },
  {
    rule: "timeouts-above-heartbeat",
    pass: () => [
      ecsTask(FLEET_ENV),
      res("aws:lb/loadBalancer:LoadBalancer", {
        loadBalancerType: "application",
        idleTimeout: 3600,
      }),
    ],
    fail: () => [
      ecsTask(FLEET_ENV),
      res(
        "aws:lb/loadBalancer:LoadBalancer",
        { loadBalancerType: "application", idleTimeout: 45 },
        "alb",
      ),
    ],
    message:
      /^aws:lb\/loadBalancer:LoadBalancer `alb`: `idleTimeout` \(45 s\) must be above the heartbeat \(pingInterval \+ pingTimeout = 45 s\)/,
  },
  {
    rule: "timeouts-above-heartbeat",
    pass: () => [],
    fail: () => [
      ecsTask({ ...FLEET_ENV, PING_INTERVAL_MS: "25000", PING_TIMEOUT_MS: "20000" }),
      res("gcp:compute/backendService:BackendService", { sessionAffinity: "CLIENT_IP" }, "be"),
    ],
    message: /`be`: `timeoutSec` \(30 s\) must be above the heartbeat/,
  },
  {
    rule: "timeouts-above-heartbeat",
    pass: () => [],
    fail: () => [
      ecsTask({ ...FLEET_ENV, PING_INTERVAL_MS: "60000" }),
      res(
        "kubernetes:networking.k8s.io/v1:Ingress",
        {
          metadata: {
            annotations: {
              "nginx.ingress.kubernetes.io/affinity": "cookie",
              "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
            },
          },
          spec: { ingressClassName: "nginx" },
        },
        "ing",
      ),
    ],
    message:
      /`ing`: `nginx.ingress.kubernetes.io\/proxy-send-timeout` \(60 s\) must be above the heartbeat \(pingInterval \+ pingTimeout = 80 s\)/,
  },
  {
    rule: "redis-only-from-fleet",
    pass: () => [
      res("aws:elasticache/replicationGroup:ReplicationGroup", {
        transitEncryptionEnabled: true,
        authToken: "[secret]",
        securityGroupIds: ["redis-sg"],
      }),
      res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
        securityGroupId: "redis-sg",
        referencedSecurityGroupId: "tasks-sg",
        fromPort: 6379,
        toPort: 6379,
      }),
    ],
    fail: () => [
      res("aws:elasticache/replicationGroup:ReplicationGroup", {
        transitEncryptionEnabled: true,
        authToken: "[secret]",
        securityGroupIds: ["redis-sg"],
      }),
      res(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        { securityGroupId: "redis-sg", cidrIpv4: "10.0.0.0/8", fromPort: 6379, toPort: 6379 },
        "in",
      ),
    ],
    message:
      /`in`: the Redis security group admits 10.0.0.0\/8: admit only the fleet tasks' security group/,
  },
  {
    rule: "redis-only-from-fleet",
    pass: () => [
      k8sWorkload(
        "kubernetes:apps/v1:StatefulSet",
        { ...SAFE_CONTAINER, ports: [{ containerPort: 6379 }] },
        { app: "redis" },
      ),
      res("kubernetes:networking.k8s.io/v1:NetworkPolicy", {
        metadata: { namespace: "ns" },
        spec: {
          podSelector: { matchLabels: { app: "redis" } },
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: "fleet" } } }] }],
        },
      }),
    ],
    fail: () => [
      k8sWorkload(
        "kubernetes:apps/v1:StatefulSet",
        { ...SAFE_CONTAINER, ports: [{ containerPort: 6379 }] },
        { app: "redis" },
      ),
      res(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        {
          metadata: { namespace: "ns" },
          spec: {
            podSelector: { matchLabels: { app: "redis" } },
            ingress: [{ ports: [{ port: 6379 }] }],
          },
        },
        "np",
      ),
    ],
    message: /`np`: `spec.ingress\[0\]` admits every source to Redis/,
  },
  {
    rule: "redis-only-from-fleet",
    pass: () => [],
    fail: () => [
      k8sWorkload(
        "kubernetes:apps/v1:StatefulSet",
        { ...SAFE_CONTAINER, ports: [{ containerPort: 6379 }] },
        { app: "redis" },
      ),
    ],
    message: /no NetworkPolicy restricts ingress to this Redis/,
  },
];

describe("policy rules", () => {
  it("every committed plan passes every rule", () => {
    const plans = committedPlans();
    assert.ok(plans.length >= 2, "plans/ holds the stacks' plans");
    for (const plan of plans) assert.deepEqual(runRules(policyResources(plan)), [], plan.stack);
  });

  it("every rule has a passing and a failing case", () => {
    const names = [...RESOURCE_RULES, ...STACK_RULES].map((r) => r.name);
    assert.deepEqual([...new Set(CASES.map((c) => c.rule))].sort(), [...names].sort());
  });

  for (const c of CASES) {
    it(`${c.rule}: fires on ${c.message.source.slice(0, 60)}`, () => {
      assert.deepEqual(findings(c.pass(), c.rule), [], "the passing resources pass");
      const found = findings(c.fail(), c.rule);
      assert.ok(found.length > 0, "the violating resources fire the rule");
      assert.ok(
        found.some((f) => c.message.test(f.message)),
        found.map((f) => f.message).join("\n"),
      );
      for (const f of found)
        assert.ok(!/hunter2|:pw@/.test(f.message), `a secret in: ${f.message}`);
    });
  }

  it("the listener ports come from the pack config", () => {
    const rule = RESOURCE_RULES.find((r) => r.name === "only-listener-ports-public");
    const open8443 = res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", {
      cidrIpv4: "0.0.0.0/0",
      fromPort: 8443,
      toPort: 8443,
      ipProtocol: "tcp",
    });
    assert.equal(rule?.check(open8443, { listenerPorts: [80, 443] }).length, 1);
    assert.deepEqual(rule?.check(open8443, { listenerPorts: [80, 443, 8443] }), []);
  });
});
