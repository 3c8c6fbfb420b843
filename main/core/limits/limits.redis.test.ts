// The limiter against real Redis, in process: exact across connections, fallbacks that never wait for
// a Redis that is down or stalled, fail-closed refusals, and the revocation channel. What those
// fallbacks cost in time is a bench figure (`npm run bench`: "rate-limit decisions while Redis is out").
import net from 'node:net';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { systemClock } from '../clock.ts';
import { connectRedis, type RedisLink } from '../redis/connection.ts';
import { createInvalidationBus, type InvalidationMessage } from '../redis/invalidation.ts';
import { findRedis, freePort, hasRedisServer, startOwnRedis, uniquePrefix } from '../redis/test-redis.ts';
import type { TokenRow } from '../store/types.ts';
import type { ProjectLimits } from './policy.ts';
import { RequestLimits } from './request-limits.ts';

const redis = await findRedis();
const links: RedisLink[] = [];
afterAll(async () => {
  for (const link of links) await link.close();
});

async function link(url: string, commandTimeoutMs = 1000): Promise<RedisLink> {
  const l = connectRedis({ url, commandTimeoutMs, clock: systemClock });
  links.push(l);
  await l.settled(2000);
  if (l.state() === 'ready' && l.decisions.status !== 'ready') await new Promise((resolve) => l.decisions.once('ready', resolve));
  return l;
}

/**
 * A decision deadline no test outlives: a decision that comes back at all was made without waiting for
 * Redis (a decision that waited would hang until the test's timeout fails it).
 */
const OUT_OF_REACH_MS = 600_000;

/** Commands sent to this connection and not answered, or queued for when it connects. */
function outstanding(l: RedisLink): number {
  const queues = l.decisions as unknown as { commandQueue: { length: number }; offlineQueue: { length: number } };
  return queues.commandQueue.length + queues.offlineQueue.length;
}

function limitsOn(l: RedisLink, prefix: string, failClosed = false, decisionTimeoutMs = 1000): RequestLimits {
  return new RequestLimits({ redis: { client: l.decisions, ready: () => l.decisions.status === 'ready' }, decisionTimeoutMs, prefix, failClosed });
}

