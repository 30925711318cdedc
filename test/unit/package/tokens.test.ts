/**
 * The type tokens: each component registers as `socketio-fleet:index:<ClassName>` (what the
 * component package serves to every language) with an alias to its 0.1.0 token, so `pulumi up`
 * on an existing stack retypes it in place. The engine applies a parent's aliases to its
 * children's URNs (Pulumi docs, "aliases" resource option), so it is enough that the children
 * keep their names and stay children of the component.
 */
import { strict as assert } from "node:assert";
import { AWS_FLEET_LEGACY_TYPE, AWS_FLEET_TYPE, AwsSocketIoFleet } from "../../../components/aws";
import {
  KUBERNETES_FLEET_LEGACY_TYPE,
  KUBERNETES_FLEET_TYPE,
} from "../../../components/kubernetes";
import type { MockRecorder } from "../../helpers/mocks";
import { awsMocks } from "../aws/fixtures";
import { deploy, fleetArgs } from "../kubernetes/fixtures";

/** Every child as `type::name`, sorted. */
function children(mocks: MockRecorder, componentType: string): string[] {
  return mocks.resources
    .filter((r) => r.type !== componentType)
    .map((r) => `${r.type}::${r.name}`)
    .sort();
}

/** The children of a 0.1.0 AWS fleet named "chat" with HTTPS and autoscaling (names unchanged). */
const AWS_CHILDREN_0_1_0 = [
  "aws:appautoscaling/policy:Policy::chat-cpu",
  "aws:appautoscaling/target:Target::chat-scaling",
  "aws:cloudwatch/logGroup:LogGroup::chat-logs",
  "aws:ec2/securityGroup:SecurityGroup::chat-alb-sg",
  "aws:ec2/securityGroup:SecurityGroup::chat-redis-sg",
  "aws:ec2/securityGroup:SecurityGroup::chat-tasks-sg",
  "aws:ecs/cluster:Cluster::chat-cluster",
  "aws:ecs/service:Service::chat-service",
  "aws:ecs/taskDefinition:TaskDefinition::chat-task",
  "aws:elasticache/replicationGroup:ReplicationGroup::chat-redis",
  "aws:elasticache/subnetGroup:SubnetGroup::chat-redis-subnets",
  "aws:iam/role:Role::chat-execution",
  "aws:iam/role:Role::chat-task",
  "aws:iam/rolePolicy:RolePolicy::chat-execution-secret",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment::chat-execution-managed",
  "aws:lb/listener:Listener::chat-http",
  "aws:lb/listener:Listener::chat-https",
  "aws:lb/loadBalancer:LoadBalancer::chat-alb",
  "aws:lb/targetGroup:TargetGroup::chat-tg",
  "aws:secretsmanager/secret:Secret::chat-redis-url",
  "aws:secretsmanager/secretVersion:SecretVersion::chat-redis-url",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::chat-alb-out-tasks",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::chat-tasks-out-https",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule::chat-tasks-out-redis",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::chat-alb-in-443-v4",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::chat-alb-in-443-v6",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::chat-alb-in-80-v4",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::chat-alb-in-80-v6",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::chat-redis-in-tasks",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::chat-tasks-in-alb",
  "awsx:ec2:Vpc::chat-vpc",
  "random:index/randomPassword:RandomPassword::chat-redis-auth",
];

/**
 * Children this release removes on purpose (not renames): the execution role's managed policy and
 * its secret-only policy gave way to one scoped inline policy (issue 14: least privilege).
 */
const AWS_REMOVED_SINCE_0_1_0 = [
  "aws:iam/rolePolicy:RolePolicy::chat-execution-secret",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment::chat-execution-managed",
];
/**
 * Children this release adds: the scoped execution policy, the task's own DescribeTasks, and
 * monitoring (on by default: the collector's log group and grant, the alarms, the dashboard, the
 * connection scaling policies and their scale-in alarm).
 */
