// One suite, two stores: the in-memory store and the Redis store (the real Redis at 127.0.0.1:6379, or
// a redis-server started for the run, each run under its own key prefix) must behave the same.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectRedis, type RedisLink } from '../redis/connection.ts';
import { findRedis, uniquePrefix } from '../redis/test-redis.ts';
import { ManualClock } from '../testing/test-app.ts';
import { baseKey, purgeMatcher, variantKey, varyIndexKey, type KeyParts, type PurgeSelector } from './keys.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import type { AnswerRecord, CacheStore } from './store.ts';

const P1 = '01900000-0000-7000-8000-000000000001';
const P2 = '01900000-0000-7000-8000-000000000002';
const T1 = '01900000-0000-7000-8000-0000000000a1';

const redis = await findRedis();

interface Harness {
  store: CacheStore;
  namespace: string;
}

const makers: { name: string; skip: string | null; make: () => Promise<Harness> }[] = [
  {
    name: 'memory',
    skip: null,
    make: async () => {
      const namespace = 'cache:';
      return { namespace, store: createMemoryStore({ maxBytes: 8 * 1024 * 1024, maxObjectBytes: 1024 * 1024, namespace, clock: new ManualClock() }) };
    },
  },
  {
    name: 'redis',
    skip: redis.reason,
    make: async () => {
      const namespace = `${uniquePrefix('cache')}cache:`;
      link ??= connectRedis({ url: redis.url!, commandTimeoutMs: 2000, clock: new ManualClock() });
      await link.settled(5000);
      return { namespace, store: createRedisStore({ client: link.client, namespace, ready: () => link!.state() === 'ready' }) };
    },
  },
];
let link: RedisLink | null = null;
afterAll(async () => {
  await link?.close();
});

function answer(body: string | Buffer, extra: Partial<AnswerRecord> = {}): AnswerRecord {
  return {
    kind: 'answer',
    status: 200,
    headers: { 'content-type': 'application/json', 'x-multi': ['a', 'b'] },
    policy: {
      v: 1,
      t: 1,
      sh: true,
      ch: 0,
      imm: 0,
      st: 200,
      resh: { 'cache-control': 'public, max-age=60' },
      rescc: { public: 'true', 'max-age': '60' },
      m: 'POST',
      a: true,
      reqh: null,
      reqcc: {},
    },
    storedAt: 1_700_000_000_000,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    ...extra,
  };
}

const parts = (over: Partial<KeyParts> = {}): KeyParts => ({
  projectId: P1,
  tokenId: null,
  method: 'POST',
  target: '/v1/embeddings',
  body: Buffer.from('{"input":"x"}'),
  headers: {},
  ...over,
});

