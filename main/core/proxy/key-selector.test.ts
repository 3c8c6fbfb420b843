import { describe, expect, it } from 'vitest';
import { KeyHealth, KeySelector, type SelectableKey } from './key-selector.ts';

const options = { cooldownMs: 1_000, authCooldownMs: 60_000, maxCooldownMs: 10_000 };
const T0 = 1_700_000_000_000;

interface Key extends SelectableKey {
  secret: string;
}

const key = (id: string, weight = 1): Key => ({ id, weight, secret: `sk-${id}` });

function counts(selector: KeySelector<Key>, picks: number, now = T0, exclude?: string): Record<string, number> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const picked = selector.pick(now, exclude);
    const id = picked?.id ?? 'none';
    seen[id] = (seen[id] ?? 0) + 1;
  }
  return seen;
}

describe('KeySelector', () => {
  it('shares picks by weight (1/3/6 over 2,000 picks)', () => {
    const selector = new KeySelector([key('a', 1), key('b', 3), key('c', 6)], new KeyHealth(options));
    const seen = counts(selector, 2_000);
    const expected = { a: 200, b: 600, c: 1_200 };
    for (const [id, share] of Object.entries(expected)) {
      expect(Math.abs(seen[id]! - share)).toBeLessThanOrEqual(share * 0.05);
    }
    // Smooth WRR is exact over whole rounds of the total weight.
    expect(seen).toEqual(expected);
  });

  it('interleaves keys instead of bursting one (smooth)', () => {
    const selector = new KeySelector([key('a', 5), key('b', 1), key('c', 1)], new KeyHealth(options));
    const order = Array.from({ length: 14 }, () => selector.pick(T0)!.id).join('');
    expect(order).toBe('aabacaa'.repeat(2)); // nginx's example: { a, a, b, a, c, a, a }
  });

  it('skips a failing key during its cool-down and uses it again after', () => {
    const health = new KeyHealth(options);
    const selector = new KeySelector([key('a'), key('b'), key('c')], health);
    health.reportFailure('b', { code: 'upstream_unavailable', status: 503 }, T0);
    expect(health.coolingDownUntil('b', T0)).toBe(T0 + 1_000);
    expect(counts(selector, 300, T0 + 999)).toEqual({ a: 150, c: 150 });
    // The cool-down ends exactly at T0 + 1000.
    expect(health.coolingDownUntil('b', T0 + 1_000)).toBeNull();
    expect(counts(selector, 300, T0 + 1_000)).toEqual({ a: 100, b: 100, c: 100 });
  });

  it('doubles the cool-down per consecutive failure, up to maxCooldownMs, and success resets it', () => {
    const health = new KeyHealth(options);
    let now = T0;
    const lengths: number[] = [];
    for (let i = 0; i < 6; i++) {
      health.reportFailure('k', { code: 'upstream_unreachable' }, now);
      const until = health.coolingDownUntil('k', now)!;
      lengths.push(until - now);
      now = until; // fails again as soon as it is tried again
    }
    expect(lengths).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    health.reportSuccess('k');
    expect(health.coolingDownUntil('k', now)).toBeNull();
    health.reportFailure('k', { code: 'upstream_unreachable' }, now);
    expect(health.coolingDownUntil('k', now)).toBe(now + 1_000);
  });

  it('does not escalate on failures of requests already in flight during a cool-down', () => {
    const health = new KeyHealth(options);
    for (let i = 0; i < 20; i++) health.reportFailure('k', { code: 'upstream_unavailable', status: 503 }, T0 + i);
    expect(health.coolingDownUntil('k', T0 + 19)).toBe(T0 + 19 + 1_000);
    expect(health.status('k', T0 + 19).consecutiveFailures).toBe(20);
  });

  it('honours a 429 retry-after, and uses cooldownMs without one', () => {
    const health = new KeyHealth(options);
    const selector = new KeySelector([key('a'), key('b')], health);
    health.reportFailure('a', { code: 'rate_limited', status: 429, retryAfterMs: 7_000 }, T0);
    expect(health.coolingDownUntil('a', T0)).toBe(T0 + 7_000);
    expect(counts(selector, 10, T0 + 6_999)).toEqual({ b: 10 });
    expect(counts(selector, 10, T0 + 7_000)).toEqual({ a: 5, b: 5 });

    health.reportFailure('b', { code: 'rate_limited', status: 429 }, T0);
    expect(health.coolingDownUntil('b', T0)).toBe(T0 + 1_000);
    // Capped at maxCooldownMs.
    health.reportFailure('b', { code: 'rate_limited', status: 429, retryAfterMs: 3_600_000 }, T0);
    expect(health.coolingDownUntil('b', T0)).toBe(T0 + 10_000);
  });

  it('rests a key that answered 401/403 for authCooldownMs (capped)', () => {
    const health = new KeyHealth({ ...options, maxCooldownMs: 120_000 });
    health.reportFailure('a', { code: 'upstream_auth', status: 401 }, T0);
    health.reportFailure('b', { code: 'upstream_auth', status: 403 }, T0);
    expect(health.coolingDownUntil('a', T0)).toBe(T0 + 60_000);
    expect(health.coolingDownUntil('b', T0)).toBe(T0 + 60_000);
    // A later, shorter failure never shortens the cool-down.
    health.reportFailure('a', { code: 'upstream_unavailable', status: 503 }, T0 + 1);
    expect(health.coolingDownUntil('a', T0 + 1)).toBe(T0 + 60_000);
  });

  it('when every key is cooling down, picks the one whose cool-down ends first', () => {
    const health = new KeyHealth(options);
    const selector = new KeySelector([key('a'), key('b'), key('c')], health);
    health.reportFailure('a', { code: 'rate_limited', status: 429, retryAfterMs: 5_000 }, T0);
    health.reportFailure('b', { code: 'rate_limited', status: 429, retryAfterMs: 2_000 }, T0);
    health.reportFailure('c', { code: 'rate_limited', status: 429, retryAfterMs: 3_000 }, T0);
    expect(selector.pick(T0 + 10)?.id).toBe('b');
    expect(selector.pick(T0 + 10)?.id).toBe('b');
    // Excluding it (its retry failed), the next soonest.
    expect(selector.pick(T0 + 10, 'b')?.id).toBe('c');
    // A healthy key always wins over a cooling one.
    expect(selector.pick(T0 + 2_000)?.id).toBe('b');
    expect(selector.pick(T0 + 2_000, 'b')?.id).toBe('c');
  });

  it('excludes the key a failed attempt used, so the retry goes to another key', () => {
    const selector = new KeySelector([key('a', 1), key('b', 3), key('c', 6)], new KeyHealth(options));
    for (const id of ['a', 'b', 'c']) {
      const seen = counts(selector, 100, T0, id);
      expect(seen[id]).toBeUndefined();
      expect(Object.keys(seen)).toHaveLength(2);
    }
    const retry = selector.pick(T0, 'c');
    expect(retry?.id).not.toBe('c');
  });

  it('works with a single key: always it, even cooling down; null once excluded', () => {
    const health = new KeyHealth(options);
    const selector = new KeySelector([key('only', 5)], health);
    expect(selector.size).toBe(1);
    expect(counts(selector, 10)).toEqual({ only: 10 });
    health.reportFailure('only', { code: 'upstream_unavailable', status: 503 }, T0);
    expect(selector.pick(T0 + 1)?.id).toBe('only');
    expect(selector.pick(T0 + 1, 'only')).toBeNull();
  });

  it('returns null with no keys at all', () => {
    const selector = new KeySelector<Key>([], new KeyHealth(options));
    expect(selector.size).toBe(0);
    expect(selector.pick(T0)).toBeNull();
  });

  it('takes new weights through a new selector, keeping the shared health', () => {
    const health = new KeyHealth(options);
    const first = new KeySelector([key('a', 1), key('b', 1)], health);
    expect(counts(first, 100)).toEqual({ a: 50, b: 50 });
    health.reportFailure('a', { code: 'upstream_unavailable', status: 503 }, T0);
    const second = new KeySelector([key('a', 1), key('b', 4), key('c', 5)], health);
    expect(second.size).toBe(3);
    expect(counts(second, 90, T0 + 1)).toEqual({ b: 40, c: 50 });
    expect(counts(second, 100, T0 + 1_000)).toEqual({ a: 10, b: 40, c: 50 });
  });

  it('keeps its rotation through refresh while the keys and weights are the same, and refuses other keys', () => {
    const selector = new KeySelector([key('a', 1), key('b', 3)], new KeyHealth(options));
    const picks: string[] = [];
    for (let i = 0; i < 8; i++) {
      // A reload between every pick, as when requests come slower than the project cache's TTL.
      expect(selector.refresh([key('a', 1), key('b', 3)])).toBe(true);
      picks.push(selector.pick(T0)!.id);
    }
    expect(picks.filter((id) => id === 'a')).toHaveLength(2);
    const rotated = { ...key('b', 3), secret: 'sk-b-rotated' };
    expect(selector.refresh([key('a', 1), rotated])).toBe(true);
    expect(counts(selector, 4)).toEqual({ a: 1, b: 3 });
    expect([selector.pick(T0), selector.pick(T0), selector.pick(T0), selector.pick(T0)]).toContain(rotated);
    expect(selector.refresh([key('a', 1), key('b', 2)])).toBe(false);
    expect(selector.refresh([key('b', 3), key('a', 1)])).toBe(false);
    expect(selector.refresh([key('a', 1)])).toBe(false);
    expect(selector.refresh([key('a', 1), key('b', 3), key('c', 1)])).toBe(false);
  });

  it('treats a non-positive or non-finite weight as 1', () => {
    const selector = new KeySelector([key('a', 0), key('b', Number.NaN), key('c', 2)], new KeyHealth(options));
    expect(counts(selector, 400)).toEqual({ a: 100, b: 100, c: 200 });
  });

  it('returns the caller’s key objects', () => {
    const a = key('a');
    const selector = new KeySelector([a], new KeyHealth(options));
    expect(selector.pick(T0)).toBe(a);
    expect(selector.pick(T0)?.secret).toBe('sk-a');
  });
});

