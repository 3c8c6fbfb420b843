// The request log through the real app: chats sent with the openai SDK (and refused ones) are found by
// token, model, status and time over GET /manage/requests, paged, with metadata only.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

const UPSTREAM_KEY = 'sk-proj-upstream-secret-requests-7d2a';
const PROMPT = 'the-secret-prompt-text-91';
let upstream: MockUpstream;
let t: TestApp;
let project: { id: string };
let tokenA: { id: string; token: string };
let tokenB: { id: string; token: string };
let startedAt: string;

beforeAll(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
  project = (await t.manage('POST', '/manage/projects', { name: 'log', api_key: UPSTREAM_KEY, base_url: upstream.url, key_label: 'primary' })).json;
  tokenA = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60, name: 'a' })).json;
  tokenB = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 60, name: 'b' })).json;
  startedAt = new Date().toISOString();
  const a = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: tokenA.token, maxRetries: 0 });
  const b = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: tokenB.token, maxRetries: 0 });
  await a.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
  await a.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: PROMPT }] });
  const stream = await a.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: PROMPT }],
    stream: true,
    stream_options: { include_usage: true },
  });
  for await (const part of stream) void part;
  await b.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] });
  // Refused before any token is known: in the log too.
  const refused = await fetch(`${t.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer llmp_not-a-real-token', 'content-type': 'application/json' },
    body: '{}',
  });
  expect(refused.status).toBe(401);
});

afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

const list = async (query: string) => {
  const res = await t.manage('GET', `/manage/requests${query}`);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as { items: Record<string, unknown>[]; total: number; page: number; page_size: number };
};

describe('GET /manage/requests', () => {
  it("finds one token's calls, newest first, with usage, latency, cache and the key's label", async () => {
    const page = await list(`?token_id=${tokenA.id}`);
    expect(page.total).toBe(3);
    expect(page.items.map((i) => i.model)).toEqual(['gpt-4o-mini', 'gpt-4o', 'gpt-4o-mini']);
    expect(page.items.map((i) => i.streamed)).toEqual([true, false, false]);
    for (const item of page.items) {
      expect(item).toMatchObject({
        token_id: tokenA.id,
        project_id: project.id,
        method: 'POST',
        path: '/v1/chat/completions',
        status: 200,
        error_code: null,
        upstream_key: 'primary',
        attempts: 1,
      });
      expect(item.request_id).toEqual(expect.any(String));
      expect(Date.parse(item.time as string)).toBeGreaterThanOrEqual(Date.parse(startedAt));
      expect(item.latency_ms).toEqual(expect.any(Number));
      expect(['hit', 'miss', 'bypass', null]).toContain(item.cache);
      expect(item).toHaveProperty('cost_usd');
    }
    expect(page.items[2]).toMatchObject({ prompt_tokens: 11, completion_tokens: 5 });
    expect(page.items[0]).toMatchObject({ prompt_tokens: 9, completion_tokens: 3 });
  });

  it('holds refused requests, filtered by status code or class', async () => {
    const refused = await list('?status=401');
    expect(refused.total).toBe(1);
    expect(refused.items[0]).toMatchObject({ status: 401, token_id: null, project_id: null, error_code: expect.any(String), upstream_key: null, attempts: 0 });
    expect((await list('?status=2xx')).total).toBe(4);
    expect((await list('?status=4xx')).total).toBe(1);
  });

  it('filters by project, model and time, and pages', async () => {
    expect((await list(`?project_id=${project.id}`)).total).toBe(4);
    expect((await list(`?project_id=${project.id}&model=gpt-4o`)).items.map((i) => i.token_id)).toEqual([tokenA.id]);
    expect((await list(`?to=${encodeURIComponent(startedAt)}`)).total).toBe(0);
    expect((await list(`?from=${encodeURIComponent(startedAt)}`)).total).toBe(5);
    const first = await list('?page_size=2');
    const second = await list('?page_size=2&page=2');
    expect(first).toMatchObject({ total: 5, page: 1, page_size: 2 });
    expect(second.items).toHaveLength(2);
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(4);
  });

  it('answers the same over /manage/rpc', async () => {
    const res = await t.manage('POST', '/manage/rpc/requests.list', { token_id: tokenB.id });
    expect(res.status).toBe(200);
    expect(res.json.value.items.map((i: { token_id: string }) => i.token_id)).toEqual([tokenB.id]);
  });

  it('never holds a body, a prompt, a token or a key', async () => {
    const text = JSON.stringify(await list('?page_size=500'));
    for (const secret of [PROMPT, UPSTREAM_KEY, tokenA.token, tokenB.token, 'llmp_not-a-real-token']) expect(text).not.toContain(secret);
    expect(text).not.toContain('messages');
  });

  it('refuses bad filters with validation_failed', async () => {
    for (const query of ['?status=abc', '?status=9xx', '?token_id=nope', '?from=yesterday', '?page_size=0', '?colour=red']) {
      const res = await t.manage('GET', `/manage/requests${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json.code, query).toBe('validation_failed');
    }
  });
});
