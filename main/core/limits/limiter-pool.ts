// The limiters behind the rules, one per (limit, allowance): rate-limiter-flexible's limiters have a
// fixed number of points, and policies differ per token. Without Redis, a RateLimiterMemory decides.
// With Redis, a RateLimiterRedis (one atomic Lua call per decision, exact across instances) decides
// whenever Redis answers within the deadline; otherwise the local budget does (./local-budget.ts),
// behind one circuit breaker for the whole connection (./redis-breaker.ts).
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { systemClock, type Clock } from '../clock.ts';
import { LocalBudget } from './local-budget.ts';
import type { LimitName } from './policy.ts';
import { RedisBreaker } from './redis-breaker.ts';

/** The socket limits decide on. Its own command timeout is long: late answers must still arrive. */
export interface DecisionConnection {
  client: Redis;
  /** Connected and ready to answer. */
  ready(): boolean;
}

export interface LimiterPoolOptions {
  /** null: limits per instance (memory). */
  redis: DecisionConnection | null;
  /** Longest wait for Redis per decision before deciding locally. */
  decisionTimeoutMs: number;
  prefix: string;
  windowSeconds: number;
  /** No local decisions: while Redis does not answer, limited requests are refused (an Error). */
  failClosed: boolean;
  /** A decision was made locally while Redis was supposed to be there. */
  onFallback: () => void;
  /** Instances on this Redis (announced there), for the local share; 1 when unknown. */
  liveInstances?: () => number;
  clock?: Clock;
}

/** Redis's verdict: granted or not, with the count either way. */
type Verdict = { granted: boolean; res: RateLimiterRes };

interface PoolEntry {
  memory: RateLimiterMemory | null;
  redis: RateLimiterRedis | null;
  local: LocalBudget | null;
}

export class LimiterPool {
  private readonly entries = new Map<string, PoolEntry>();
  readonly breaker: RedisBreaker | null;
  private readonly clock: Clock;

  constructor(private readonly opts: LimiterPoolOptions) {
    this.clock = opts.clock ?? systemClock;
    const redis = opts.redis;
    this.breaker = redis ? new RedisBreaker({ deadlineMs: opts.decisionTimeoutMs, ready: () => redis.ready() }) : null;
    // A fresh connection answers: whatever opened the circuit is over.
    redis?.client.on('ready', () => this.breaker?.reset());
  }

  get shared(): boolean {
    return this.opts.redis !== null;
  }

  /** Takes `points` from `key`'s budget: resolves the state, or rejects with the refusal (RateLimiterRes). */
  async consume(name: LimitName, limit: number, key: string, points: number): Promise<RateLimiterRes> {
    const entry = this.entry(name, limit);
    if (entry.memory) return entry.memory.consume(key, points);
    const attempt = await this.breaker!.attempt(
      () => verdictOf(entry.redis!.consume(key, points)),
      (late) => entry.local?.noteRedis(key, late.res.consumedPoints, late.res.msBeforeNext),
    );
    if (attempt.answered) {
      entry.local?.noteRedis(key, attempt.value.res.consumedPoints, attempt.value.res.msBeforeNext);
      if (!attempt.value.granted) throw attempt.value.res;
      return attempt.value.res;
    }
    if (!entry.local) throw new Error(`redis ${attempt.reason}`);
    this.opts.onFallback();
    return entry.local.consume(key, points);
  }

  /** Adds points after the fact (tokens once the usage is known). Never waits for a slow Redis. */
  penalty(name: LimitName, limit: number, key: string, points: number): void {
    this.adjust(name, limit, key, points);
  }

  /** Gives points back (a refused or cancelled request). */
  reward(name: LimitName, limit: number, key: string, points: number): void {
    this.adjust(name, limit, key, -points);
  }

  private adjust(name: LimitName, limit: number, key: string, delta: number): void {
    const entry = this.entry(name, limit);
    if (entry.memory) {
      void (delta > 0 ? entry.memory.penalty(key, delta) : entry.memory.reward(key, -delta)).catch(() => undefined);
      return;
    }
    if (this.opts.redis!.ready() && this.breaker!.current() === 'closed') {
      const change = delta > 0 ? entry.redis!.penalty(key, delta) : entry.redis!.reward(key, -delta);
      void change.then((res) => entry.local?.noteRedis(key, res.consumedPoints, res.msBeforeNext)).catch(() => undefined);
      return;
    }
    // Redis is not answering: the change stays here, where the points were (or will be) taken.
    if (delta > 0) entry.local?.penalty(key, delta);
    else entry.local?.reward(key, -delta);
  }

  private entry(name: LimitName, points: number): PoolEntry {
    const id = `${name}:${points}`;
    let entry = this.entries.get(id);
    if (!entry) {
      entry = this.create(name, points);
      this.entries.set(id, entry);
    }
    return entry;
  }

  private create(name: LimitName, points: number): PoolEntry {
    const base = { points, duration: this.opts.windowSeconds, keyPrefix: `${this.opts.prefix}rl:${name}` };
    const redis = this.opts.redis;
    if (!redis) return { memory: new RateLimiterMemory(base), redis: null, local: null };
    const local = this.opts.failClosed ? null : new LocalBudget(points, this.opts.windowSeconds * 1000, this.opts.liveInstances ?? (() => 1), this.clock);
    return { memory: null, redis: new RateLimiterRedis({ ...base, storeClient: redis.client, rejectIfRedisNotReady: true }), local };
  }
}

/** A refusal from RateLimiterRedis is an answer, not a failure. */
function verdictOf(call: Promise<RateLimiterRes>): Promise<Verdict> {
  return call.then(
    (res) => ({ granted: true, res }),
    (err: unknown) => {
      if (err instanceof RateLimiterRes) return { granted: false, res: err };
      throw err;
    },
  );
}

/** Runs one decision on a throwaway key, so the first real one finds the script loaded and the path warm. */
export async function warmDecisions(client: Redis, prefix: string): Promise<void> {
  const limiter = new RateLimiterRedis({ storeClient: client, points: 1_000_000, duration: 1, keyPrefix: `${prefix}rl:warmup` });
  await limiter.consume('warmup', 1).catch(() => undefined);
}
