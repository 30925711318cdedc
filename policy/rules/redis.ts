/**
 * Rules over Redis: TLS and auth on managed Redis, reachable only from the fleet, and its URL or
 * token never in a plain environment value (they come from the platform's secret store).
 */
import { APP_ENV } from "../../components/shared/appEnv";
import { serverlessCacheProblems, valkeyInstanceProblems } from "./valkey";
import { T, containersOf } from "./workloads";
import {
  PLAN_COMPUTED,
  type PolicyResource,
  type ResourceRule,
  type StackRule,
  type StackViolation,
  who,
} from "./types";

/** A Redis URL that carries a password (`redis://:pw@host`, `rediss://user:pw@host`). */
const URL_WITH_PASSWORD = /rediss?:\/\/[^\s/@]*:[^\s/@]+@/;
const REDIS_PORTS = [6379, 6380];

export const redisTlsAndAuth: ResourceRule = {
  name: "redis-tls-and-auth",
  description:
    "Managed Redis (ElastiCache, Memorystore) encrypts in transit and requires auth, on a private network.",
  check(r) {
    const p = r.props;
    const problems: string[] = [];
    if (r.type === T.elasticache) {
      if (p.transitEncryptionEnabled !== true) {
        problems.push(
          `${who(r)}: \`transitEncryptionEnabled\` is not true: turn on TLS (clients use rediss://)`,
        );
      }
      if (p.authToken === undefined && (p.userGroupIds ?? []).length === 0) {
        problems.push(
          `${who(r)}: no \`authToken\` and no \`userGroupIds\`: require auth (an auth token from a generated password)`,
        );
      }
      if ((p.securityGroupIds ?? []).length === 0) {
        problems.push(
          `${who(r)}: no \`securityGroupIds\`: give it a security group that admits only the fleet's tasks`,
        );
      }
    }
    if (r.type === T.memorystore) {
      if (p.authEnabled !== true)
        problems.push(`${who(r)}: \`authEnabled\` is not true: turn on AUTH`);
      if (p.transitEncryptionMode !== "SERVER_AUTHENTICATION") {
        problems.push(
          `${who(r)}: \`transitEncryptionMode\` is ${JSON.stringify(p.transitEncryptionMode ?? "DISABLED")}: set "SERVER_AUTHENTICATION" (TLS)`,
        );
      }
      if (p.authorizedNetwork === undefined) {
        problems.push(`${who(r)}: no \`authorizedNetwork\`: attach it to the fleet's VPC only`);
      }
    }
    problems.push(...serverlessCacheProblems(r), ...valkeyInstanceProblems(r));
    return problems;
  },
};

export const noRedisSecretInPlainEnv: ResourceRule = {
  name: "no-redis-secret-in-plain-env",
  description: `No Redis URL or auth token in a plain environment value: \`${APP_ENV.redisUrl}\` comes from the platform's secret store.`,
  check(r) {
    const problems: string[] = [];
    for (const container of containersOf(r)) {
      for (const env of container.env) {
        if (env.value === undefined) continue;
        const secretName =
          env.name === APP_ENV.redisUrl || /REDIS.*(PASSWORD|TOKEN|AUTH)/i.test(env.name);
        if (secretName || URL_WITH_PASSWORD.test(env.value)) {
          problems.push(
            `${who(r)}: container \`${container.name}\` has \`${env.name}\` as a plain value (not shown): ` +
              "take it from a secret (ECS `secrets[].valueFrom`, Kubernetes `secretKeyRef`, Cloud Run `valueSource.secretKeyRef`)",
          );
        }
      }
    }
    if (r.type === T.instanceTemplate || r.type === T.regionInstanceTemplate) {
      for (const [key, value] of Object.entries(r.props.metadata ?? {})) {
        if (typeof value === "string" && URL_WITH_PASSWORD.test(value)) {
          problems.push(
            `${who(r)}: \`metadata.${key}\` holds a Redis URL with a password (not shown): instance metadata is readable by anything on the VM; fetch it from Secret Manager at start`,
          );
        }
      }
    }
    return problems;
  },
};

export const redisOnlyFromFleet: StackRule = {
  name: "redis-only-from-fleet",
  description:
    "Redis admits connections only from the fleet: ElastiCache's security groups take only security-group sources, in-cluster Redis sits behind a NetworkPolicy that admits only pods it selects.",
  check(resources) {
    const violations: StackViolation[] = [];
    const caches = resources.filter(
      (r) => r.type === T.elasticache || r.type === T.serverlessCache,
    );
    const redisGroups = new Set(
      caches
        .flatMap((r) => (r.props.securityGroupIds ?? []) as string[])
        .filter((id) => id !== PLAN_COMPUTED),
    );
    // A group whose id is not known yet (a new one, in a plan) is found by the dependency edge.
    const redisGroupUrns = new Set(
      caches
        .flatMap((r) => r.dependencies ?? [])
        .filter((urn) => urn.includes(`${T.securityGroup}::`)),
    );
    const onRedisGroup = (x: PolicyResource) =>
      redisGroups.has(x.props.securityGroupId) ||
      (x.props.securityGroupId === PLAN_COMPUTED &&
        (x.dependencies ?? []).some((urn) => redisGroupUrns.has(urn)));
    for (const r of resources.filter((x) => x.type === T.sgIngress && onRedisGroup(x))) {
      if (r.props.referencedSecurityGroupId === undefined) {
        violations.push({
          urn: r.urn,
          message: `${who(r)}: the Redis security group admits ${r.props.cidrIpv4 ?? r.props.cidrIpv6 ?? r.props.prefixListId ?? "a network"}: admit only the fleet tasks' security group (\`referencedSecurityGroupId\`)`,
        });
      }
    }
    for (const workload of resources.filter(isInClusterRedis)) {
      const labels: Record<string, string> = workload.props.spec?.template?.metadata?.labels ?? {};
      const policies = resources.filter(
        (p) =>
          p.type === T.networkPolicy &&
          p.props.metadata?.namespace === workload.props.metadata?.namespace &&
          selects(p.props.spec?.podSelector?.matchLabels ?? {}, labels) &&
          (p.props.spec?.policyTypes ?? ["Ingress"]).includes("Ingress"),
      );
      if (policies.length === 0) {
        violations.push({
          urn: workload.urn,
          message: `${who(workload)}: no NetworkPolicy restricts ingress to this Redis: add one that admits only the fleet's pods on the Redis port`,
        });
      }
      for (const policy of policies) {
        (policy.props.spec?.ingress ?? []).forEach(
          (rule: { from?: Record<string, unknown>[] }, i: number) => {
            const from = rule.from ?? [];
            if (from.length === 0 || from.some((peer) => peer.ipBlock !== undefined)) {
              violations.push({
                urn: policy.urn,
                message: `${who(policy)}: \`spec.ingress[${i}]\` admits ${from.length === 0 ? "every source" : "an ipBlock"} to Redis: admit only the fleet's pods (\`podSelector\`)`,
              });
            }
          },
        );
      }
    }
    return violations;
  },
};

/** A Kubernetes workload whose container listens on a Redis port. */
function isInClusterRedis(r: PolicyResource): boolean {
  if (r.type !== T.statefulSet && r.type !== T.deployment) return false;
  const containers: { ports?: { containerPort?: number }[] }[] =
    r.props.spec?.template?.spec?.containers ?? [];
  return containers.some((c) =>
    (c.ports ?? []).some((p) => REDIS_PORTS.includes(p.containerPort ?? -1)),
  );
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
