// Rate limits through the real server (per-instance limits), driven by the openai SDK against the mock
// provider: 429s the SDK retries by itself, headers on every answer, tokens counted from streams,
// project defaults, concurrency, audit rows and the REST fields.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { freePort } from '../redis/test-redis.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

let upstream: MockUpstream;
let t: TestApp;

beforeEach(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
});

/** A one-second window, so the SDK's own retry can succeed without the test waiting a minute. */
async function restartWithShortWindow(): Promise<void> {
  await t.close();
  t = await startTestApp({ limitWindowSeconds: 1 });
}

afterEach(async () => {
  await t.close();
  await upstream.close();
});

async function project(extra: Record<string, unknown> = {}) {
  const res = await t.manage('POST', '/manage/projects', { name: `p-${Math.random()}`, api_key: 'sk-upstream-limits-1234', base_url: upstream.url, ...extra });
  expect(res.status).toBe(201);
  return res.json as { id: string; default_rpm_limit: number | null; shared_limit_key: string | null };
}

async function mint(projectId: string, extra: Record<string, unknown> = {}) {
  const res = await t.manage('POST', '/manage/tokens', { project_id: projectId, duration_minutes: 60, ...extra });
  expect(res.status).toBe(201);
  return res.json as { id: string; token: string; rpm_limit: number | null; tpm_limit: number | null; max_concurrent: number | null };
}

const chat = (openai: OpenAI) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
const client = (token: string, maxRetries = 0) => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token, maxRetries });

