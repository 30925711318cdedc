/**
 * Non-root, read-only containers: the fleet's image needs neither root nor a writable root
 * filesystem (it writes only to `/tmp`), so a container that has either gives an attacker more.
 */
import { T, parseJsonArray } from "./workloads";
import { type ResourceRule, who } from "./types";

const ROOT_USERS = /^(0|root)(:.*)?$/;

export const nonRootReadOnlyContainers: ResourceRule = {
  name: "non-root-read-only-containers",
  description:
    "Containers run as a non-root user with a read-only root filesystem, unprivileged (ECS task definitions, Kubernetes Deployments and StatefulSets).",
  check(r) {
    const problems: string[] = [];
    if (r.type === T.ecsTask) {
      for (const c of parseJsonArray(r.props.containerDefinitions)) {
        const where = `${who(r)}: container \`${String(c.name)}\``;
        if (c.readonlyRootFilesystem !== true) {
          problems.push(
            `${where}: \`readonlyRootFilesystem\` is not true: set it (mount a volume at /tmp for scratch)`,
          );
        }
        // No `user` runs the image's USER (ours: uid 10001); an explicit root user is refused.
        if (typeof c.user === "string" && ROOT_USERS.test(c.user)) {
          problems.push(
            `${where}: \`user\` is ${JSON.stringify(c.user)}: run as a non-root uid (the app image uses 10001)`,
          );
        }
        if (c.privileged === true) problems.push(`${where}: \`privileged\` is true: remove it`);
      }
    }
    if (r.type === T.deployment || r.type === T.statefulSet) {
      const pod = r.props.spec?.template?.spec ?? {};
      const podContext = pod.securityContext ?? {};
      for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
        const sc = { ...podContext, ...(c.securityContext ?? {}) };
        const where = `${who(r)}: container \`${String(c.name)}\``;
        if (sc.runAsNonRoot !== true)
          problems.push(
            `${where}: \`securityContext.runAsNonRoot\` is not true: set it (and runAsUser, e.g. 10001)`,
          );
        if (sc.runAsUser === 0)
          problems.push(`${where}: \`securityContext.runAsUser\` is 0 (root): use a non-root uid`);
        if (c.securityContext?.readOnlyRootFilesystem !== true) {
          problems.push(
            `${where}: \`securityContext.readOnlyRootFilesystem\` is not true: set it (an emptyDir at /tmp for scratch)`,
          );
        }
        if (c.securityContext?.allowPrivilegeEscalation !== false) {
          problems.push(
            `${where}: \`securityContext.allowPrivilegeEscalation\` is not false: set it false`,
          );
        }
        if (sc.privileged === true)
          problems.push(`${where}: \`securityContext.privileged\` is true: remove it`);
      }
    }
    return problems;
  },
};
