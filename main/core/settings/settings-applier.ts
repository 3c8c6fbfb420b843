// Applies settings changed at run time to the running app: a Redis URL or prefix moves limits, cache,
// revocations, key cool-downs and the event stream to the new Redis (../redis/switch.ts, tested first);
// the cache size rebuilds the memory cache; event retention and log level apply from the next prune or
// line. Either everything in a change applies or, when the Redis test fails, nothing does.
import type { Logger } from 'pino';
import type { RuntimeCache } from '../cache/runtime.ts';
import type { Settings } from '../config/settings.ts';
import type { EventsRuntime } from '../events/runtime.ts';
import type { LimitsRuntime } from '../limits/runtime.ts';
import type { RedisSwitch } from '../redis/switch.ts';
import type { RuntimeValues } from './stored-settings.ts';

export interface SettingsApplier {
  /** The settings the app runs with now. */
  current(): Settings;
  apply(next: Partial<RuntimeValues>): Promise<void>;
}

export function createSettingsApplier(deps: {
  settings: Settings;
  redis: RedisSwitch;
  limits: Pick<LimitsRuntime, 'follow'>;
  cache: Pick<RuntimeCache, 'reconfigure'>;
  events: Pick<EventsRuntime, 'useRedis' | 'setRetentionDays'>;
  log: Pick<Logger, 'level'>;
}): SettingsApplier {
  let live: Settings = { ...deps.settings };
  // Limits first (the request path decides on them), then the cache, then the event stream.
  deps.redis.follow((next) => deps.limits.follow(next));
  deps.redis.follow((next) => deps.cache.reconfigure(live, next?.link ?? null));
  deps.redis.follow((next) => deps.events.useRedis(next ? { link: next.link, prefix: next.prefix } : null));

  return {
    current: () => live,
    async apply(change) {
      const before = live;
      const next: Settings = { ...live, ...change };
      const differs = (key: keyof RuntimeValues) => key in change && next[key] !== before[key];
      live = next;
      try {
        if (differs('redisUrl') || differs('redisPrefix')) await deps.redis.replace(next);
        else if (differs('cacheMaxBytes') && !deps.redis.current()) await deps.cache.reconfigure(next, null);
      } catch (err) {
        live = before;
        throw err;
      }
      if (differs('eventRetentionDays')) await deps.events.setRetentionDays(next.eventRetentionDays);
      if (differs('logLevel')) deps.log.level = next.logLevel;
    },
  };
}
