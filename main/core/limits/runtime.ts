// Composes the rate limits for one running app: per-instance (memory) limits, or, with the instance's
// Redis (borrowed from ../redis/runtime.ts, which owns the connection), shared limits insured by local
// ones, plus the Redis state for /ready and the screens. `follow` moves them to another Redis at run time.
import type { Redis } from 'ioredis';
import type { RedisStatusView } from '../api/views.ts';
import type { Clock } from '../clock.ts';
import type { RedisLink } from '../redis/connection.ts';
import type { Settings } from '../config/settings.ts';
import { FIRST_CONNECT_WAIT_MS, withTimeout, type RedisRuntime } from '../redis/runtime.ts';
import { warmDecisions } from './limiter-pool.ts';
import { RequestLimits } from './request-limits.ts';

export interface LimitsRuntime {
  limits: RequestLimits;
  /** Resolves once Redis answered or refused and decisions are warm, so the first requests share limits. */
  started(): Promise<void>;
  status(): RedisStatusView;
  /** The /ready check: `ok`, `unreachable` or `connecting`; null without Redis. */
  readiness(): { ok: boolean; check: string } | null;
  /** Decides on another Redis (../redis/switch.ts) from the next request on: warm before it is used. */
  follow(next: RedisRuntime | null): Promise<void>;
}

export type LimitsSettings = Pick<Settings, 'redisPrefix' | 'redisCommandTimeoutMs' | 'limitsFailClosed'>;

export function startLimits(settings: LimitsSettings, deps: { redis: RedisRuntime | null; clock: Clock; windowSeconds?: number }): LimitsRuntime {
  const { clock } = deps;
  let redis = deps.redis;
  let link = redis?.link ?? null;
  let prefix = redis?.prefix ?? settings.redisPrefix;
  const decisionsOn = (l: RedisLink | null) => (l ? { client: l.decisions, ready: () => l.decisions.status === 'ready' } : null);
  const liveInstances = () => redis?.instances.count() ?? 1;
  const limits = new RequestLimits({
    redis: decisionsOn(link),
    decisionTimeoutMs: settings.redisCommandTimeoutMs,
    liveInstances,
    clock,
    prefix,
    failClosed: settings.limitsFailClosed,
    windowSeconds: deps.windowSeconds,
  });
  let since = clock.now();
  // A Redis that restarted has forgotten the script: load it again before decisions need it.
  const rewarmOnReconnect = (l: RedisLink, p: string) => l.decisions.on('ready', () => void warmDecisions(l.decisions, p));
  if (link) rewarmOnReconnect(link, prefix);

  return {
    limits,
    async started() {
      if (!redis || !link) return;
      await redis.started();
      if (link.state() !== 'ready') return;
      // The decisions' own socket connected and its script run once: a first decision on a cold
      // connection missed the deadline.
      await withTimeout(readyThenWarm(link.decisions, prefix), FIRST_CONNECT_WAIT_MS);
    },
    async follow(next) {
      const nextLink = next?.link ?? null;
      if (next && nextLink?.state() === 'ready') await withTimeout(readyThenWarm(nextLink.decisions, next.prefix), FIRST_CONNECT_WAIT_MS);
      if (next && nextLink) rewarmOnReconnect(nextLink, next.prefix);
      redis = next;
      link = nextLink;
      prefix = next?.prefix ?? settings.redisPrefix;
      since = clock.now();
      limits.useRedis(decisionsOn(link), prefix, liveInstances);
    },
    status() {
      return {
        configured: link !== null,
        state: link ? link.state() : 'off',
        location: link?.location ?? null,
        prefix,
        fail_closed: settings.limitsFailClosed,
        since: new Date(link ? link.since() : since).toISOString(),
        local_decisions: limits.counters.fallbacks,
      };
    },
    readiness() {
      if (!link) return null;
      const state = link.state();
      // Fail-open: requests flow (limited per instance) without Redis, so the instance stays ready.
      return { ok: state === 'ready' || !settings.limitsFailClosed, check: state === 'ready' ? 'ok' : state };
    },
  };
}

async function readyThenWarm(client: Redis, prefix: string): Promise<void> {
  if (client.status !== 'ready') await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  await warmDecisions(client, prefix);
}
