/**
 * The `redis-sharded` adapter: `@socket.io/redis-adapter`'s `createShardedAdapter`.
 */
import { createShardedAdapter } from "@socket.io/redis-adapter";
import type { ShardedRedisAdapterOptions } from "@socket.io/redis-adapter/dist/sharded-adapter";
import type { AdapterFactory } from "./adapter";

export function createCompactShardedAdapter(
  pubClient: unknown,
  subClient: unknown,
  options: ShardedRedisAdapterOptions,
): AdapterFactory {
  return createShardedAdapter(pubClient, subClient, options) as AdapterFactory;
}
