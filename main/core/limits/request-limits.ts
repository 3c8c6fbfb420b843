// The rate-limit step of the request path. `admit` takes one request from every limit that applies
// (in parallel: with Redis that is one pipelined round trip) and refuses when any is spent; tokens
// per minute are settled by the ticket once the answer's usage is known. Concurrency is per instance.
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../clock.ts';
import type { TokenRow } from '../store/types.ts';
import { describeWait, rateLimitHeaders, retryHeaders, type UnitState } from './headers.ts';
import { LimiterPool, type DecisionConnection } from './limiter-pool.ts';
import { rulesFor, type LimitName, type LimitRule, type ProjectLimits } from './policy.ts';

export type LimitRefusalCode = 'rate_limited' | 'limits_unavailable';
export type RefusingLimit = LimitName | 'token_concurrency' | 'redis_unreachable';

export interface LimitTicket {
  /**
   * The answer is complete: settles tokens per minute with its usage (null when it reported none) and
   * frees the concurrency slot. Never waits; idempotent.
   */
  finish(usage: { totalTokens: number } | null): void;
  /** The request was refused after admission (e.g. by its quota): gives back what it took. */
  cancel(): void;
}

export type LimitDecision =
  | { ok: true; headers: Record<string, string>; ticket: LimitTicket }
  | {
      ok: false;
      code: LimitRefusalCode;
      limit: RefusingLimit;
      retryAfterMs: number;
      /** Retry-After and the x-ratelimit-* headers for the 429/503. */
      headers: Record<string, string>;
      message: string;
      /** Decided locally because Redis was unreachable or slow. */
      fallback: boolean;
    };

export interface LimitCounters {
  /** Requests a limit applied to. */
  checked: number;
  refused: number;
  /** Decisions the local limiter made in place of Redis. */
  fallbacks: number;
}

export interface RequestLimitsOptions {
  /** The connection decisions are made on, or null for per-instance limits. */
  redis: DecisionConnection | null;
  /** Longest wait for Redis per decision (`--redis-command-timeout-ms`); then the local budget decides. */
  decisionTimeoutMs?: number;
  /** Instances on this Redis, announced there: the local budget is the limit divided by them. */
  liveInstances?: () => number;
  clock?: Clock;
  prefix: string;
  failClosed: boolean;
  /** 60 in production (per minute); tests shorten it. */
  windowSeconds?: number;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NOTHING_TO_SETTLE: LimitTicket = { finish: () => undefined, cancel: () => undefined };

export class RequestLimits {
  private pool: LimiterPool;
  private readonly inFlight = new Map<string, number>();
  private readonly windowSeconds: number;
  readonly counters: LimitCounters = { checked: 0, refused: 0, fallbacks: 0 };

  constructor(private opts: RequestLimitsOptions) {
    this.windowSeconds = opts.windowSeconds ?? 60;
    this.pool = this.createPool();
  }

  /**
   * Decides on another Redis (or per instance with null) from the next request on. Concurrency slots
   * and counters stay; budgets start afresh on the new Redis (or in memory).
   */
  useRedis(redis: DecisionConnection | null, prefix: string, liveInstances?: () => number): void {
    this.opts = { ...this.opts, redis, prefix, liveInstances };
    this.pool = this.createPool();
  }

  private createPool(): LimiterPool {
    return new LimiterPool({
      redis: this.opts.redis,
      decisionTimeoutMs: this.opts.decisionTimeoutMs ?? 50,
      liveInstances: this.opts.liveInstances,
      clock: this.opts.clock,
      prefix: this.opts.prefix,
      windowSeconds: this.windowSeconds,
      failClosed: this.opts.failClosed,
      onFallback: () => this.counters.fallbacks++,
    });
  }

  /** True when nothing limits this token: the request path can skip the step. */
  unlimited(token: TokenRow, project: ProjectLimits): boolean {
    return !token.maxConcurrent && rulesFor(token, project).length === 0;
  }

