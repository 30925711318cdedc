/**
 * Resource rules over exposure: nothing open to the internet but the listener ports, and no
 * public IP on the fleet's tasks or VMs (they sit in private subnets behind the balancer).
 */
import { T } from "./workloads";
import { type ResourceRule, who } from "./types";

const ANYWHERE = ["0.0.0.0/0", "::/0"];

export const onlyListenerPortsPublic: ResourceRule = {
  name: "only-listener-ports-public",
  description:
    "Nothing is open to the internet (0.0.0.0/0, ::/0) but the load balancer's listener ports (80, 443 unless configured).",
  check(r, config) {
    const p = r.props;
    const problems: string[] = [];
    const open = (from: unknown, to: unknown, where: string) => {
      const ports = portRange(from, to);
      if (!ports.every((port) => config.listenerPorts.includes(port))) {
        problems.push(
          `${who(r)}: ${where} opens ${describeRange(from, to)} to the internet; only the listener ports ` +
            `(${config.listenerPorts.join(", ")}) may be: narrow the source to your network or a security group`,
        );
      }
    };
    if (
      r.type === T.sgIngress &&
      (ANYWHERE.includes(p.cidrIpv4) || ANYWHERE.includes(p.cidrIpv6))
    ) {
      open(
        p.ipProtocol === "-1" ? undefined : p.fromPort,
        p.ipProtocol === "-1" ? undefined : p.toPort,
        "the rule",
      );
    }
    if (r.type === T.securityGroup) {
      (p.ingress ?? []).forEach((rule: Record<string, unknown>, i: number) => {
        const cidrs = [
          ...((rule.cidrBlocks as string[]) ?? []),
          ...((rule.ipv6CidrBlocks as string[]) ?? []),
        ];
        if (cidrs.some((c) => ANYWHERE.includes(c))) {
          const all = rule.protocol === "-1";
          open(all ? undefined : rule.fromPort, all ? undefined : rule.toPort, `\`ingress[${i}]\``);
        }
      });
    }
    if (r.type === T.firewall && (p.direction ?? "INGRESS") === "INGRESS" && p.disabled !== true) {
      const ranges: string[] = p.sourceRanges ?? [];
      if (ranges.some((c) => ANYWHERE.includes(c))) {
        (p.allows ?? []).forEach((allow: { protocol?: string; ports?: string[] }, i: number) => {
          const ports = allow.ports ?? [];
          if (ports.length === 0)
            open(undefined, undefined, `\`allows[${i}]\` (${allow.protocol ?? "all"}, every port)`);
          for (const spec of ports) {
            const [from, to] = spec.split("-");
            open(Number(from), Number(to ?? from), `\`allows[${i}]\``);
          }
        });
      }
    }
    if (r.type === T.service) {
      const type = p.spec?.type ?? "ClusterIP";
      if (type === "NodePort") {
        problems.push(
          `${who(r)}: \`spec.type: NodePort\` opens a port on every node: use ClusterIP behind the ingress`,
        );
      }
      if (type === "LoadBalancer") {
        for (const port of p.spec?.ports ?? [])
          open(port.port, port.port, "`spec.type: LoadBalancer`");
      }
    }
    return problems;
  },
};

export const noPublicIp: ResourceRule = {
  name: "no-public-ip",
  description:
    "The fleet's ECS tasks and GCE VMs get no public IP: they live in private subnets behind the balancer.",
  check(r) {
    if (r.type === T.ecsService && r.props.networkConfiguration?.assignPublicIp === true) {
      return [
        `${who(r)}: \`networkConfiguration.assignPublicIp\` is true: set it false (private subnets with NAT)`,
      ];
    }
    if (r.type === T.instanceTemplate || r.type === T.regionInstanceTemplate) {
      return (r.props.networkInterfaces ?? []).flatMap(
        (nic: Record<string, unknown[] | undefined>, i: number) =>
          (nic.accessConfigs ?? []).length > 0 || (nic.ipv6AccessConfigs ?? []).length > 0
            ? [
                `${who(r)}: \`networkInterfaces[${i}]\` has an access config (a public IP): remove it and reach the internet through Cloud NAT`,
              ]
            : [],
      );
    }
    return [];
  },
};

/** Every port a range covers, capped: a range wider than the listener list cannot pass anyway. */
function portRange(from: unknown, to: unknown): number[] {
  const low = typeof from === "number" && from >= 0 ? from : 0;
  const high = typeof to === "number" && to >= low ? to : 65535;
  if (high - low > 64) return [-1];
  return Array.from({ length: high - low + 1 }, (_, i) => low + i);
}

function describeRange(from: unknown, to: unknown): string {
  if (typeof from !== "number") return "every port";
  return from === to ? `port ${from}` : `ports ${from}-${String(to)}`;
}