function token(overrides: Partial<TokenRow> = {}): TokenRow {
  return {
    id: `token-${Math.random().toString(36).slice(2)}`,
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
const project: ProjectLimits = { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp-x' };

describe.skipIf(!redis.url)(`limits on Redis ${redis.url ? '' : `(skipped: ${redis.reason})`}`, () => {
  const url = redis.url!;

  it('two connections (two instances) share one budget exactly: 10 of 30 concurrent', async () => {
    const prefix = uniquePrefix('exact');
    const [a, b] = [limitsOn(await link(url), prefix), limitsOn(await link(url), prefix)];
    const t = token({ rpmLimit: 10 });
    const decisions = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).admit(t, project)));
    expect(decisions.filter((d) => d.ok)).toHaveLength(10);
    expect(a.counters.fallbacks + b.counters.fallbacks).toBe(0);
  });

  it('a decision with several limits costs one round trip: one write to the socket, one script call per limit', async () => {
    const l = await link(url);
    const limits = limitsOn(l, uniquePrefix('trip'));
    const t = token({ rpmLimit: 100, tpmLimit: 100_000 });
    const shared = { ...project, sharedRpm: 100, sharedKey: 'trip' };
    expect((await limits.admit(t, shared)).ok).toBe(true); // scripts loaded (EVAL once, EVALSHA after)
    const stream = (l.decisions as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    const writes: string[] = [];
    stream.write = (...args: unknown[]) => {
      writes.push(String(args[0]));
      return write(...args);
    };
    onTestFinished(() => {
      stream.write = write;
    });
    expect((await limits.admit(t, shared)).ok).toBe(true);
    expect(writes).toHaveLength(1);
    // EVALSHA, or EVAL while this connection has not yet seen the script.
    expect(writes[0]!.match(/\r\neval(sha)?\r\n/gi)).toHaveLength(3);
  });

  it('counts tokens per minute in Redis once usage is known', async () => {
    const prefix = uniquePrefix('tpm');
    const [a, b] = [limitsOn(await link(url), prefix), limitsOn(await link(url), prefix)];
    const shared = { ...project, sharedTpm: 100, sharedKey: 'team' };
    const first = await a.admit(token(), shared);
    if (!first.ok) throw new Error('expected admission');
    first.ticket.finish({ totalTokens: 120 });
    // finish() does not wait: the penalty is in flight; wait for Redis to hold it.
    const l = await link(url);
    await expect.poll(() => l.client.get(`${prefix}rl:shared_tpm:team`)).toBe('120');
    expect(await b.admit(token(), shared)).toMatchObject({ ok: false, code: 'rate_limited', limit: 'shared_tpm' });
  });

  it('fail-closed: a Redis that is down refuses limited requests with limits_unavailable, without waiting for it', async () => {
    const closedPort = await freePort();
    const l = await link(`redis://127.0.0.1:${closedPort}`);
    expect(l.state()).toBe('unreachable');
    const limits = limitsOn(l, uniquePrefix('closed'), true, OUT_OF_REACH_MS);
    const decision = await limits.admit(token({ rpmLimit: 5 }), project);
    expect(outstanding(l)).toBe(0);
    expect(decision).toMatchObject({ ok: false, code: 'limits_unavailable', limit: 'redis_unreachable' });
    // Unlimited tokens never need Redis.
    expect((await limits.admit(token(), project)).ok).toBe(true);
  });

  it('the revocation channel carries messages to the other instances, not back to the sender', async () => {
    const prefix = uniquePrefix('bus');
    const seenByA: InvalidationMessage[] = [];
    const seenByB: InvalidationMessage[] = [];
    const la = await link(url);
    const lb = await link(url);
    const a = createInvalidationBus({ link: la, prefix, onMessage: (m) => seenByA.push(m) });
    let delivered!: () => void;
    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    const b = createInvalidationBus({
      link: lb,
      prefix,
      onMessage: (m) => {
        seenByB.push(m);
        delivered();
      },
    });
    onTestFinished(async () => {
      await a.close();
      await b.close();
    });
    await Promise.all([a.subscribed(), b.subscribed()]);
    a.publish({ kind: 'token', id: 'tok-1' });
    await arrived;
    expect(seenByB).toEqual([{ kind: 'token', id: 'tok-1' }]);
    expect(seenByA).toEqual([]);
  });
});

describe('limits without Redis', () => {
  it('a closed port: every decision is local, none waits for Redis, and limits still hold per instance', async () => {
    const closedPort = await freePort();
    const l = await link(`redis://127.0.0.1:${closedPort}`, 50);
    const limits = limitsOn(l, uniquePrefix('down'), false, OUT_OF_REACH_MS);
    const t = token({ rpmLimit: 3 });
    const oks: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const d = await limits.admit(t, project);
      oks.push(d.ok);
      if (!d.ok) expect(d.fallback).toBe(true);
    }
    expect(oks).toEqual([true, true, true, false, false]);
    expect(outstanding(l)).toBe(0);
    expect(limits.counters.fallbacks).toBe(5);
  });

  it('a port that accepts but never answers (not ready): decisions are local and do not wait for it', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const port = (silent.address() as net.AddressInfo).port;
    const l = connectRedis({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 50, clock: systemClock, connectTimeoutMs: 200 });
    links.push(l);
    const limits = limitsOn(l, uniquePrefix('silent'), false, OUT_OF_REACH_MS);
    expect(l.decisions.status).not.toBe('ready');
    expect((await limits.admit(token({ rpmLimit: 2 }), project)).ok).toBe(true);
    expect(outstanding(l)).toBe(0);
    expect(limits.counters.fallbacks).toBe(1);
  });
});

describe.skipIf(!hasRedisServer())('a Redis that stalls (SIGSTOP)', () => {
  it('one decision waits for it; the others are decided locally while that probe is unanswered', async () => {
    const own = await startOwnRedis();
    onTestFinished(() => own.stop());
    const l = await link(own.url, 50);
    expect(l.state()).toBe('ready');
    const limits = limitsOn(l, uniquePrefix('stall'), false, 50);
    const t = token({ rpmLimit: 100 });
    expect((await limits.admit(t, project)).ok).toBe(true);
    own.pause();
    expect((await limits.admit(t, project)).ok).toBe(true); // the one that waited: its deadline passed
    const sent = (l.decisions as unknown as { commandQueue: { length: number } }).commandQueue.length;
    for (let i = 0; i < 10; i++) expect((await limits.admit(t, project)).ok).toBe(true);
    // Nothing more went to the stalled Redis: the ten were decided here.
    expect((l.decisions as unknown as { commandQueue: { length: number } }).commandQueue.length).toBe(sent);
    expect(limits.counters.fallbacks).toBe(11);
  });
});
