// The limiter in process, with memory limits: which limits apply, what is counted when, the headers.
import { describe, expect, it } from 'vitest';
import type { TokenRow } from '../store/types.ts';
import { formatReset, rateLimitHeaders, retryHeaders } from './headers.ts';
import { rulesFor, upstreamKeyFingerprint, type ProjectLimits } from './policy.ts';
import { RequestLimits, type LimitDecision } from './request-limits.ts';

let seq = 0;
function token(overrides: Partial<TokenRow> = {}): TokenRow {
  seq++;
  return {
    id: `token-${seq}-${Math.random()}`,
    projectId: 'p',
    name: null,
    tokenHash: 'h',
    tokenLast4: 'abcd',
    expiresAt: Date.now() + 3_600_000,
    isActive: true,
    maxRequests: null,
    requestCount: 0,
    allowedModels: null,
    promptTokens: 0,
    completionTokens: 0,
    cacheHitCount: 0,
    createdAt: 0,
    updatedAt: 0,
    lastUsedAt: null,
    revokedAt: null,
    rpmLimit: null,
    tpmLimit: null,
    maxConcurrent: null,
    maxBudgetUsd: null,
    spendNanos: 0,
    ...overrides,
  };
}

const noProjectLimits: ProjectLimits = { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp-test' };
const memoryLimits = () => new RequestLimits({ redis: null, prefix: 'test:', failClosed: false });

async function admitMany(limits: RequestLimits, t: TokenRow, project: ProjectLimits, n: number): Promise<LimitDecision[]> {
  return Promise.all(Array.from({ length: n }, () => limits.admit(t, project)));
}

describe('which limits apply', () => {
  it('takes the token’s own limits, else the project defaults; 0 on the token means none', () => {
    const project = { ...noProjectLimits, defaultRpm: 60, defaultTpm: 20_000 };
    expect(rulesFor(token(), noProjectLimits)).toEqual([]);
    expect(rulesFor(token(), project).map((r) => [r.name, r.points])).toEqual([
      ['token_rpm', 60],
      ['token_tpm', 20_000],
    ]);
    expect(rulesFor(token({ rpmLimit: 5 }), project).map((r) => [r.name, r.points])).toEqual([
      ['token_rpm', 5],
      ['token_tpm', 20_000],
    ]);
    expect(rulesFor(token({ rpmLimit: 0, tpmLimit: 0 }), project)).toEqual([]);
  });

  it('adds the shared budget under the shared key', () => {
    const rules = rulesFor(token(), { ...noProjectLimits, sharedRpm: 10, sharedTpm: 1000, sharedKey: 'team' });
    expect(rules.map((r) => [r.name, r.key, r.points])).toEqual([
      ['shared_rpm', 'team', 10],
      ['shared_tpm', 'team', 1000],
    ]);
  });

  it('fingerprints the upstream key: stable, different per key, never containing it', () => {
    const key = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
    expect(upstreamKeyFingerprint(key)).toBe(upstreamKeyFingerprint(key));
    expect(upstreamKeyFingerprint(key)).not.toBe(upstreamKeyFingerprint(key + 'x'));
    expect(upstreamKeyFingerprint(key)).toMatch(/^fp-[0-9a-f]{32}$/);
    expect(upstreamKeyFingerprint(key)).not.toContain(key.slice(-8));
  });
});

describe('requests per minute (memory)', () => {
  it('admits exactly rpm_limit of 30 concurrent requests, then 429 with Retry-After and OpenAI headers', async () => {
    const limits = memoryLimits();
    const t = token({ rpmLimit: 10 });
    const decisions = await admitMany(limits, t, noProjectLimits, 30);
    const admitted = decisions.filter((d) => d.ok);
    const refused = decisions.filter((d) => !d.ok);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(20);
    const first = admitted[0]!;
    expect(first.headers['x-ratelimit-limit-requests']).toBe('10');
    expect(Number(first.headers['x-ratelimit-remaining-requests'])).toBeGreaterThanOrEqual(0);
    expect(first.headers['x-ratelimit-reset-requests']).toMatch(/^(\d+m)?\d+(\.\d)?s$|^\d+ms$/);
    const no = refused[0]!;
    if (no.ok) throw new Error('expected a refusal');
    expect(no).toMatchObject({ code: 'rate_limited', limit: 'token_rpm', fallback: false });
    expect(Number(no.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(no.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(Number(no.headers['retry-after-ms'])).toBeGreaterThan(0);
    expect(no.headers['x-ratelimit-remaining-requests']).toBe('0');
    expect(no.message).toMatch(/10 requests per minute.*Try again in \d+s/);
  });

  it('cancel gives the request back (refused later by its quota)', async () => {
    const limits = memoryLimits();
    const t = token({ rpmLimit: 1 });
    const first = await limits.admit(t, noProjectLimits);
    if (!first.ok) throw new Error('expected admission');
    first.ticket.cancel();
    first.ticket.cancel();
    expect((await limits.admit(t, noProjectLimits)).ok).toBe(true);
    expect((await limits.admit(t, noProjectLimits)).ok).toBe(false);
  });

  it('a refusal by one limit gives back what the others took', async () => {
    const limits = memoryLimits();
    const project = { ...noProjectLimits, sharedRpm: 1, sharedKey: 'give-back' };
    const t = token({ rpmLimit: 5 });
    expect((await limits.admit(t, project)).ok).toBe(true);
    const refused = await limits.admit(t, project);
    expect(refused).toMatchObject({ ok: false, limit: 'shared_rpm' });
    // The token's own rpm was given back: 5 - 1 = 4 remaining after the first.
    const other = await limits.admit(token({ rpmLimit: 5 }), { ...noProjectLimits });
    expect(other.ok).toBe(true);
    const again = await limits.admit(t, { ...noProjectLimits });
    expect(again.ok && again.headers['x-ratelimit-remaining-requests']).toBe('3');
  });
});

describe('tokens per minute (memory)', () => {
  it('counts usage once known and refuses when the budget is already spent', async () => {
    const limits = memoryLimits();
    const t = token({ tpmLimit: 100 });
    const first = await limits.admit(t, noProjectLimits);
    if (!first.ok) throw new Error('expected admission');
    expect(first.headers['x-ratelimit-limit-tokens']).toBe('100');
    first.ticket.finish({ totalTokens: 60 });
    const second = await limits.admit(t, noProjectLimits);
    if (!second.ok) throw new Error('expected admission: 60 of 100 used');
    expect(second.headers['x-ratelimit-remaining-tokens']).toBe('39');
    second.ticket.finish({ totalTokens: 60 });
    const third = await limits.admit(t, noProjectLimits);
    expect(third).toMatchObject({ ok: false, code: 'rate_limited', limit: 'token_tpm' });
    if (!third.ok) expect(third.headers['x-ratelimit-remaining-tokens']).toBe('0');
  });

  it('an answer without usage costs nothing', async () => {
    const limits = memoryLimits();
    const t = token({ tpmLimit: 1 });
    for (let i = 0; i < 5; i++) {
      const d = await limits.admit(t, noProjectLimits);
      if (!d.ok) throw new Error(`refused at ${i}`);
      d.ticket.finish(null);
    }
  });

  it('shares one tokens budget between the tokens of one shared key', async () => {
    const limits = memoryLimits();
    const project = { ...noProjectLimits, sharedTpm: 50, sharedKey: 'team-key' };
    const a = await limits.admit(token(), project);
    if (!a.ok) throw new Error('expected admission');
    a.ticket.finish({ totalTokens: 80 });
    expect(await limits.admit(token(), project)).toMatchObject({ ok: false, limit: 'shared_tpm' });
  });
});

describe('concurrency (per instance)', () => {
  it('refuses beyond max_concurrent until one finishes', async () => {
    const limits = memoryLimits();
    const t = token({ maxConcurrent: 2 });
    const [a, b] = await admitMany(limits, t, noProjectLimits, 2);
    expect(await limits.admit(t, noProjectLimits)).toMatchObject({ ok: false, limit: 'token_concurrency' });
    if (!a?.ok || !b?.ok) throw new Error('expected admissions');
    a.ticket.finish(null);
    a.ticket.finish(null);
    const c = await limits.admit(t, noProjectLimits);
    expect(c.ok).toBe(true);
    expect(await limits.admit(t, noProjectLimits)).toMatchObject({ ok: false });
  });
});

describe('headers', () => {
  it('formats resets like OpenAI and reports the tightest limit per unit', () => {
    expect(formatReset(250)).toBe('250ms');
    expect(formatReset(1000)).toBe('1s');
    expect(formatReset(12_450)).toBe('12.5s');
    expect(formatReset(360_000)).toBe('6m0s');
    expect(formatReset(0)).toBe('0s');
    expect(
      rateLimitHeaders([
        { unit: 'requests', limit: 60, remaining: 59, resetMs: 1000 },
        { unit: 'requests', limit: 10, remaining: 3, resetMs: 2000 },
        { unit: 'tokens', limit: 1000, remaining: 999, resetMs: 500 },
      ]),
    ).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '3',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '999',
      'x-ratelimit-reset-tokens': '500ms',
    });
    expect(retryHeaders(1200)).toEqual({ 'retry-after': '2', 'retry-after-ms': '1200' });
    expect(retryHeaders(0)).toEqual({ 'retry-after': '1', 'retry-after-ms': '0' });
  });
});
