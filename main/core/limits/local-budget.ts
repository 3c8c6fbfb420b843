// What one instance may grant on its own while Redis does not answer, for one limit. It remembers the
// last count Redis gave for each key (answers in time and late ones alike), so after Redis drops out
// a token that used 6 of 10 gets at most 4 more here, and it never grants more than its share of the
// limit: ⌈limit / live instances⌉ per window. Together: while Redis is away, instances grant at most
// ⌈limit / instances⌉ each on top of what Redis granted, and nothing beyond what Redis left.
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../clock.ts';

interface KeyWindow {
  resetAt: number;
  /** The highest count Redis reported in this window. */
  redis: number;
  /** Points granted here in this window (never sent to Redis). */
  local: number;
}

/** Sweep ended windows once the map holds this many keys. */
const SWEEP_AT = 10_000;

export class LocalBudget {
  private readonly windows = new Map<string, KeyWindow>();

  constructor(
    private readonly points: number,
    private readonly windowMs: number,
    /** Instances sharing the limit right now (announced in Redis), at least 1. */
    private readonly instances: () => number,
    private readonly clock: Clock,
  ) {}

  /** Redis said `key` is at `consumed` with `msBeforeNext` left in its window. */
  noteRedis(key: string, consumed: number, msBeforeNext: number): void {
    const now = this.clock.now();
    const resetAt = now + Math.max(0, msBeforeNext);
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now || resetAt > w.resetAt + 1000) {
      // A new Redis window: what was granted here belonged to the old one.
      this.put(key, { resetAt, redis: consumed, local: 0 });
      return;
    }
    w.redis = Math.max(w.redis, consumed);
  }

  /** Takes `points` here, or throws the refusal (a RateLimiterRes, as the library's limiters do). */
  consume(key: string, points: number): RateLimiterRes {
    const w = this.window(key);
    const allowance = this.allowance(w);
    const now = this.clock.now();
    if (w.local + points > allowance) throw this.res(w, allowance, now, w.local + points);
    w.local += points;
    return this.res(w, allowance, now, w.local);
  }

  /** Tokens counted after the answer (they may exceed the allowance: the answer already happened). */
  penalty(key: string, points: number): void {
    this.window(key).local += points;
  }

  reward(key: string, points: number): void {
    const w = this.window(key);
    w.local = Math.max(0, w.local - points);
  }

  private allowance(w: KeyWindow): number {
    const share = Math.ceil(this.points / Math.max(1, this.instances()));
    return Math.max(0, Math.min(share, this.points - w.redis));
  }

  private window(key: string): KeyWindow {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { resetAt: now + this.windowMs, redis: 0, local: 0 };
      this.put(key, w);
    }
    return w;
  }

  private put(key: string, w: KeyWindow): void {
    if (this.windows.size >= SWEEP_AT && !this.windows.has(key)) {
      const now = this.clock.now();
      for (const [k, v] of this.windows) if (v.resetAt <= now) this.windows.delete(k);
    }
    this.windows.set(key, w);
  }

  private res(w: KeyWindow, allowance: number, now: number, taken: number): RateLimiterRes {
    // Reported against the whole limit, as Redis would: what Redis counted plus what was granted here.
    const consumed = Math.max(w.redis + taken, this.points - allowance + taken);
    return new RateLimiterRes(Math.max(0, this.points - consumed), Math.max(1, w.resetAt - now), consumed, false);
  }
}