describe('rate limits through the proxy', () => {
  it('the openai SDK gets 429 with Retry-After, and its own retry succeeds once the window passes', async () => {
    await restartWithShortWindow();
    const p = await project();
    const { token } = await mint(p.id, { rpm_limit: 2 });
    const noRetry = client(token);
    const first = await chat(noRetry).withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+ms$|^1s$/);
    // Until refused (a slow machine may cross into the next one-second window on the way).
    let refused: unknown;
    for (let i = 0; i < 10 && !refused; i++)
      refused = await chat(noRetry).then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const err = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.code).toBe('rate_limited');
    expect(err.headers.get('retry-after')).toBe('1');
    expect(Number(err.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(err.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(err.headers.get('x-should-retry')).toBeNull();
    const forwarded = upstream.received.length;

    // Within the one-second window.
    expect(Number(err.headers.get('retry-after-ms'))).toBeLessThanOrEqual(1000);

    // Same window, SDK defaults: it reads retry-after-ms, waits, retries, and gets its answer. What the
    // SDK was answered, attempt by attempt: refused until the window passed, then the answer. A
    // Retry-After shorter than the window would show as more refusals than retries allowed.
    const statuses: number[] = [];
    const counting = new OpenAI({
      baseURL: `${t.url}/v1`,
      apiKey: token,
      maxRetries: 2,
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        statuses.push(res.status);
        return res;
      },
    });
    const retried = await chat(counting).withResponse();
    expect(retried.data.choices[0]?.message.content).toBe('Hello from the mock.');
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.slice(0, -1).every((s) => s === 429)).toBe(true);
    expect(upstream.received).toHaveLength(forwarded + 1);

    await t.app.flush();
    const audit = await t.manage('GET', '/manage/audit?action=proxy.refused');
    // The refusal above and each one the SDK retried after (none if a busy machine let the window pass).
    expect(audit.json.events.length).toBe(1 + statuses.filter((s) => s === 429).length);
    expect(audit.json.events[0].details).toMatchObject({ reason: 'rate_limited', limit: 'token_rpm' });
    const summary = await t.app.call('dashboard.summary', {});
    expect(summary.rate_limited_today).toBe(audit.json.events.length);
  });

  it('counts tokens per minute from streamed usage and refuses once the budget is spent', async () => {
    const p = await project();
    const { token } = await mint(p.id, { tpm_limit: 20 });
    const openai = client(token);
    const stream = async () => {
      const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
      for await (const part of s) void part;
    };
    await stream(); // 12 tokens (the mock's streamed usage)
    await stream(); // 24: admitted because 12 < 20 when it started
    const err = await stream().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const refused = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(refused.headers.get('x-ratelimit-limit-tokens')).toBe('20');
    expect(refused.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    expect(refused.message).toMatch(/20 tokens per minute/);
  });

  it('applies project defaults to tokens without their own limit; rpm_limit 0 opts out', async () => {
    const p = await project({ default_rpm_limit: 1 });
    expect(p.default_rpm_limit).toBe(1);
    const inherits = await mint(p.id);
    const optsOut = await mint(p.id, { rpm_limit: 0 });
    expect(inherits.rpm_limit).toBeNull();
    expect(optsOut.rpm_limit).toBe(0);
    await chat(client(inherits.token));
    expect(await chat(client(inherits.token)).catch((e: unknown) => (e as { status?: number }).status)).toBe(429);
    for (let i = 0; i < 3; i++) {
      const answer = await chat(client(optsOut.token)).withResponse();
      expect(answer.response.headers.get('x-ratelimit-limit-requests')).toBeNull();
    }
  });

  it('a shared limit is one budget for every token of the upstream key', async () => {
    const p = await project({ shared_rpm_limit: 2 });
    const a = await mint(p.id);
    const b = await mint(p.id);
    await chat(client(a.token));
    await chat(client(b.token));
    const err = await chat(client(a.token)).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/shared budget of 2 requests/);
  });

  it('max_concurrent refuses a second request while the first still streams', async () => {
    const p = await project();
    const { token } = await mint(p.id, { max_concurrent: 1 });
    let release!: () => void;
    upstream.holdStream = new Promise((resolve) => (release = resolve));
    const openai = client(token);
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // the first chunk arrived: the request is in flight
    const second = await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    release();
    while (!(await iterator.next()).done);
    upstream.holdStream = null;
    expect((await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('a spent quota is refused before the rate limit and takes nothing from it', async () => {
    const p = await project({ shared_rpm_limit: 2 });
    const spent = await mint(p.id, { max_requests: 1 });
    const other = await mint(p.id);
    await chat(client(spent.token));
    for (let i = 0; i < 3; i++) expect(await chat(client(spent.token)).catch((e: unknown) => (e as { code?: string }).code)).toBe('quota_exceeded');
    await chat(client(other.token));
  });
});

describe('limit fields in the management API', () => {
  it('creates, shows and changes them; refuses bad values', async () => {
    const p = await project({ default_rpm_limit: 60, default_tpm_limit: 20_000, shared_rpm_limit: 500, shared_limit_key: 'team-openai' });
    expect(p).toMatchObject({ default_rpm_limit: 60, shared_limit_key: 'team-openai' });
    const cleared = await t.manage('PATCH', `/manage/projects/${p.id}`, { shared_rpm_limit: 0, shared_limit_key: null });
    expect(cleared.json).toMatchObject({ shared_rpm_limit: null, shared_limit_key: null, default_tpm_limit: 20_000 });

    const token = await mint(p.id, { rpm_limit: 60, tpm_limit: 20_000, max_concurrent: 4 });
    expect(token).toMatchObject({ rpm_limit: 60, tpm_limit: 20_000, max_concurrent: 4 });
    const patched = await t.manage('PATCH', `/manage/tokens/${token.id}`, { rpm_limit: null, max_concurrent: 0 });
    expect(patched.json).toMatchObject({ rpm_limit: null, tpm_limit: 20_000, max_concurrent: null });

    for (const bad of [{ rpm_limit: -1 }, { tpm_limit: 1.5 }, { max_concurrent: 'x' }]) {
      const res = await t.manage('PATCH', `/manage/tokens/${token.id}`, bad);
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('validation_failed');
    }
    expect((await t.manage('PATCH', `/manage/projects/${p.id}`, { shared_limit_key: 'has space' })).status).toBe(400);

    await t.app.flush();
    const changes = await t.manage('GET', `/manage/audit?action=token.update&token_id=${token.id}`);
    expect(changes.json.events[0].details.changed).toEqual(expect.arrayContaining(['rpm_limit', 'max_concurrent']));
  });

  it('system.info reports Redis as off when no URL is set', async () => {
    const info = await t.app.call('system.info', {});
    expect(info.redis).toMatchObject({ configured: false, state: 'off', location: null, prefix: 'llmp:', fail_closed: false });
    const ready = await fetch(`${t.url}/ready`);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({ store: 'ok' });
  });
});

describe('a Redis URL that does not answer', () => {
  async function withUnreachableRedis(failClosed: boolean) {
    await t.close();
    const url = `redis://default:very-secret-password@127.0.0.1:${await freePort()}`;
    t = await startTestApp({ redisUrl: url, limitsFailClosed: failClosed });
    return url;
  }

  it('fail-open (default): serves with local limits, says so in /ready and system.info, one audit row, no password anywhere', async () => {
    await withUnreachableRedis(false);
    const p = await project();
    const { token } = await mint(p.id, { rpm_limit: 1 });
    await chat(client(token));
    const refused = (await chat(client(token)).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(refused.status).toBe(429);

    const ready = await fetch(`${t.url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({ store: 'ok', redis: 'unreachable' });
    const info = await t.app.call('system.info', {});
    expect(info.redis).toMatchObject({
      configured: true,
      state: 'unreachable',
      location: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      fail_closed: false,
      local_decisions: 2,
    });

    await t.app.flush();
    const audit = await t.manage('GET', '/manage/audit');
    const outages = audit.json.events.filter((e: { action: string }) => e.action === 'limits.redis_unreachable');
    expect(outages).toHaveLength(1);
    expect(audit.json.events.find((e: { action: string }) => e.action === 'proxy.refused').details).toMatchObject({ reason: 'rate_limited', fallback: true });
    for (const text of [JSON.stringify(info), JSON.stringify(audit.json), t.logs()]) expect(text).not.toContain('very-secret-password');
  });

  it('fail-closed: limited requests get 503 limits_unavailable, unlimited ones pass, /ready is 503', async () => {
    await withUnreachableRedis(true);
    const p = await project();
    const limited = await mint(p.id, { rpm_limit: 100 });
    const free = await mint(p.id);
    const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${limited.token}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('limits_unavailable');
    expect((await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${free.token}` } })).status).toBe(200);
    expect((await fetch(`${t.url}/ready`)).status).toBe(503);
  });
});
