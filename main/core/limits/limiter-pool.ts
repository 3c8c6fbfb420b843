// rate-limiter-flexible limiters, one per (limit, allowance): its limiters have a fixed number of points,
// and policies differ per token. With Redis, each is a RateLimiterRedis (one atomic Lua call per
// decision, exact across instances) insured by a RateLimiterMemory with the same allowance, which
// decides while Redis is unreachable or slow. Without Redis, the memory limiter alone.
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitName } from './policy.ts';

export interface LimiterPoolOptions {
  /** null: limits per instance (memory). */
  redis: Redis | null;
  prefix: string;
  windowSeconds: number;
  /** No insurance: a Redis failure rejects with an Error instead of deciding locally. */
  failClosed: boolean;
  /** A decision was made locally while Redis was supposed to be there. */
  onFallback: () => void;
  /** How long to skip Redis after a decision fell back while connected (a slow or stalled Redis). */
  slowBackoffMs?: number;
}

interface PoolEntry {
  shared: RateLimiterAbstract;
  local: RateLimiterAbstract | null;
}

/** The memory limiter that stands in for Redis, telling us when it does. */
class InsuranceLimiter extends RateLimiterMemory {
  constructor(
    opts: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(opts);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): ReturnType<RateLimiterMemory['consume']> {
    this.onUse();
    return super.consume(...args);
  }
}

export class LimiterPool {
  private readonly entries = new Map<string, PoolEntry>();
  /** Until when decisions skip Redis (after one timed out while it was connected). */
  private skipRedisUntil = 0;
  private readonly slowBackoffMs: number;

  constructor(private readonly opts: LimiterPoolOptions) {
    // Short: a busy event loop can make one answer late without Redis being slow, and every decision
    // in the pause is local (not shared).
    this.slowBackoffMs = opts.slowBackoffMs ?? 250;
    // A fresh connection answers: whatever made us skip Redis is over.
    opts.redis?.on('ready', () => {
      this.skipRedisUntil = 0;
    });
  }

  get shared(): boolean {
    return this.opts.redis !== null;
  }

  /** The limiter deciding `name` for an allowance of `points` per window. */
  limiter(name: LimitName, points: number): RateLimiterAbstract {
    const id = `${name}:${points}`;
    let entry = this.entries.get(id);
    if (!entry) {
      entry = this.create(name, points);
      this.entries.set(id, entry);
    }
    // While Redis is slow, go straight to the insurance instead of waiting out a timeout per request.
    if (entry.local && this.skipRedisUntil > Date.now()) return entry.local;
    return entry.shared;
  }

  private create(name: LimitName, points: number): PoolEntry {
    const base = { points, duration: this.opts.windowSeconds, keyPrefix: `${this.opts.prefix}rl:${name}` };
    const redis = this.opts.redis;
    if (!redis) return { shared: new RateLimiterMemory(base), local: null };
    const local = this.opts.failClosed ? null : new InsuranceLimiter(base, () => this.noteFallback());
    const shared = new RateLimiterRedis({
      ...base,
      storeClient: redis,
      // Not connected: decide at once (locally, or refuse when fail-closed) rather than try Redis.
      rejectIfRedisNotReady: true,
      ...(local ? { insuranceLimiter: local } : {}),
    });
    return { shared, local };
  }

  private noteFallback(): void {
    // Connected but no answer in time: a slow or stalled Redis. Skip it for a moment, then try again.
    const now = Date.now();
    if (this.opts.redis?.status === 'ready' && now >= this.skipRedisUntil) this.skipRedisUntil = now + this.slowBackoffMs;
    this.opts.onFallback();
  }
}
