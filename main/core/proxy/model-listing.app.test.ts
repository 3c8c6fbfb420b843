// Issue 18: a scoped token can list the models it may use, through the official SDKs, against the real
// server and the mock provider (the only fake).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

let upstream: MockUpstream;
let t: TestApp;

beforeEach(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp();
});

afterEach(async () => {
  await t.close();
  await upstream.close();
});

let projects = 0;
async function newProject(project: Record<string, unknown> = {}): Promise<string> {
  const p = await t.manage('POST', '/manage/projects', { name: `p-${++projects}`, api_key: 'sk-upstream-aaaa1111', base_url: upstream.url, ...project });
  expect(p.status, JSON.stringify(p.json)).toBe(201);
  return (p.json as { id: string }).id;
}

async function tokenFor(allowedModels: string[] | undefined, project: Record<string, unknown> | string = {}): Promise<string> {
  const projectId = typeof project === 'string' ? project : await newProject(project);
  const res = await t.manage('POST', '/manage/tokens', {
    project_id: projectId,
    duration_minutes: 60,
    ...(allowedModels ? { allowed_models: allowedModels } : {}),
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return (res.json as { token: string }).token;
}

const openai = (token: string) => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: token, maxRetries: 0 });
const ids = async (client: OpenAI) => {
  const out: string[] = [];
  for await (const model of client.models.list()) out.push(model.id);
  return out;
};

describe('GET /v1/models for scoped tokens', () => {
  it('lists only the models the token may use (globs), and retrieves an allowed one', async () => {
    const client = openai(await tokenFor(['gpt-4o*']));
    expect(await ids(client)).toEqual(['gpt-4o-mini', 'gpt-4o']);
    const model = await client.models.retrieve('gpt-4o-mini');
    expect(model).toMatchObject({ id: 'gpt-4o-mini', object: 'model', owned_by: 'mock' });
  });

  it('answers 404 in the OpenAI shape for a model the token may not use, without asking the upstream', async () => {
    const client = openai(await tokenFor(['gpt-4o-mini']));
    const before = upstream.received.length;
    const err = await client.models.retrieve('o3-mini').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
    expect(upstream.received.length).toBe(before);
  });

  it('gives a token without allowed models the whole list, as the upstream sent it', async () => {
    expect(await ids(openai(await tokenFor(undefined)))).toEqual(['gpt-4o-mini', 'gpt-4o', 'o3-mini', 'text-embedding-3-small']);
  });

  it('answers the allowed names that are not globs when the upstream cannot list', async () => {
    upstream.listsModels = false;
    const client = openai(await tokenFor(['gpt-4o-mini', 'llama3*', 'qwen2.5:7b'], { provider: 'openai-compatible' }));
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models).toEqual([
      { id: 'gpt-4o-mini', object: 'model', created: 0, owned_by: 'llm-proxy' },
      { id: 'qwen2.5:7b', object: 'model', created: 0, owned_by: 'llm-proxy' },
    ]);
    // Only globs: nothing to answer for sure, so the upstream's 404 goes through.
    upstream.listsModels = false;
    await expect(openai(await tokenFor(['llama3*'])).models.list()).rejects.toMatchObject({ status: 404 });
  });

  it('never serves one token’s filtered list to another, even from a shared cache', async () => {
    upstream.extraHeaders = { 'cache-control': 'public, max-age=600' };
    const projectId = await newProject();
    const wide = await tokenFor(undefined, projectId);
    const scoped = await tokenFor(['o3*'], projectId);
    const wideList = () => fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${wide}` } });
    expect((await wideList()).headers.get('x-proxy-cache')).toBe('MISS');
    // The project shares answers between its tokens: the whole list is now stored for all of them.
    expect((await wideList()).headers.get('x-proxy-cache')).toBe('HIT');
    const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${scoped}` } });
    expect(res.headers.get('x-proxy-cache')).toBe('BYPASS');
    expect(((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['o3-mini']);
  });

  it('filters an Anthropic project’s list for the @anthropic-ai/sdk, asking for the whole catalogue in one page', async () => {
    const token = await tokenFor(['claude-haiku-*', 'claude-opus-4-1'], { provider: 'anthropic' });
    const client = new Anthropic({ baseURL: t.url, apiKey: token, maxRetries: 0 });
    const listed: string[] = [];
    for await (const model of client.models.list()) listed.push(model.id);
    expect(listed).toEqual(['claude-haiku-4-5', 'claude-opus-4-1']);
    expect(upstream.received.at(-1)!.url).toBe('/v1/models?limit=1000');
    expect((await client.models.retrieve('claude-opus-4-1')).id).toBe('claude-opus-4-1');
    await expect(client.models.retrieve('claude-sonnet-4-5')).rejects.toMatchObject({ status: 404 });
  });
});