  async admit(token: TokenRow, project: ProjectLimits): Promise<LimitDecision> {
    const rules = rulesFor(token, project);
    const maxConcurrent = token.maxConcurrent ?? 0;
    if (rules.length === 0 && maxConcurrent <= 0) return { ok: true, headers: NO_HEADERS, ticket: NOTHING_TO_SETTLE };
    this.counters.checked++;

    // Concurrency first: local and synchronous, and it takes nothing from the shared budgets.
    if (maxConcurrent > 0) {
      const running = this.inFlight.get(token.id) ?? 0;
      if (running >= maxConcurrent) {
        this.counters.refused++;
        return refusal(
          'rate_limited',
          'token_concurrency',
          1000,
          {},
          `Too many concurrent requests: this token may have ${maxConcurrent} in flight at once. Try again when one finishes.`,
          false,
        );
      }
      this.inFlight.set(token.id, running + 1);
    }
    const releaseSlot = maxConcurrent > 0 ? once(() => this.release(token.id)) : () => undefined;

    const outcomes = await Promise.all(rules.map((rule) => this.take(rule)));
    const states = outcomes.flatMap((o) => (o.res ? [unitState(o.rule, o.res)] : []));
    const failed = outcomes.find((o) => o.error !== undefined);
    const refused = outcomes.filter((o) => o.res && !o.granted);
    if (failed || refused.length > 0) {
      releaseSlot();
      for (const o of outcomes) if (o.granted) this.giveBack(o.rule, 1);
      this.counters.refused++;
      if (!refused.length) {
        return refusal(
          'limits_unavailable',
          'redis_unreachable',
          1000,
          rateLimitHeaders(states),
          'Rate limits cannot be checked: Redis is unreachable and this proxy refuses rather than limit per instance. Try again shortly.',
          true,
        );
      }
      // The limit that frees up last decides when a retry can succeed.
      const worst = refused.reduce((a, b) => (b.res!.msBeforeNext > a.res!.msBeforeNext ? b : a));
      const wait = Math.max(worst.res!.msBeforeNext, 1);
      return refusal('rate_limited', worst.rule.name, wait, rateLimitHeaders(states), this.describe(worst.rule, wait), this.usingFallback());
    }

    const tokenRules = rules.filter((r) => r.unit === 'tokens');
    let settled = false;
    return {
      ok: true,
      headers: rateLimitHeaders(states),
      ticket: {
        finish: (usage) => {
          if (settled) return;
          settled = true;
          releaseSlot();
          // Admission reserved one token per tokens-limit; now count what the answer really used.
          const used = usage?.totalTokens ?? 0;
          for (const rule of tokenRules) {
            if (used > 1) this.charge(rule, used - 1);
            else if (used === 0) this.giveBack(rule, 1);
          }
        },
        cancel: () => {
          if (settled) return;
          settled = true;
          releaseSlot();
          for (const rule of rules) this.giveBack(rule, 1);
        },
      },
    };
  }

  /**
   * One point from the rule's budget. For tokens, that point is a reservation made before the usage is
   * known, so a request is refused exactly when the budget is already spent.
   */
  private async take(rule: LimitRule): Promise<{ rule: LimitRule; res?: RateLimiterRes; granted: boolean; error?: unknown }> {
    try {
      return { rule, res: await this.pool.consume(rule.name, rule.points, rule.key, 1), granted: true };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { rule, res: err, granted: false };
      return { rule, granted: false, error: err };
    }
  }

  private charge(rule: LimitRule, points: number): void {
    this.pool.penalty(rule.name, rule.points, rule.key, Math.round(points));
  }

  private giveBack(rule: LimitRule, points: number): void {
    this.pool.reward(rule.name, rule.points, rule.key, points);
  }

  private release(tokenId: string): void {
    const running = (this.inFlight.get(tokenId) ?? 1) - 1;
    if (running <= 0) this.inFlight.delete(tokenId);
    else this.inFlight.set(tokenId, running);
  }

  private usingFallback(): boolean {
    return this.opts.redis !== null && (!this.opts.redis.ready() || this.pool.breaker?.current() === 'open');
  }

  private describe(rule: LimitRule, waitMs: number): string {
    const per = this.windowSeconds === 60 ? 'per minute' : `per ${this.windowSeconds} s`;
    const what = rule.unit === 'requests' ? `${rule.points} requests ${per}` : `${rule.points} tokens ${per}`;
    const whose = rule.name.startsWith('token_') ? `this token may use ${what}` : `the upstream key's shared budget of ${what} is used up`;
    return `Rate limit reached: ${whose}. Try again in ${describeWait(waitMs)}.`;
  }
}

function unitState(rule: LimitRule, res: RateLimiterRes): UnitState {
  return { unit: rule.unit, limit: rule.points, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
}

function refusal(
  code: LimitRefusalCode,
  limit: RefusingLimit,
  retryAfterMs: number,
  headers: Record<string, string>,
  message: string,
  fallback: boolean,
): LimitDecision {
  return { ok: false, code, limit, retryAfterMs, headers: { ...headers, ...retryHeaders(retryAfterMs) }, message, fallback };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
