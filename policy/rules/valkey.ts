/**
 * `redis-tls-and-auth` for the cluster-capable managed engines: ElastiCache Serverless (TLS is
 * always on; auth only through an RBAC user group) and Memorystore for Valkey (TLS only when
 * created with `SERVER_AUTHENTICATION`; auth through an ACL policy or IAM).
 */
import { T } from "./workloads";
import { type PolicyResource, who } from "./types";

export function serverlessCacheProblems(r: PolicyResource): string[] {
  if (r.type !== T.serverlessCache) return [];
  const problems: string[] = [];
  if (r.props.userGroupId === undefined) {
    problems.push(
      `${who(r)}: no \`userGroupId\`: Serverless takes no AUTH token, so require auth with an RBAC user group (a disabled \`default\` user and a password user)`,
    );
  }
  if ((r.props.securityGroupIds ?? []).length === 0) {
    problems.push(
      `${who(r)}: no \`securityGroupIds\`: give it a security group that admits only the fleet's tasks`,
    );
  }
  return problems;
}

export function valkeyInstanceProblems(r: PolicyResource): string[] {
  if (r.type !== T.valkey) return [];
  const p = r.props;
  const problems: string[] = [];
  if (p.transitEncryptionMode !== "SERVER_AUTHENTICATION") {
    problems.push(
      `${who(r)}: \`transitEncryptionMode\` is ${JSON.stringify(p.transitEncryptionMode ?? "TRANSIT_ENCRYPTION_DISABLED")}: set "SERVER_AUTHENTICATION" (TLS; only at creation)`,
    );
  }
  if (p.aclPolicy === undefined && p.authorizationMode !== "IAM_AUTH") {
    problems.push(
      `${who(r)}: no \`aclPolicy\` and \`authorizationMode\` is not "IAM_AUTH": require auth (an ACL policy giving the user a generated password)`,
    );
  }
  return problems;
}
