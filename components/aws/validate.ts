/**
 * AWS-only rules. `validateAwsFleet` merges them with the shared validator's problems, so a user
 * sees every mistake at once. Like the shared validator it never throws, whatever `args` is.
 */
import { validateFleetSpec, type FleetSpecProblem } from "../shared";
import { checkAutoscaling } from "../shared/autoscalingRules";
import { isRecord, show } from "../shared/checks";
import {
  type Add,
  checkInteger,
  transformMovedMessage,
  transformProblems,
} from "../shared/ruleKit";
import { AWS_DEFAULTS, type AwsFleetTransforms } from "./args";
import { checkAvailabilityZones, checkNetwork } from "./validateNetwork";
import { checkRedis } from "./validateRedis";
import { checkClusterAdapter } from "./validateValkey";
import { awsPlatform } from "./platform";
import { checkAwsCapacity, checkMonitoring } from "./validateMonitoring";

/** Valid Fargate (Linux) memory sizes in MiB per CPU size. */
export const FARGATE_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: steps(1024, 4096, 1024),
  1024: steps(2048, 8192, 1024),
  2048: steps(4096, 16384, 1024),
  4096: steps(8192, 30720, 1024),
  8192: steps(16384, 61440, 4096),
  16384: steps(32768, 122880, 8192),
};

/** The values CloudWatch Logs accepts for `retentionInDays` (0 = never expire). */
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
  3288, 3653,
] as const;

/** Every problem with `args` for the AWS target (shared rules included), or `[]`. */
export function validateAwsFleet(args: unknown): FleetSpecProblem[] {
  const platformArgs = isRecord(args) ? args : {};
  const problems = validateFleetSpec(args, awsPlatform(platformArgs));
  if (!isRecord(args)) return problems;
  const add: Add = (field, message) => problems.push({ field, message });
  checkFargateSize(args, add);
  checkAutoscaling(args, add);
  checkInteger(args, "deregistrationDelaySeconds", 0, 3600, "", add);
  checkLogRetention(args.logRetentionDays, add);
  checkBoolean(args.deletionProtection, "deletionProtection", add);
  checkArn(args.certificateArn, "certificateArn", /^arn:aws[\w-]*:(acm|iam):/, add);
  checkArn(args.clusterArn, "clusterArn", /^arn:aws[\w-]*:ecs:[^:]*:[^:]*:cluster\/.+/, add);
  checkBucket(args.accessLogsBucket, add);
  checkNetwork(args.network, args.redis, add);
  checkAvailabilityZones(args.availabilityZones, args.network, add);
  checkRedis(args.redis, add);
  checkClusterAdapter(args, add);
  checkMonitoring(args.monitoring, add);
  checkAwsCapacity(args, add);
  if (args.transform !== undefined) add("transform", transformMovedMessage("AwsSocketIoFleet"));
  return problems;
}

/** The children `transform` can reach. */
const TRANSFORMABLE_CHILDREN = [
  "vpc",
  "loadBalancer",
  "targetGroup",
  "listener",
  "cluster",
  "taskDefinition",
  "service",
  "replicationGroup",
  "logGroup",
] as const satisfies readonly (keyof AwsFleetTransforms)[];

/** Problems with the TypeScript-only `transform` option, or `[]`. */
export function validateAwsFleetTransform(value: unknown): FleetSpecProblem[] {
  return transformProblems(value, TRANSFORMABLE_CHILDREN);
}

/**
 * Longest component name: child names derive from it, and Pulumi appends "-" and 7 random
 * characters; AWS caps ALB names (`${name}-alb-…`) at 32 characters.
 */
export const MAX_FLEET_NAME_LENGTH = 20;

/** Name prefixes AWS refuses for a child named `${name}-…`, with the child that refuses it. */
const RESERVED_NAME_PREFIXES: readonly (readonly [string, string])[] = [
  ["internal-", "load balancer names may not begin with it"],
  ["sg-", "security group names may not begin with it"],
];