for (const maker of makers) {
  describe.skipIf(maker.skip !== null)(`${maker.name} store${maker.skip ? ` (skipped: ${maker.skip})` : ''}`, () => {
    let h: Harness;
    const key = (over: Partial<KeyParts> = {}) => baseKey(h.namespace, parts(over));
    const purge = (selector: PurgeSelector) => {
      const m = purgeMatcher(h.namespace, selector);
      return h.store.purge(m.glob, m.matches);
    };

    beforeAll(async () => {
      h = await maker.make();
    });
    beforeEach(async () => {
      await purge({ all: true });
    });

    it('keeps an answer byte for byte (binary bodies, repeated headers, the policy)', async () => {
      const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0]);
      await h.store.set(key(), answer(bytes), 60_000);
      const [got, none] = await h.store.getMany([key(), key({ target: '/v1/other' })]);
      expect(none).toBeUndefined();
      expect(got).toMatchObject({ kind: 'answer', status: 200, headers: { 'x-multi': ['a', 'b'] }, storedAt: 1_700_000_000_000 });
      expect(Buffer.compare((got as AnswerRecord).body, bytes)).toBe(0);
      expect((got as AnswerRecord).policy.resh).toEqual({ 'cache-control': 'public, max-age=60' });
    });

    it('keeps Vary indexes apart from answers, and deletes', async () => {
      const base = key();
      const variant = variantKey(base, ['accept-language'], { 'accept-language': 'de' });
      await h.store.set(varyIndexKey(base), { kind: 'vary', fields: ['accept-language'] }, 60_000);
      await h.store.set(variant, answer('de'), 60_000);
      expect(await h.store.getMany([base, varyIndexKey(base), variant])).toMatchObject([
        undefined,
        { kind: 'vary', fields: ['accept-language'] },
        { kind: 'answer' },
      ]);
      await h.store.delete([variant]);
      expect((await h.store.getMany([variant]))[0]).toBeUndefined();
      expect((await h.store.usage()).entries).toBe(0);
    });

    it('counts what each purge would delete, deleting nothing', async () => {
      const keys = [
        key(),
        key({ body: Buffer.from('{"input":"y"}') }),
        key({ projectId: P2 }),
        key({ target: '/v1/chat/completions' }),
        key({ method: 'GET', target: '/v1/models', body: null }),
      ];
      for (const k of keys) await h.store.set(k, answer(k), 60_000);
      await h.store.set(varyIndexKey(keys[3]!), { kind: 'vary', fields: ['x'] }, 60_000);
      const count = (selector: PurgeSelector) => {
        const m = purgeMatcher(h.namespace, selector);
        return h.store.count(m.glob, m.matches);
      };
      const selectors: PurgeSelector[] = [
        { all: true },
        { projectId: P2 },
        { prefix: '/v1/chat' },
        { method: 'POST', url: '/v1/embeddings' },
        { method: 'POST', url: '/v1/embeddings', projectId: P1 },
      ];
      const expected = [5, 1, 1, 3, 2];
      for (const [i, selector] of selectors.entries()) expect(await count(selector), JSON.stringify(selector)).toBe(expected[i]);
      expect((await h.store.usage()).entries).toBe(5);
      // The count is what the purge then deletes.
      expect(await purge({ method: 'POST', url: '/v1/embeddings' })).toBe(3);
      expect(await count({ all: true })).toBe(2);
    });

    it('purges all, one project, a prefix, one method + URL, and nothing else; counts answers only', async () => {
      const keys = {
        emb1: key(),
        emb1b: key({ body: Buffer.from('{"input":"y"}') }),
        emb1token: key({ tokenId: T1 }),
        emb2: key({ projectId: P2 }),
        chat1: key({ target: '/v1/chat/completions' }),
        models1: key({ method: 'GET', target: '/v1/models?limit=2', body: null }),
        odd1: key({ method: 'GET', target: '/v1/models/a*b?[x]=1', body: null }),
      };
      const fill = async () => {
        for (const k of Object.values(keys)) await h.store.set(k, answer(k), 60_000);
        await h.store.set(varyIndexKey(keys.chat1), { kind: 'vary', fields: ['x'] }, 60_000);
      };
      const left = async () => {
        const got = await h.store.getMany(Object.values(keys));
        return Object.keys(keys).filter((_, i) => got[i] !== undefined);
      };

      await fill();
      expect(await purge({ method: 'POST', url: '/v1/embeddings' })).toBe(4);
      expect(await left()).toEqual(['chat1', 'models1', 'odd1']);

      await fill();
      expect(await purge({ method: 'POST', url: '/v1/embeddings', projectId: P2 })).toBe(1);
      expect(await left()).toEqual(['emb1', 'emb1b', 'emb1token', 'chat1', 'models1', 'odd1']);

      await fill();
      expect(await purge({ projectId: P2 })).toBe(1);
      expect(await left()).toEqual(['emb1', 'emb1b', 'emb1token', 'chat1', 'models1', 'odd1']);

      await fill();
      expect(await purge({ prefix: '/v1/models' })).toBe(2);
      expect(await left()).toEqual(['emb1', 'emb1b', 'emb1token', 'emb2', 'chat1']);

      await fill();
      // Glob characters in a URL are taken literally.
      expect(await purge({ method: 'GET', url: '/v1/models/a*b?[x]=1' })).toBe(1);
      expect(await purge({ method: 'GET', url: '/v1/models/a*' })).toBe(0);
      expect(await left()).toEqual(['emb1', 'emb1b', 'emb1token', 'emb2', 'chat1', 'models1']);

      await fill();
      expect(await purge({ projectId: P1, prefix: '/v1/chat' })).toBe(1);
      expect((await h.store.getMany([varyIndexKey(keys.chat1)]))[0]).toBeUndefined();

      await fill();
      expect(await purge({ all: true })).toBe(7);
      expect(await left()).toEqual([]);
      expect(await h.store.usage()).toMatchObject({ entries: 0 });
    });

    it('reports entries, bytes and the endpoints that hold them', async () => {
      await h.store.set(key(), answer('x'.repeat(1000)), 60_000);
      await h.store.set(key({ body: Buffer.from('2') }), answer('y'.repeat(1000)), 60_000);
      await h.store.set(key({ method: 'GET', target: '/v1/models?limit=1', body: null }), answer('z'), 60_000);
      await h.store.set(varyIndexKey(key({ target: '/v1/x' })), { kind: 'vary', fields: ['a'] }, 60_000);
      const usage = await h.store.usage();
      expect(usage.entries).toBe(3);
      expect(usage.bytes).toBeGreaterThan(2000);
      expect(usage.partial).toBe(false);
      expect(usage.endpoints.get('POST /v1/embeddings')).toMatchObject({ entries: 2 });
      expect(usage.endpoints.get('POST /v1/embeddings')!.bytes).toBeGreaterThan(2000);
      expect(usage.endpoints.get('GET /v1/models')).toMatchObject({ entries: 1 });
      expect(usage.endpoints.has('POST /v1/x')).toBe(false);
    });

    it('sees only its own namespace', async () => {
      const other = await maker.make();
      await h.store.set(key(), answer('mine'), 60_000);
      await other.store.set(baseKey(other.namespace, parts()), answer('theirs'), 60_000);
      const m = purgeMatcher(other.namespace, { all: true });
      expect(await other.store.purge(m.glob, m.matches)).toBe(1);
      expect((await h.store.getMany([key()]))[0]).toBeDefined();
    });
  });
}