const AWS_ADDED_SINCE_0_1_0 = [
  "aws:iam/rolePolicy:RolePolicy::chat-execution-access",
  "aws:iam/rolePolicy:RolePolicy::chat-task-describe",
  "aws:iam/rolePolicy:RolePolicy::chat-task-metrics",
  "aws:cloudwatch/logGroup:LogGroup::chat-metrics",
  "aws:cloudwatch/dashboard:Dashboard::chat-dashboard",
  "aws:appautoscaling/policy:Policy::chat-connections",
  "aws:appautoscaling/policy:Policy::chat-scale-in",
  ...[
    "AlbElb5xx",
    "AlbUnhealthyHosts",
    "EcsCpuHigh",
    "EcsMemoryHigh",
    "RedisEngineCpuHigh",
    "RedisEvictions",
    "SocketIoClientsAboveCapacity",
    "SocketIoNodeNotReady",
    "SocketIoRedisDisconnected",
    "SocketIoRedisMemoryHigh",
    "SocketIoStickinessBroken",
    "scale-in",
  ].map((suffix) => `aws:cloudwatch/metricAlarm:MetricAlarm::chat-${suffix}`),
];

/** The children of a 0.1.0 Kubernetes fleet named "chat" (nginx, in-cluster Redis, an HPA). */
const KUBERNETES_CHILDREN_0_1_0 = [
  "kubernetes:apps/v1:Deployment::chat",
  "kubernetes:apps/v1:StatefulSet::chat-redis",
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler::chat",
  "kubernetes:core/v1:Namespace::chat",
  "kubernetes:core/v1:Secret::chat-redis",
  "kubernetes:core/v1:Service::chat",
  "kubernetes:core/v1:Service::chat-redis",
  "kubernetes:networking.k8s.io/v1:Ingress::chat",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy::chat",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy::chat-redis",
  "kubernetes:policy/v1:PodDisruptionBudget::chat",
  "random:index/randomPassword:RandomPassword::chat-redis-password",
];

describe("type tokens and the alias to the 0.1.0 tokens", () => {
  it("the tokens are socketio-fleet:index:<ClassName>; the old ones are kept for the alias", () => {
    assert.equal(AWS_FLEET_TYPE, "socketio-fleet:index:AwsSocketIoFleet");
    assert.equal(AWS_FLEET_LEGACY_TYPE, "socketio-fleet:aws:Fleet");
    assert.equal(KUBERNETES_FLEET_TYPE, "socketio-fleet:index:KubernetesSocketIoFleet");
    assert.equal(KUBERNETES_FLEET_LEGACY_TYPE, "socketio-fleet:kubernetes:Fleet");
  });

  it("AwsSocketIoFleet registers its new token with the old one as an alias; children keep their names", async () => {
    const mocks = await awsMocks();
    new AwsSocketIoFleet("chat", {
      image: "ghcr.io/acme/chat:1",
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      domainName: "chat.acme.com",
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
    });
    await mocks.settled();
    const fleet = mocks.one(AWS_FLEET_TYPE);
    assert.deepEqual(fleet.options.aliases, [{ type: AWS_FLEET_LEGACY_TYPE }]);
    assert.equal(fleet.urn, `urn:pulumi:test::socketio-fleet::${AWS_FLEET_TYPE}::chat`);
    const expected = AWS_CHILDREN_0_1_0.filter((c) => !AWS_REMOVED_SINCE_0_1_0.includes(c))
      .concat(AWS_ADDED_SINCE_0_1_0)
      .sort();
    assert.deepEqual(children(mocks, AWS_FLEET_TYPE), expected);
    for (const child of mocks.resources.filter((r) => r !== fleet)) {
      assert.ok(mocks.descendsFrom(child, fleet.urn), `${child.type} ${child.name} is a child`);
    }
  });

  it("KubernetesSocketIoFleet registers its new token with the old one as an alias; children keep their names", async () => {
    const { mocks } = await deploy(fleetArgs({ autoscaling: { minReplicas: 2, maxReplicas: 4 } }));
    const fleet = mocks.one(KUBERNETES_FLEET_TYPE);
    assert.deepEqual(fleet.options.aliases, [{ type: KUBERNETES_FLEET_LEGACY_TYPE }]);
    assert.deepEqual(children(mocks, KUBERNETES_FLEET_TYPE), KUBERNETES_CHILDREN_0_1_0);
    for (const child of mocks.resources.filter((r) => r !== fleet)) {
      assert.ok(mocks.descendsFrom(child, fleet.urn), `${child.type} ${child.name} is a child`);
    }
  });

  it("aliases the caller gives are kept beside the token alias", async () => {
    const mocks = await awsMocks();
    new AwsSocketIoFleet("chat", { image: "ghcr.io/acme/chat:1" }, { aliases: [{ name: "old" }] });
    await mocks.settled();
    assert.deepEqual(mocks.one(AWS_FLEET_TYPE).options.aliases, [
      { name: "old" },
      { type: AWS_FLEET_LEGACY_TYPE },
    ]);
  });
});
