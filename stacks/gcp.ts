/**
 * The gcp stack program: reads `pulumi.Config` and builds one `GcpSocketIoFleet`.
 *
 * Config (see Pulumi.gcp-dev.yaml):
 * - `gcp:project`, `gcp:region`: the provider's project and region; the fleet runs in that region;
 * - `socketio-fleet:image` (required): the app image, e.g. pushed to Artifact Registry
 *   (`docker build -f app/Dockerfile …` and `docker push`, see the README), pinned by digest
 *   (`…/app@sha256:…`) in instance-group mode;
 * - `socketio-fleet:fleet`: the fleet args as an object (everything but `image` and `region`; see
 *   `GcpSocketIoFleetArgs`);
 * - `socketio-fleet:redisUrl` (optional, secret): use this Redis instead of Memorystore;
 *   `fleet.redis` must then be absent or `{ mode: external }`;
 * - `socketio-fleet:name` (optional): the component name, which every GCP resource name derives from.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  GcpRedisMode,
  GcpSocketIoFleet,
  type GcpRedis,
  type GcpSocketIoFleetArgs,
} from "../components/gcp";

/** The fleet args a stack can hold as config (Outputs cannot be config). */
export type GcpFleetConfig = Omit<GcpSocketIoFleetArgs, "image" | "region">;

/** @default "socketio" */
export const DEFAULT_NAME = "socketio";

export async function program(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("socketio-fleet");
  const name = config.get("name") ?? DEFAULT_NAME;
  const region = new pulumi.Config("gcp").require("region");
  const fleetConfig = config.getObject<GcpFleetConfig>("fleet") ?? ({} as GcpFleetConfig);
  const redisUrl = config.getSecret("redisUrl");
  const redis =
    redisUrl === undefined ? fleetConfig.redis : externalRedis(fleetConfig.redis, redisUrl);

  const fleet = new GcpSocketIoFleet(name, {
    ...fleetConfig,
    image: config.require("image"),
    region,
    redis,
  });
  return { url: fleet.url, ipAddress: fleet.ipAddress, clientOptions: fleet.clientOptions };
}

/** `fleet.redis` with the secret `redisUrl` as its URL; a managed `redis` beside it is a mistake. */
export function externalRedis(
  configured: GcpRedis | undefined,
  url: pulumi.Output<string>,
): GcpRedis {
  if (configured?.mode !== undefined && configured.mode !== GcpRedisMode.External) {
    throw new Error(
      `socketio-fleet:redisUrl is set, but \`socketio-fleet:fleet\` has \`redis.mode: ${configured.mode}\`: ` +
        "set `redis` to { mode: external } to use that URL, or remove redisUrl " +
        "(`pulumi config rm socketio-fleet:redisUrl`) for Memorystore",
    );
  }
  return { ...configured, mode: GcpRedisMode.External, url };
}