/**
 * Problems with the component name, which every child's name (and so the ALB, target group and
 * ElastiCache ids) derives from: lower-case letters, digits and single hyphens, starting with a
 * letter (ElastiCache ids allow nothing else), at most `MAX_FLEET_NAME_LENGTH` characters.
 */
export function validateAwsFleetName(name: unknown): FleetSpecProblem[] {
  if (
    typeof name === "string" &&
    name.length <= MAX_FLEET_NAME_LENGTH &&
    /^[a-z](?:-?[a-z0-9])*$/.test(name)
  ) {
    const reserved = RESERVED_NAME_PREFIXES.find(([prefix]) => name.startsWith(prefix));
    if (reserved === undefined) return [];
    const [prefix, reason] = reserved;
    return [
      {
        field: "name",
        message: `the component \`name\` (${show(name)}) starts with "${prefix}", which AWS rejects: ${reason}; choose another name, e.g. "chat-prod"`,
      },
    ];
  }
  return [
    {
      field: "name",
      message:
        `the component \`name\` (${show(name)}) must be 1–${MAX_FLEET_NAME_LENGTH} lower-case letters, digits and single hyphens, ` +
        "starting with a letter: AWS derives the load balancer, target group and ElastiCache names from it " +
        '(ALB names hold 32 characters, ElastiCache ids only lower case), e.g. "chat-prod"',
    },
  ];
}

function checkFargateSize(args: Record<string, unknown>, add: Add) {
  const cpu = args.cpu ?? AWS_DEFAULTS.cpu;
  const memory = args.memoryMiB ?? AWS_DEFAULTS.memoryMiB;
  const sizes = typeof cpu === "number" ? FARGATE_SIZES[cpu] : undefined;
  if (sizes === undefined) {
    add(
      "cpu",
      `\`cpu\` (${show(cpu)}) is not a Fargate CPU size: use one of ${Object.keys(FARGATE_SIZES).join(", ")}`,
    );
    return;
  }
  if (typeof memory !== "number" || !sizes.includes(memory)) {
    add(
      "memoryMiB",
      `\`memoryMiB\` (${show(memory)}) is not a valid Fargate size for \`cpu\` ${show(cpu)}: use ${describeSizes(sizes)}`,
    );
  }
}

function checkLogRetention(value: unknown, add: Add) {
  if (value === undefined) return;
  if (!(LOG_RETENTION_DAYS as readonly unknown[]).includes(value)) {
    add(
      "logRetentionDays",
      `\`logRetentionDays\` (${show(value)}) is not a retention CloudWatch Logs accepts: use one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
}

function checkBoolean(value: unknown, field: string, add: Add) {
  if (value !== undefined && typeof value !== "boolean") {
    add(field, `\`${field}\` (${show(value)}) must be true or false`);
  }
}

/** Checks a plain-string ARN; an Output is taken as is. */
function checkArn(value: unknown, field: string, pattern: RegExp, add: Add) {
  if (value === undefined || (typeof value === "object" && value !== null)) return;
  if (typeof value !== "string" || !pattern.test(value)) {
    const example =
      field === "certificateArn"
        ? "arn:aws:acm:us-east-1:123456789012:certificate/…"
        : "arn:aws:ecs:us-east-1:123456789012:cluster/NAME";
    add(field, `\`${field}\` (${show(value)}) is not such an ARN: write it as "${example}"`);
  }
}

function checkBucket(value: unknown, add: Add) {
  if (value === undefined || (typeof value === "object" && value !== null)) return;
  if (typeof value !== "string" || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) {
    add(
      "accessLogsBucket",
      `\`accessLogsBucket\` (${show(value)}) must be an S3 bucket name (3–63 lower-case letters, digits, dots, hyphens; no "s3://"), e.g. "acme-alb-logs"`,
    );
  }
}

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function describeSizes(sizes: readonly number[]): string {
  if (sizes.length <= 3) return `one of ${sizes.join(", ")}`;
  return `${sizes[0]}–${sizes[sizes.length - 1]} in steps of ${sizes[1] - sizes[0]}`;
}
