/**
 * The aws stack program: reads `pulumi.Config` and builds one `AwsSocketIoFleet`.
 *
 * Config (namespace `socketio-fleet`, see Pulumi.aws-dev.yaml):
 * - `fleet`: the fleet args as an object (everything but `image`; see `AwsSocketIoFleetArgs`);
 * - `image` (optional): a ready image; omitted, `app/Dockerfile` is built into a new ECR repository;
 * - `redisUrl` (optional, secret): use this Redis instead of ElastiCache; `fleet.redis` must then
 *   be `{ mode: external, cidrIpv4: <the Redis network> }` (and may give `port`), never `managed`;
 * - `name` (optional): the component name, which every AWS resource name derives from.
 */
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
  AwsSocketIoFleet,
  type AwsExternalRedisArgs,
  type AwsRedisArgs,
  type AwsSocketIoFleetArgs,
} from "../components/aws";

/** The fleet args a stack can hold as config (all but the image, which may be built here). */
export type AwsFleetConfig = Omit<AwsSocketIoFleetArgs, "image">;

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
  const redis =
    redisUrl === undefined ? fleetConfig.redis : externalRedis(fleetConfig.redis, redisUrl);

  const fleet = new AwsSocketIoFleet(name, { ...fleetConfig, image, redis });
  return {
    url: fleet.url,
    // For the front-end build: `pulumi stack output clientOptions --json`.
    clientOptions: fleet.clientOptions,
    loadBalancerDnsName: fleet.loadBalancerDnsName,
    redisEndpoint: fleet.redisEndpoint,
    image,
  };
}

/**
 * `fleet.redis` with the secret `redisUrl` as its URL. The managed-only keys (`engine`, `nodeType`,
 * `replicas`) are not merged into an external Redis: they would fail validation as unknown fields.
 */
export function externalRedis(
  configured: AwsRedisArgs | undefined,
  url: pulumi.Output<string>,
): AwsExternalRedisArgs {
  if (configured?.mode === "managed") {
    throw new Error(
      "socketio-fleet:redisUrl is set, but `socketio-fleet:fleet` has `redis.mode: managed`: " +
        "set `redis` to { mode: external, cidrIpv4: <the Redis network, e.g. 10.1.0.0/16> } " +
        "to use that URL, or remove redisUrl (`pulumi config rm socketio-fleet:redisUrl`) for ElastiCache",
    );
  }
  // cidrIpv4 may be missing here: the component then reports it as a required field.
  return { ...configured, mode: "external", url } as AwsExternalRedisArgs;
}

/** How many images (tagged or not) the repository keeps: the rollback window, in builds. */
export const KEPT_IMAGES = 20;

/**
 * The image repository's lifecycle policy: keep the last `KEPT_IMAGES` images, tagged or not.
 *
 * awsx's default (no `rules`) is one rule, "remove untagged images" with
 * `maximumNumberOfImages: 1` (pulumi/pulumi-awsx awsx/ecr/repository.ts, `buildLifecyclePolicy`).
 * `awsx.ecr.Image` tags every build of this stack with the same tag (a hash of the context path,
 * Dockerfile path, build args and stack name: `createUniqueImageName` in awsx/ecr/image.ts), so
 * each push untags the previous image, and with the default only one untagged image survives:
 * the task definition of revision N−2 pins a digest that no longer exists, and rolling back to
 * it (`pulumi up` of an older commit, or ECS's circuit breaker after two quick deploys) fails
 * with `CannotPullContainerError`. Counting every image keeps the last `KEPT_IMAGES` builds
 * pullable by digest.
 *
 * Tags stay MUTABLE (the ECR default): since awsx pushes the same tag every build, an IMMUTABLE
 * repository would refuse the second push (ImageTagAlreadyExistsException). Tasks never pull by
 * tag anyway: `imageUri` is `REPOSITORY@sha256:DIGEST`.
 *
 * The rule goes through awsx's own `rules` (awsx updates its LifecyclePolicy child in place)
 * rather than `skip: true` plus a policy of our own: ECR holds one lifecycle policy per
 * repository, and deleting awsx's child after ours is created would delete ours.
 * awsx renders it as the ECR policy
 * `{"rules":[{"rulePriority":1,"description":…,"selection":{"tagStatus":"any",
 * "countType":"imageCountMoreThan","countNumber":20},"action":{"type":"expire"}}]}`.
 */
export const IMAGE_LIFECYCLE_POLICY = {
  rules: [
    {
      description: `keep the last ${KEPT_IMAGES} images (tagged or not) for rollbacks`,
      tagStatus: "any",
      maximumNumberOfImages: KEPT_IMAGES,
    },
  ],
} satisfies awsx.types.input.ecr.LifecyclePolicyArgs;

/**
 * Builds `app/Dockerfile` (context: the repository root) for linux/amd64, Fargate's default
 * platform, and pushes it to a new ECR repository. Needs Docker where `pulumi up` runs.
 */
function buildAppImage(name: string): pulumi.Output<string> {
  // forceDelete: `pulumi destroy` removes the repository with its images (a dev stack's).
  const repository = new awsx.ecr.Repository(`${name}-repo`, {
    forceDelete: true,
    lifecyclePolicy: IMAGE_LIFECYCLE_POLICY,
  });
  const image = new awsx.ecr.Image(`${name}-image`, {
    repositoryUrl: repository.url,
    context: APP_BUILD.context,
    dockerfile: APP_BUILD.dockerfile,
    platform: "linux/amd64",
  });
  return image.imageUri;
}
