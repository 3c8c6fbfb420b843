// The response cache through the whole server, driven the way users drive it: the openai SDK and plain
// HTTP against a mock provider, purges through REST, the contract and the CLI.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/test-support.ts';
import { findRedis, uniquePrefix } from '../redis/test-redis.ts';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { ManualClock, startTestApp, type TestApp } from '../testing/test-app.ts';

const OPT_IN = { 'cache-control': 'public, max-age=600' };
const EMBED = JSON.stringify({ model: 'text-embedding-3-small', input: 'the same words', encoding_format: 'float' });
const CHAT = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
const STREAM = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });

let upstream: MockUpstream;
let t: TestApp;
let clock: ManualClock;

async function start(overrides: Parameters<typeof startTestApp>[0] = {}) {
  upstream = await startMockUpstream();
  clock = new ManualClock();
  t = await startTestApp({ clock, ...overrides });
}
afterEach(async () => {
  await t?.close();
  await upstream?.close();
});

async function project(name: string, extra: Record<string, unknown> = {}) {
  const res = await t.manage('POST', '/manage/projects', { name, api_key: `sk-${name}-key-0000`, base_url: upstream.url, ...extra });
  expect(res.status).toBe(201);
  return res.json as { id: string };
}

async function mint(projectId: string, extra: Record<string, unknown> = {}) {
  const res = await t.manage('POST', '/manage/tokens', { project_id: projectId, duration_minutes: 60, ...extra });
  expect(res.status).toBe(201);
  return res.json as { id: string; token: string };
}

