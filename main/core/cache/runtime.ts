// Chooses the cache's store for one running app: Redis (shared by instances, under the configured key
// prefix) when a Redis URL is set, else this instance's memory; off with --cache-max-bytes 0 and no Redis.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Settings } from '../config/settings.ts';
import type { RedisLink } from '../redis/connection.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import { createResponseCache, type ResponseCache } from './response-cache.ts';

export type CacheSettings = Pick<Settings, 'cacheMaxBytes' | 'cacheMaxObjectBytes' | 'cacheDefaultTtlSeconds' | 'redisPrefix'>;

/** Keys of the memory store (no prefix needed: nothing else shares that map). */
const MEMORY_NAMESPACE = 'cache:';

export function startCache(settings: CacheSettings, deps: { clock: Clock; log: Logger; redis: RedisLink | null }): ResponseCache {
  const { redis } = deps;
  const namespace = redis ? `${settings.redisPrefix}cache:` : MEMORY_NAMESPACE;
  const store = redis
    ? createRedisStore({ client: redis.client, namespace, ready: () => redis.state() === 'ready' })
    : settings.cacheMaxBytes > 0
      ? createMemoryStore({ maxBytes: settings.cacheMaxBytes, maxObjectBytes: settings.cacheMaxObjectBytes, namespace, clock: deps.clock })
      : null;
  return createResponseCache({
    store,
    namespace,
    clock: deps.clock,
    log: deps.log,
    maxBytes: store?.kind === 'memory' ? settings.cacheMaxBytes : null,
    maxObjectBytes: settings.cacheMaxObjectBytes,
    defaultTtlSeconds: settings.cacheDefaultTtlSeconds,
  });
}
