/**
 * The aws stack program: reads `pulumi.Config` and builds one `AwsSocketIoFleet`.
 *
 * Config (namespace `socketio-fleet`, see Pulumi.aws-dev.yaml):
 * - `fleet`: the fleet args as an object (everything but `image`; see `AwsSocketIoFleetArgs`);
 * - `image` (optional): a ready image; omitted, `app/Dockerfile` is built into a new ECR repository;
 * - `redisUrl` (optional, secret): use this Redis instead of ElastiCache (`redis.mode: "external"`);
 * - `name` (optional): the component name, which every AWS resource name derives from.
 */
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { AwsSocketIoFleet, type AwsRedisArgs, type AwsSocketIoFleetArgs } from "../components/aws";

/** The fleet args a stack can hold as config (functions and Outputs cannot be config). */
export type AwsFleetConfig = Omit<AwsSocketIoFleetArgs, "image" | "transform">;

/** @default "socketio" — short: AWS caps load balancer and target group names at 32 characters. */
export const DEFAULT_NAME = "socketio";

/** Build context and Dockerfile, relative to the project root (where Pulumi runs the program). */
export const APP_BUILD = { context: ".", dockerfile: "app/Dockerfile" } as const;

export async function program(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("socketio-fleet");
  const name = config.get("name") ?? DEFAULT_NAME;
  const fleetConfig = config.getObject<AwsFleetConfig>("fleet") ?? {};
  const image = config.get("image") ?? buildAppImage(name);
  const redisUrl = config.getSecret("redisUrl");
  const redis: AwsRedisArgs | undefined =
    redisUrl === undefined
      ? fleetConfig.redis
      : ({ ...fleetConfig.redis, mode: "external", url: redisUrl } as AwsRedisArgs);

  const fleet = new AwsSocketIoFleet(name, { ...fleetConfig, image, redis });
  return {
    url: fleet.url,
    loadBalancerDnsName: fleet.loadBalancerDnsName,
    redisEndpoint: fleet.redisEndpoint,
    image,
  };
}

/**
 * Builds `app/Dockerfile` (context: the repository root) for linux/amd64, Fargate's default
 * platform, and pushes it to a new ECR repository. Needs Docker where `pulumi up` runs.
 */
function buildAppImage(name: string): pulumi.Output<string> {
  // forceDelete: `pulumi destroy` removes the repository with its images (a dev stack's).
  const repository = new awsx.ecr.Repository(`${name}-repo`, { forceDelete: true });
  const image = new awsx.ecr.Image(`${name}-image`, {
    repositoryUrl: repository.url,
    context: APP_BUILD.context,
    dockerfile: APP_BUILD.dockerfile,
    platform: "linux/amd64",
  });
  return image.imageUri;
}