describe('memory store budget', () => {
  it('never exceeds its byte budget under a flood of distinct entries', async () => {
    const maxBytes = 256 * 1024;
    const clock = new ManualClock();
    const store = createMemoryStore({ maxBytes, maxObjectBytes: 32 * 1024, namespace: 'cache:', clock });
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 3000; i++) {
      const size = Math.floor(random() * 30_000);
      await store.set(baseKey('cache:', parts({ body: Buffer.from(`request ${i}`) })), answer(Buffer.alloc(size, i % 256)), 60_000);
      if (i % 100 === 0) expect((await store.usage()).bytes).toBeLessThanOrEqual(maxBytes);
    }
    const usage = await store.usage();
    expect(usage.bytes).toBeLessThanOrEqual(maxBytes);
    expect(usage.entries).toBeGreaterThan(5);
    expect(usage.entries).toBeLessThan(3000);
    // The most recent entry is there; the first one was evicted.
    expect((await store.getMany([baseKey('cache:', parts({ body: Buffer.from('request 2999') }))]))[0]).toBeDefined();
    expect((await store.getMany([baseKey('cache:', parts({ body: Buffer.from('request 0') }))]))[0]).toBeUndefined();
  });

  it('drops records past their TTL on the app clock', async () => {
    const clock = new ManualClock();
    const store = createMemoryStore({ maxBytes: 1024 * 1024, maxObjectBytes: 1024, namespace: 'cache:', clock });
    await store.set('cache:k', answer('x'), 1000);
    clock.advance(999);
    expect((await store.getMany(['cache:k']))[0]).toBeDefined();
    clock.advance(2);
    expect((await store.getMany(['cache:k']))[0]).toBeUndefined();
  });
});