describe('KeyHealth.status', () => {
  it('reports healthy for an unknown key', () => {
    expect(new KeyHealth(options).status('x', T0)).toEqual({
      state: 'healthy',
      coolingDownUntil: null,
      consecutiveFailures: 0,
      lastError: null,
      lastErrorAt: null,
    });
  });

  it('reports the cool-down, failures and last error, then recovery', () => {
    const health = new KeyHealth(options);
    health.reportFailure('k', { code: 'upstream_unreachable' }, T0);
    health.reportFailure('k', { code: 'rate_limited', status: 429, retryAfterMs: 4_000 }, T0 + 100);
    expect(health.status('k', T0 + 200)).toEqual({
      state: 'cooling_down',
      coolingDownUntil: T0 + 4_100,
      consecutiveFailures: 2,
      lastError: 'rate_limited',
      lastErrorAt: T0 + 100,
    });
    // Cool-down over, no success yet: healthy again, failures still counted.
    expect(health.status('k', T0 + 4_100)).toEqual({
      state: 'healthy',
      coolingDownUntil: null,
      consecutiveFailures: 2,
      lastError: 'rate_limited',
      lastErrorAt: T0 + 100,
    });
    health.reportSuccess('k');
    expect(health.status('k', T0 + 5_000)).toEqual({
      state: 'healthy',
      coolingDownUntil: null,
      consecutiveFailures: 0,
      lastError: 'rate_limited',
      lastErrorAt: T0 + 100,
    });
    health.forget('k');
    expect(health.status('k', T0 + 5_000).lastError).toBeNull();
  });

  it('keeps keys apart', () => {
    const health = new KeyHealth(options);
    health.reportFailure('a', { code: 'upstream_unavailable', status: 503 }, T0);
    expect(health.status('a', T0).state).toBe('cooling_down');
    expect(health.status('b', T0).state).toBe('healthy');
    health.reportSuccess('b'); // unknown key: nothing to clear
    expect(health.status('b', T0).consecutiveFailures).toBe(0);
  });
});