async function send(token: string, opts: { path?: string; body?: string; method?: string; headers?: Record<string, string> } = {}) {
  const method = opts.method ?? (opts.body === undefined && opts.path ? 'GET' : 'POST');
  const res = await fetch(`${t.url}${opts.path ?? '/v1/embeddings'}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'POST' && { 'content-type': 'application/json' }), ...opts.headers },
    body: method === 'POST' ? (opts.body ?? EMBED) : undefined,
  });
  return { status: res.status, headers: res.headers, text: await res.text(), cache: res.headers.get('x-proxy-cache') };
}

const calls = (path: string) => upstream.received.filter((r) => r.url.split('?')[0] === path).length;

describe('answers from the cache', () => {
  beforeEach(() => start());

  it('serves a repeated embeddings request (openai SDK, opt-in) without the upstream, and never to another project', async () => {
    const a = await project('alpha');
    const b = await project('beta');
    const tokenA = await mint(a.id, { max_requests: 100 });
    const tokenB = await mint(b.id);
    const sdk = (token: string) => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token, maxRetries: 0, defaultHeaders: OPT_IN });
    const request = { model: 'text-embedding-3-small', input: 'the same words' };

    const first = await sdk(tokenA.token).embeddings.create(request).withResponse();
    const second = await sdk(tokenA.token).embeddings.create(request).withResponse();
    expect(calls('/v1/embeddings')).toBe(1);
    expect(second.data).toEqual(first.data);
    expect(first.response.headers.get('x-proxy-cache')).toBe('MISS');
    expect(first.response.headers.get('cache-status')).toBe('llm-proxy; fwd=miss');
    expect(second.response.headers.get('x-proxy-cache')).toBe('HIT');
    expect(second.response.headers.get('cache-status')).toMatch(/^llm-proxy; hit; ttl=(600|599)$/);
    expect(second.response.headers.get('age')).toBe('0');
    expect(second.response.headers.get('x-request-id')).not.toBe(first.response.headers.get('x-request-id'));

    const other = await sdk(tokenB.token).embeddings.create(request).withResponse();
    expect(other.response.headers.get('x-proxy-cache')).toBe('MISS');
    expect(calls('/v1/embeddings')).toBe(2);

    // Without the opt-in (and no default TTL) a POST is not cached at all.
    const plain = await send(tokenA.token);
    expect(plain.cache).toBe('BYPASS');
    expect(plain.headers.get('cache-status')).toBe('llm-proxy; fwd=bypass; detail=not-opted-in');
    expect(calls('/v1/embeddings')).toBe(3);

    await t.app.flush();
    const view = (await t.manage('GET', `/manage/tokens/${tokenA.id}`)).json;
    expect(view).toMatchObject({ request_count: 2, cache_hit_count: 1 });
  });

  it('takes nothing from max_requests or the rate limits on a hit', async () => {
    const p = await project('alpha');
    const quota = await mint(p.id, { max_requests: 2 });
    expect((await send(quota.token, { headers: OPT_IN })).cache).toBe('MISS');
    for (let i = 0; i < 3; i++) expect((await send(quota.token, { headers: OPT_IN })).cache).toBe('HIT');
    expect((await send(quota.token, { headers: OPT_IN, body: CHAT, path: '/v1/chat/completions' })).status).toBe(200);
    expect((await send(quota.token, { headers: OPT_IN, body: JSON.stringify({ model: 'm', input: 'new' }) })).status).toBe(429);

    const limited = await mint(p.id, { rpm_limit: 1 });
    expect((await send(limited.token, { headers: { 'cache-control': 'public, max-age=60' }, body: JSON.stringify({ model: 'm', input: 'rpm' }) })).cache).toBe(
      'MISS',
    );
    for (let i = 0; i < 3; i++)
      expect(
        (await send(limited.token, { headers: { 'cache-control': 'public, max-age=60' }, body: JSON.stringify({ model: 'm', input: 'rpm' }) })).cache,
      ).toBe('HIT');
    const refused = await send(limited.token, { headers: OPT_IN, body: JSON.stringify({ model: 'm', input: 'other' }) });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error.code).toBe('rate_limited');
  });

  it("shares answers between a project's tokens unless the project says otherwise", async () => {
    const shared = await project('shared');
    const s1 = await mint(shared.id);
    const s2 = await mint(shared.id);
    expect((await send(s1.token, { headers: OPT_IN })).cache).toBe('MISS');
    expect((await send(s2.token, { headers: OPT_IN })).cache).toBe('HIT');

    const own = await project('own', { cache_shared_across_tokens: false });
    expect((await t.manage('GET', `/manage/projects/${own.id}`)).json).toMatchObject({ cache_shared_across_tokens: false, cache_default_ttl_seconds: null });
    const o1 = await mint(own.id);
    const o2 = await mint(own.id);
    expect((await send(o1.token, { headers: OPT_IN })).cache).toBe('MISS');
    expect((await send(o2.token, { headers: OPT_IN })).cache).toBe('MISS');
    expect((await send(o1.token, { headers: OPT_IN })).cache).toBe('HIT');
  });

  it("caches POST answers for a project's default TTL without an opt-in", async () => {
    const p = await project('defaults', { cache_default_ttl_seconds: 30 });
    const { token } = await mint(p.id);
    expect((await send(token)).cache).toBe('MISS');
    const again = await send(token);
    expect(again.cache).toBe('HIT');
    expect(again.headers.get('cache-status')).toBe('llm-proxy; hit; ttl=30');
    clock.advance(31_000);
    expect((await send(token)).headers.get('cache-status')).toBe('llm-proxy; fwd=miss');
    // The client can always ask for a fresh answer, or for none to be kept.
    expect((await send(token, { headers: { 'cache-control': 'no-cache' } })).headers.get('cache-status')).toBe('llm-proxy; fwd=request');
    expect((await send(token, { headers: { 'cache-control': 'no-store' } })).cache).toBe('BYPASS');
  });

  it("honours the upstream's Cache-Control: max-age on GET, no-store and private never stored", async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    upstream.extraHeaders = { 'cache-control': 'max-age=60' };
    expect((await send(token, { path: '/v1/models' })).cache).toBe('MISS');
    expect((await send(token, { path: '/v1/models' })).cache).toBe('HIT');
    expect(calls('/v1/models')).toBe(1);
    clock.advance(61_000);
    expect((await send(token, { path: '/v1/models' })).cache).toBe('MISS');

    for (const directive of ['no-store', 'private, max-age=60']) {
      upstream.extraHeaders = { 'cache-control': directive };
      const body = JSON.stringify({ model: 'm', input: directive });
      expect((await send(token, { headers: OPT_IN, body })).cache).toBe('MISS');
      expect((await send(token, { headers: OPT_IN, body })).cache).toBe('MISS');
    }
    // The upstream's own shorter freshness wins over the client's opt-in.
    upstream.extraHeaders = { 'cache-control': 's-maxage=5' };
    expect((await send(token, { headers: OPT_IN, body: CHAT, path: '/v1/chat/completions' })).cache).toBe('MISS');
    expect((await send(token, { headers: OPT_IN, body: CHAT, path: '/v1/chat/completions' })).headers.get('cache-status')).toBe('llm-proxy; hit; ttl=5');
  });

  it("lets an opted-in POST (or a project's default TTL) set the TTL over the upstream's no-cache and max-age=0; GET stays strict", async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    for (const directive of ['no-cache', 'max-age=0', 'no-cache, must-revalidate']) {
      upstream.extraHeaders = { 'cache-control': directive };
      const body = JSON.stringify({ model: 'm', input: directive });
      expect((await send(token, { headers: { 'cache-control': 'public, max-age=60' }, body })).cache).toBe('MISS');
      const again = await send(token, { headers: { 'cache-control': 'public, max-age=60' }, body });
      expect(again.cache, directive).toBe('HIT');
      expect(again.headers.get('cache-status')).toBe('llm-proxy; hit; ttl=60');
    }
    expect(calls('/v1/embeddings')).toBe(3);

    const withDefault = await project('beta', { cache_default_ttl_seconds: 120 });
    const other = await mint(withDefault.id);
    upstream.extraHeaders = { 'cache-control': 'no-cache' };
    expect((await send(other.token)).cache).toBe('MISS');
    expect((await send(other.token)).headers.get('cache-status')).toBe('llm-proxy; hit; ttl=120');

    // GET follows RFC 9111: the upstream's no-cache means ask again every time, default TTL or not.
    expect((await send(other.token, { path: '/v1/models' })).cache).toBe('MISS');
    expect((await send(other.token, { path: '/v1/models' })).cache).toBe('MISS');
    expect(calls('/v1/models')).toBe(2);
  });

  it('does not serve an answer that varies on a header to a request with another value of it', async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    upstream.extraHeaders = { vary: 'Accept-Language' };
    const lang = (value: string) => ({ ...OPT_IN, 'accept-language': value });
    expect((await send(token, { headers: lang('de') })).cache).toBe('MISS');
    expect((await send(token, { headers: lang('de') })).cache).toBe('HIT');
    expect((await send(token, { headers: lang('en') })).cache).toBe('MISS');
    expect((await send(token, { headers: OPT_IN })).cache).toBe('MISS');
    expect(calls('/v1/embeddings')).toBe(3);
    // Each variant is kept: both are answered from the cache now.
    expect((await send(token, { headers: lang('en') })).cache).toBe('HIT');
    expect((await send(token, { headers: lang('de') })).cache).toBe('HIT');
    expect(calls('/v1/embeddings')).toBe(3);
  });

  it('answers a matching If-None-Match from the cache with 304', async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    upstream.extraHeaders = { etag: 'W/"v1"' };
    await send(token, { headers: OPT_IN });
    const revalidated = await send(token, { headers: { ...OPT_IN, 'if-none-match': '"v1"' } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.cache).toBe('HIT');
    expect(revalidated.text).toBe('');
  });
});

describe('streams', () => {
  beforeEach(() => start());

  it('replays a completed stream byte for byte, and the SDK reads the replay', async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    const first = await send(token, { path: '/v1/chat/completions', body: STREAM, headers: OPT_IN });
    expect(first.cache).toBe('MISS');
    expect(first.text).toMatch(/data: \[DONE\]\n\n$/);
    const second = await send(token, { path: '/v1/chat/completions', body: STREAM, headers: OPT_IN });
    expect(second.cache).toBe('HIT');
    expect(second.headers.get('content-type')).toBe('text/event-stream');
    expect(second.text).toBe(first.text);
    expect(calls('/v1/chat/completions')).toBe(1);

    const sdk = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token, maxRetries: 0, defaultHeaders: OPT_IN });
    const stream = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the mock.');
    expect(calls('/v1/chat/completions')).toBe(1);
  });

  it('never stores a stream the client aborted', async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    let release!: () => void;
    upstream.holdStream = new Promise((resolve) => (release = resolve));
    const controller = new AbortController();
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...OPT_IN },
      body: STREAM,
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    const upstreamSawAbort = upstream.nextClientAbort();
    controller.abort();
    await upstreamSawAbort;
    release();
    upstream.holdStream = null;
    // The proxy logs each exchange after deciding whether to store it.
    await vi.waitFor(() => expect(t.logs()).toMatch(/"aborted":true[^\n]*"proxied"|"proxied"[^\n]*"aborted":true/), { timeout: 5000, interval: 5 });
    expect((await send(token, { path: '/v1/chat/completions', body: STREAM, headers: OPT_IN })).cache).toBe('MISS');
    expect(calls('/v1/chat/completions')).toBe(2);
  });
});

describe('object size cap', () => {
  beforeEach(() => start({ cacheMaxObjectBytes: 100 }));

  it('passes an answer over the cap through without storing it', async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    const big = await send(token, { headers: OPT_IN, path: '/v1/chat/completions', body: CHAT });
    expect(big.text.length).toBeGreaterThan(100);
    expect(big.cache).toBe('MISS');
    expect((await send(token, { headers: OPT_IN, path: '/v1/chat/completions', body: CHAT })).cache).toBe('MISS');
    expect(calls('/v1/chat/completions')).toBe(2);
  });
});

describe('purge and stats', () => {
  beforeEach(() => start());

  /**
   * Two projects, each with an embeddings and a chat answer cached. `cached()` lists what answers from
   * the cache, and by asking re-stores what was missing, so every check starts again from all four.
   */
  async function fill() {
    const a = await project('a');
    const b = await project('b');
    const ta = await mint(a.id);
    const tb = await mint(b.id);
    const cached = async () => {
      const out: string[] = [];
      for (const [name, token] of [
        ['a', ta.token],
        ['b', tb.token],
      ] as const) {
        if ((await send(token, { headers: OPT_IN })).cache === 'HIT') out.push(`${name} embeddings`);
        if ((await send(token, { headers: OPT_IN, path: '/v1/chat/completions', body: CHAT })).cache === 'HIT') out.push(`${name} chat`);
      }
      return out;
    };
    expect(await cached()).toEqual([]);
    expect(await cached()).toEqual(['a embeddings', 'a chat', 'b embeddings', 'b chat']);
    return { a, b, cached };
  }

  it('purges from REST by project, method + URL, prefix and all, and nothing else; each purge is audited', async () => {
    const { a, cached } = await fill();
    const purge = (body: unknown) => t.manage('POST', '/manage/cache/purge', body);
    expect((await purge({ project_id: a.id })).json).toEqual({ deleted: 2 });
    expect(await cached()).toEqual(['b embeddings', 'b chat']);

    expect((await purge({ method: 'post', url: `${t.url}/v1/embeddings` })).json).toEqual({ deleted: 2 });
    expect(await cached()).toEqual(['a chat', 'b chat']);

    expect((await purge({ prefix: '/v1/chat' })).json).toEqual({ deleted: 2 });
    expect(await cached()).toEqual(['a embeddings', 'b embeddings']);

    expect((await purge({ all: true })).json).toEqual({ deleted: 4 });
    expect((await t.manage('GET', '/manage/cache/stats')).json.entries).toBe(0);

    const audit = (await t.manage('GET', '/manage/audit?action=cache.purge')).json.events as {
      actor: string;
      project_id: string | null;
      details: Record<string, unknown>;
    }[];
    // One clock tick for all of them (the test's clock stands still): compare without the order.
    const byScope = (x: { scope?: unknown }, y: { scope?: unknown }) => String(x.scope).localeCompare(String(y.scope));
    expect(audit.map((e) => e.details).sort(byScope)).toEqual(
      [
        { scope: 'project', project_id: a.id, deleted: 2 },
        { scope: 'url', method: 'POST', url: '/v1/embeddings', deleted: 2 },
        { scope: 'prefix', prefix: '/v1/chat', deleted: 2 },
        { scope: 'all', deleted: 4 },
      ].sort(byScope),
    );
    expect(audit.find((e) => e.details.scope === 'project')).toMatchObject({ actor: 'management', project_id: a.id });
  });

  it('refuses a purge that says nothing, half of method + URL, or an unknown project', async () => {
    for (const body of [
      {},
      { method: 'POST' },
      { url: '/v1/x' },
      { all: false },
      { all: true, prefix: '/v1' },
      { prefix: 'v1' },
      { method: 'DELETE', url: '/v1/x' },
    ]) {
      const res = await t.manage('POST', '/manage/cache/purge', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe('validation_failed');
    }
    const unknown = await t.manage('POST', '/manage/cache/purge', { project_id: '01900000-0000-7000-8000-00000000dead' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('project_not_found');
  });

  it('purges through the contract (desktop) and the CLI, audited with their actor', async () => {
    const { b, cached } = await fill();
    expect(await t.app.call('cache.purge', { project_id: b.id, prefix: '/v1/embeddings' })).toEqual({ deleted: 1 });
    expect(await cached()).toEqual(['a embeddings', 'a chat', 'b chat']);

    const cli = await run(['cache', 'purge', '--method', 'POST', '--url', '/v1/chat/completions', '--server', t.url, '--management-token', t.managementToken]);
    expect(cli).toMatchObject({ code: 0, stdout: 'Purged 2 cached answers (POST /v1/chat/completions).\n' });
    expect(await cached()).toEqual(['a embeddings', 'b embeddings']);

    const audit = (await t.manage('GET', '/manage/audit?action=cache.purge')).json.events as { actor: string; details: Record<string, unknown> }[];
    expect(audit.map((e) => [e.actor, e.details.deleted]).sort()).toEqual([
      ['desktop', 1],
      ['management', 2],
    ]);
  });

  it('reports entries, bytes, hit rate and the endpoints with the most answers', async () => {
    const p = await project('alpha');
    const { token } = await mint(p.id);
    await send(token, { headers: OPT_IN });
    await send(token, { headers: OPT_IN });
    await send(token, { headers: OPT_IN, body: JSON.stringify({ model: 'm', input: 'two' }) });
    await send(token);
    const stats = (await t.manage('GET', '/manage/cache/stats')).json;
    expect(stats).toMatchObject({ store: 'memory', entries: 2, hits: 1, misses: 2, bypasses: 1, stored: 2, max_bytes: 64 * 1024 * 1024, partial: false });
    expect(stats.hit_rate).toBeCloseTo(1 / 3);
    expect(stats.bytes).toBeGreaterThan(0);
    expect(stats.top_endpoints).toEqual([{ method: 'POST', path: '/v1/embeddings', entries: 2, bytes: expect.any(Number), hits: 1 }]);
    expect(await t.app.call('cache.stats', {})).toMatchObject({ entries: 2 });
  });
});

const redis = await findRedis();

describe.skipIf(redis.url === null)(`with Redis${redis.reason ? ` (skipped: ${redis.reason})` : ''}`, () => {
  it('two instances on one Redis share answers; a purge on one empties both', async () => {
    const prefix = uniquePrefix('cache-app');
    await start({ redisUrl: redis.url!, redisPrefix: prefix });
    // A second instance on its own data folder, the same Redis and prefix; project ids differ per
    // database, so it shares answers only under the same project id: one data folder, two servers.
    const second = await startTestApp({ clock, redisUrl: redis.url!, redisPrefix: prefix, dataDir: t.dataDir });
    try {
      const p = await project('alpha');
      const { token } = await mint(p.id);
      expect((await send(token, { headers: OPT_IN })).cache).toBe('MISS');
      const viaSecond = await fetch(`${second.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...OPT_IN },
        body: EMBED,
      });
      await viaSecond.arrayBuffer();
      expect(viaSecond.headers.get('x-proxy-cache')).toBe('HIT');
      expect(calls('/v1/embeddings')).toBe(1);
      expect((await second.manage('GET', '/manage/cache/stats')).json).toMatchObject({ store: 'redis', entries: 1, max_bytes: null });
      expect((await second.manage('POST', '/manage/cache/purge', { all: true })).json).toEqual({ deleted: 1 });
      expect((await send(token, { headers: OPT_IN })).cache).toBe('MISS');
    } finally {
      await second.close();
    }
  });
});
