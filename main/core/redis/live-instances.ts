// Each instance announces itself in Redis (a sorted set, score = last heartbeat), and counts the
// instances heard from recently. The limits divide their local budget by that count, so while Redis is
// slow the instances together grant about one limit, not one each.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';

export interface LiveInstances {
  /** Instances announced within the last `staleMs` (this one included), at least 1. */
  count(): number;
  /** Announces now and reads the count (startup awaits it; failures keep the last count). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

export function liveInstancesKey(prefix: string): string {
  return `${prefix}instances`;
}

export function announceInstance(deps: {
  client: Redis;
  prefix: string;
  clock: Clock;
  everyMs?: number;
  staleMs?: number;
  ready: () => boolean;
}): LiveInstances {
  const everyMs = deps.everyMs ?? 5000;
  const staleMs = deps.staleMs ?? 3 * everyMs;
  const key = liveInstancesKey(deps.prefix);
  const id = randomUUID();
  let count = 1;
  let closed = false;

  async function refresh(): Promise<void> {
    if (closed || !deps.ready()) return;
    const now = deps.clock.now();
    const results = await deps.client
      .multi()
      .zadd(key, now, id)
      .zremrangebyscore(key, '-inf', now - staleMs)
      .zcard(key)
      .pexpire(key, staleMs * 2)
      .exec()
      .catch(() => null);
    const card = results?.[2]?.[1];
    if (typeof card === 'number' && card > 0) count = card;
  }

  const timer = setInterval(() => void refresh(), everyMs);
  timer.unref();
  return {
    count: () => count,
    refresh,
    async close() {
      closed = true;
      clearInterval(timer);
      if (deps.ready()) await deps.client.zrem(key, id).catch(() => undefined);
    },
  };
}