describe('KeyHealth across instances', () => {
  it('announces a cool-down when it starts or grows, not when a failure leaves it as it is', () => {
    const announced: [string, number, string][] = [];
    const health = new KeyHealth({ ...options, onCooldown: (id, ms, code) => void announced.push([id, ms, code]) });
    health.reportFailure('k', { code: 'status_500', status: 500 }, T0);
    // In flight when k started failing: the same cool-down, nothing new to say.
    health.reportFailure('k', { code: 'status_500', status: 500 }, T0 + 10);
    health.reportFailure('k', { code: 'status_401', status: 401 }, T0 + 20);
    expect(announced).toEqual([
      ['k', 1_000, 'status_500'],
      ['k', 10_000, 'status_401'], // the auth cool-down, capped by maxCooldownMs
    ]);
  });

  it("adopts another instance's cool-down relative to its own clock, capped, without announcing it again", () => {
    const announced: unknown[] = [];
    const health = new KeyHealth({ ...options, onCooldown: (...args) => void announced.push(args) });
    health.adoptCooldown('k', 5_000, 'status_429', T0);
    expect(health.status('k', T0 + 1)).toMatchObject({ state: 'cooling_down', coolingDownUntil: T0 + 5_000, lastError: 'status_429', consecutiveFailures: 0 });
    const selector = new KeySelector([key('k'), key('other')], health);
    expect(counts(selector, 10, T0 + 1)).toEqual({ other: 10 });
    // Never shortened; capped at maxCooldownMs.
    health.adoptCooldown('k', 1_000, 'status_500', T0 + 1);
    expect(health.coolingDownUntil('k', T0 + 1)).toBe(T0 + 5_000);
    health.adoptCooldown('k', 3_600_000, 'status_401', T0 + 1);
    expect(health.coolingDownUntil('k', T0 + 1)).toBe(T0 + 1 + 10_000);
    expect(announced).toEqual([]);
  });
});
