// Shared limits with a Redis that answers late, driven by a proxy that holds Redis's replies back
// (../redis/slow-redis-proxy.ts): the local budget is the limit divided by the live instances, seeded
// from the last counts Redis gave; late answers still count; one probe at a time while Redis is silent.
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../clock.ts';
import { connectRedis, type RedisLink } from '../redis/connection.ts';
import { announceInstance } from '../redis/live-instances.ts';
import { startSlowRedisProxy, type SlowRedisProxy } from '../redis/slow-redis-proxy.ts';
import { findRedis, uniquePrefix } from '../redis/test-redis.ts';
import type { TokenRow } from '../store/types.ts';
import type { ProjectLimits } from './policy.ts';
import { RequestLimits } from './request-limits.ts';
import { startLimits } from './runtime.ts';
import pino from 'pino';
import { startRedis } from '../redis/runtime.ts';

const redis = await findRedis();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const project: ProjectLimits = { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp-x' };
function token(rpmLimit: number): TokenRow {
  return {
    ...({} as TokenRow),
    id: `token-${Math.random().toString(36).slice(2)}`,
    projectId: 'p',
    expiresAt: Date.now() + 3_600_000,
    isActive: true,
    maxRequests: null,
    allowedModels: null,
    rpmLimit,
    tpmLimit: null,
    maxConcurrent: null,
  };
}

async function proxyToRedis(): Promise<SlowRedisProxy> {
  const port = Number(new URL(redis.url!).port || 6379);
  const proxy = await startSlowRedisProxy({ host: new URL(redis.url!).hostname, port });
  cleanup.push(() => proxy.close());
  return proxy;
}

/** One "instance": its own connection through the proxy, announced in Redis, deciding with a 50 ms deadline. */
async function instance(url: string, prefix: string) {
  const link: RedisLink = connectRedis({ url, commandTimeoutMs: 50, clock: systemClock });
  cleanup.push(() => link.close());
  await link.settled(2000);
  if (link.decisions.status !== 'ready') await new Promise((resolve) => link.decisions.once('ready', resolve));
  const live = announceInstance({ client: link.client, prefix, clock: systemClock, ready: () => link.state() === 'ready' });
  cleanup.push(() => live.close());
  await live.refresh();
  const limits = new RequestLimits({
    redis: { client: link.decisions, ready: () => link.decisions.status === 'ready' },
    decisionTimeoutMs: 50,
    liveInstances: live.count,
    prefix,
    failClosed: false,
  });
  return { link, live, limits };
}

const granted = (decisions: { ok: boolean }[]) => decisions.filter((d) => d.ok).length;

describe.skipIf(!redis.url)(`limits with a Redis that answers late${redis.reason ? ` (skipped: ${redis.reason})` : ''}`, () => {
  it('two instances, rpm 10, 30 at once while Redis holds its answers: each grants its share (5), 10 in all; late answers still count', async () => {
    const proxy = await proxyToRedis();
    const prefix = uniquePrefix('slow');
    const a = await instance(proxy.url, prefix);
    const b = await instance(proxy.url, prefix);
    await a.live.refresh(); // A announced before B: it learns of B now
    expect([a.live.count(), b.live.count()]).toEqual([2, 2]);
    const t = token(10);

    proxy.hold();
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).limits.admit(t, project)));
    expect(granted(decisions)).toBe(10);
    expect(a.limits.counters.fallbacks + b.limits.counters.fallbacks).toBe(30);

    // The late answers arrive: Redis counted all 30, and each instance takes that in.
    proxy.release();
    await expect.poll(async () => Number(await a.link.client.get(`${prefix}rl:token_rpm:${t.id}`))).toBe(30);
    // Redis answers in time again: a probe closes the circuit and Redis refuses (its window is spent).
    const after = await Promise.all(Array.from({ length: 4 }, (_, i) => (i % 2 ? a : b).limits.admit(t, project)));
    expect(granted(after)).toBe(0);
  });

  it('the overshoot while Redis is slow is bounded: at most ⌈limit / instances⌉ extra per instance, less when Redis had counted', async () => {
    const proxy = await proxyToRedis();
    const prefix = uniquePrefix('bound');
    const a = await instance(proxy.url, prefix);
    const b = await instance(proxy.url, prefix);
    await a.live.refresh();
    const t = token(10);
    // Exact while Redis answers: 4 through Redis.
    for (let i = 0; i < 4; i++) expect((await (i % 2 ? a : b).limits.admit(t, project)).ok).toBe(true);
    proxy.hold();
    const during = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).limits.admit(t, project)));
    // A last saw 4 in Redis, B 3: min(5, 10 - 4) + min(5, 10 - 3) = 10 granted locally; 14 in all.
    expect(granted(during)).toBe(10);
    expect(4 + granted(during)).toBeLessThanOrEqual(10 + 2 * Math.ceil(10 / 2));
  });

  it('only one decision probes a Redis that stopped answering; the others are decided while that probe is pending', async () => {
    const proxy = await proxyToRedis();
    const { limits } = await instance(proxy.url, uniquePrefix('probe'));
    const t = token(1000);
    expect((await limits.admit(t, project)).ok).toBe(true);

    proxy.hold();
    const before = proxy.forwardedBytes();
    expect((await limits.admit(t, project)).ok).toBe(true); // the probe: decided locally at its deadline
    expect(proxy.forwardedBytes()).toBeGreaterThan(before);
    const probeSent = proxy.forwardedBytes();
    const others = await Promise.all(Array.from({ length: 20 }, () => limits.admit(t, project)));
    expect(others.every((d) => d.ok)).toBe(true);
    // Decided without Redis: nothing more was sent, and the probe's answer is still held back.
    expect(proxy.forwardedBytes()).toBe(probeSent);
    expect(proxy.heldBytes()).toBeGreaterThan(0);
    expect(limits.counters.fallbacks).toBe(21);

    // Redis answers again: the probe's late answer comes back, the next decision probes and is answered.
    proxy.release();
    await expect
      .poll(async () => {
        const fallbacks = limits.counters.fallbacks;
        await limits.admit(t, project);
        return limits.counters.fallbacks === fallbacks;
      })
      .toBe(true);
  });

  it('a token that used 6 of 10 through Redis gets at most 4 more locally, whether Redis stalls or drops out', async () => {
    const proxy = await proxyToRedis();
    const { limits } = await instance(proxy.url, uniquePrefix('seed'));
    const stalled = token(10);
    const dropped = token(10);
    for (let i = 0; i < 6; i++) {
      expect((await limits.admit(stalled, project)).ok).toBe(true);
      expect((await limits.admit(dropped, project)).ok).toBe(true);
    }
    proxy.hold();
    const whileStalled = [];
    for (let i = 0; i < 8; i++) whileStalled.push(await limits.admit(stalled, project));
    expect(granted(whileStalled)).toBe(4);
    expect(whileStalled.at(-1)).toMatchObject({ ok: false, code: 'rate_limited', fallback: true });

    proxy.drop({ refuse: true });
    const whileDown = [];
    for (let i = 0; i < 8; i++) whileDown.push(await limits.admit(dropped, project));
    expect(granted(whileDown)).toBe(4);
  });

  it('startup waits until the decisions socket is connected and the script path is warm', async () => {
    const prefix = uniquePrefix('warm');
    const settings = { redisUrl: redis.url!, redisPrefix: prefix, redisCommandTimeoutMs: 1000, limitsFailClosed: false };
    const shared = startRedis(settings, { clock: systemClock, log: pino({ level: 'silent' }), audit: { record: () => new Promise(() => undefined) } });
    onTestFinished(() => shared!.close());
    const runtime = startLimits(settings, { redis: shared, clock: systemClock });
    await runtime.started();
    // Not merely the main connection: the one decisions use is up, and it has run the script once.
    expect(shared!.link.decisions.status).toBe('ready');
    const probe = shared!.link.client;
    expect(await probe.exists(`${prefix}rl:warmup:warmup`)).toBe(1);
    expect(await probe.zcard(`${prefix}instances`)).toBe(1);
    expect((await runtime.limits.admit(token(5), project)).ok).toBe(true);
    expect(runtime.limits.counters.fallbacks).toBe(0);
  });
});
