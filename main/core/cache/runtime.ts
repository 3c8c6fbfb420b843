// Chooses the cache's store for one running app: Redis (shared by instances, under the configured key
// prefix) when a Redis URL is set, else this instance's memory; off with --cache-max-bytes 0 and no Redis.
// `reconfigure` makes the same choice again when the Redis or the cache size changes at run time.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Settings } from '../config/settings.ts';
import type { RedisLink } from '../redis/connection.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import { createResponseCache, type ResponseCache, type ResponseCacheOptions } from './response-cache.ts';

export type CacheSettings = Pick<Settings, 'cacheMaxBytes' | 'cacheMaxObjectBytes' | 'cacheDefaultTtlSeconds' | 'redisPrefix'>;

export interface RuntimeCache extends ResponseCache {
  /** Moves the cache to this Redis (or memory of this size) from the next request on; answers kept so far are not carried over. */
  reconfigure(settings: CacheSettings, redis: RedisLink | null): Promise<void>;
}

/** Keys of the memory store (no prefix needed: nothing else shares that map). */
const MEMORY_NAMESPACE = 'cache:';

function storeFor(settings: CacheSettings, redis: RedisLink | null, clock: Clock): Pick<ResponseCacheOptions, 'store' | 'namespace' | 'maxBytes'> {
  const namespace = redis ? `${settings.redisPrefix}cache:` : MEMORY_NAMESPACE;
  const store = redis
    ? createRedisStore({ client: redis.client, namespace, ready: () => redis.state() === 'ready' })
    : settings.cacheMaxBytes > 0
      ? createMemoryStore({ maxBytes: settings.cacheMaxBytes, maxObjectBytes: settings.cacheMaxObjectBytes, namespace, clock })
      : null;
  return { store, namespace, maxBytes: store?.kind === 'memory' ? settings.cacheMaxBytes : null };
}

export function startCache(settings: CacheSettings, deps: { clock: Clock; log: Logger; redis: RedisLink | null }): RuntimeCache {
  const cache = createResponseCache({
    ...storeFor(settings, deps.redis, deps.clock),
    clock: deps.clock,
    log: deps.log,
    maxObjectBytes: settings.cacheMaxObjectBytes,
    defaultTtlSeconds: settings.cacheDefaultTtlSeconds,
  });
  return {
    ...cache,
    reconfigure: (next, redis) => cache.useStore(storeFor(next, redis, deps.clock)),
  };
}
