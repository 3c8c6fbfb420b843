// Issue 10 end to end: each provider through its official SDK, several keys per project with weights,
// failover and cool-down, keys changed without a restart, and the project's transformations — the real
// server, real SDKs, and the mock provider as the only fake.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { ManualClock, startTestApp, type TestApp } from '../testing/test-app.ts';

const KEY_A = 'sk-upstream-key-a-aaaa1111';
const KEY_B = 'sk-upstream-key-b-bbbb2222';

let upstream: MockUpstream;
let t: TestApp;
let clock: ManualClock;
let eventLog: string;

beforeEach(async () => {
  upstream = await startMockUpstream();
  clock = new ManualClock();
  eventLog = path.join(os.tmpdir(), `llmp-keys-events-${process.pid}-${Date.now()}.jsonl`);
  t = await startTestApp({ clock, keyCooldownSeconds: 30, eventLog });
});

/** The request events the JSONL dispatcher wrote so far. */
function eventsLogged(): Record<string, unknown>[] {
  return fs.existsSync(eventLog)
    ? fs
        .readFileSync(eventLog, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    : [];
}

afterEach(async () => {
  await t.close();
  await upstream.close();
  fs.rmSync(eventLog, { force: true });
});

async function project(body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await t.manage('POST', '/manage/projects', { name: 'p', api_key: KEY_A, base_url: upstream.url, ...body });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string };
}

async function token(projectId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.manage('POST', '/manage/tokens', { project_id: projectId, duration_minutes: 60, ...extra });
  expect(res.status).toBe(201);
  return (res.json as { token: string }).token;
}

async function addKey(projectId: string, label: string, apiKey: string, weight = 1): Promise<{ id: string }> {
  // Keys are ordered by creation time: a later key comes after the project's first one.
  clock.advance(1);
  const res = await t.manage('POST', `/manage/projects/${projectId}/keys`, { label, api_key: apiKey, weight });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string };
}

async function keys(projectId: string): Promise<Record<string, unknown>[]> {
  const res = await t.manage('GET', `/manage/projects/${projectId}/keys`);
  expect(res.status).toBe(200);
  return res.json as Record<string, unknown>[];
}

const openai = (tokenValue: string) => new OpenAI({ baseURL: `${t.url}/v1`, apiKey: tokenValue, maxRetries: 0 });
const chat = (client: OpenAI, extra: Record<string, unknown> = {}) =>
  client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);

describe('providers through their official SDKs', () => {
  it('Anthropic: the @anthropic-ai/sdk (token as Bearer) and raw clients (token as x-api-key) both work; the project key goes upstream as x-api-key; usage counts', async () => {
    const p = await project({ provider: 'anthropic' });
    const tokenValue = await token(p.id);
    const client = new Anthropic({ baseURL: t.url, apiKey: tokenValue, maxRetries: 0 });

    const message = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from the mock.' });

    const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    stream.on('text', (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe('Hello from the mock.');
    expect(final.usage.output_tokens).toBeGreaterThan(0);

    expect(upstream.received).toHaveLength(2);
    for (const seen of upstream.received.slice(0, 2)) {
      expect(seen.url).toBe('/v1/messages');
      expect(seen.headers['x-api-key']).toBe(KEY_A);
      // The SDK's own version is passed on.
      expect(seen.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(seen.headers.authorization).toBeUndefined();
      expect(JSON.stringify(seen.headers)).not.toContain(tokenValue);
    }
    // A client that sends no anthropic-version gets the one the API requires.
    const bare = await fetch(`${t.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': tokenValue, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(bare.status).toBe(200);
    expect(upstream.received.at(-1)!.headers['anthropic-version']).toBe('2023-06-01');
    // An OpenAI path is not on Anthropic's list.
    const refused = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-api-key': tokenValue, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);

    await t.app.flush();
    await expect
      .poll(async () => ((await t.manage('GET', `/manage/tokens`)).json as { prompt_tokens?: number }[])[0]?.prompt_tokens ?? 0)
      .toBeGreaterThanOrEqual(22);
  });

  it('Azure-style: the key travels in api-key; OpenAI-compatible: as a Bearer; both need a base URL', async () => {
    const missing = await t.manage('POST', '/manage/projects', { name: 'no-url', api_key: KEY_A, provider: 'azure' });
    expect(missing.status).toBe(400);
    expect((missing.json as { code: string }).code).toBe('validation_failed');

    const azure = await project({ name: 'azure', provider: 'azure' });
    await chat(openai(await token(azure.id)));
    expect(upstream.received.at(-1)!.headers['api-key']).toBe(KEY_A);
    expect(upstream.received.at(-1)!.headers.authorization).toBeUndefined();

    const local = await project({ name: 'ollama', provider: 'openai-compatible', api_key: KEY_B });
    const stream = await openai(await token(local.id)).chat.completions.create({ model: 'llama3', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the mock.');
    const seen = upstream.received.at(-1)!;
    expect(seen.headers.authorization).toBe(`Bearer ${KEY_B}`);
    expect(JSON.parse(seen.body).stream_options).toEqual({ include_usage: true });
  });
});

describe('several keys per project', () => {
  it('spreads requests by weight', async () => {
    const p = await project({});
    await addKey(p.id, 'b', KEY_B, 3);
    const client = openai(await token(p.id));
    for (let i = 0; i < 200; i++) await chat(client);
    expect(upstream.countByKey(KEY_A)).toBeGreaterThanOrEqual(45);
    expect(upstream.countByKey(KEY_A)).toBeLessThanOrEqual(55);
    expect(upstream.countByKey(KEY_B)).toBe(200 - upstream.countByKey(KEY_A));
  });

  it('retries once on another key, benches the failing key for its cool-down, and brings it back after', async () => {
    const p = await project({});
    await addKey(p.id, 'b', KEY_B);
    const client = openai(await token(p.id));
    upstream.keyBehaviour[KEY_A] = 500;

    // Both keys get asked in turn at first: whichever request reaches A first is retried on B.
    for (let i = 0; i < 4; i++) expect((await chat(client)).choices[0]?.message.content).toBe('Hello from the mock.');
    expect(upstream.countByKey(KEY_A)).toBe(1);
    expect(upstream.countByKey(KEY_B)).toBe(4);
    const listed = await keys(p.id);
    const a = listed.find((k) => k.label === 'default')!;
    expect(a).toMatchObject({ health: 'cooling_down', key: expect.stringMatching(/…1111$/) });
    expect(JSON.stringify(listed)).not.toContain(KEY_A);

    // After the cool-down A is asked again (and, healthy now, answers).
    delete upstream.keyBehaviour[KEY_A];
    clock.advance(31_000);
    for (let i = 0; i < 4; i++) await chat(client);
    expect(upstream.countByKey(KEY_A)).toBeGreaterThanOrEqual(2);
    await expect
      .poll(async () => (await keys(p.id)).find((k) => k.label === 'default'))
      .toMatchObject({ health: 'healthy', failure_count: 1, last_error: 'status_500' });
  });

  it('a streamed request whose first key answers 429 reaches the client once, from the second key', async () => {
    const p = await project({});
    const b = await addKey(p.id, 'b', KEY_B);
    upstream.keyBehaviour[KEY_A] = 429;
    const client = openai(await token(p.id));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the mock.');
    expect(upstream.countByKey(KEY_A)).toBe(1);
    expect(upstream.countByKey(KEY_B)).toBe(1);
    const metrics = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.managementToken}` } });
    expect(await metrics.text()).toContain(`llm_proxy_upstream_failovers_total{project="${p.id}"} 1`);
    // Its one event names the key that answered and the failover.
    await t.app.flush();
    await expect
      .poll(() => eventsLogged().filter((e) => e.path === '/v1/chat/completions'))
      .toEqual([expect.objectContaining({ status: 200, streamed: true, attempts: 2, upstream_key_id: b.id, prompt_tokens: 9, completion_tokens: 3 })]);
  });

  it('a failure after the stream began is not retried: the client sees it, the upstream is asked once', async () => {
    const p = await project({});
    await addKey(p.id, 'b', KEY_B);
    const client = openai(await token(p.id));
    let release!: () => void;
    upstream.holdStream = new Promise((resolve) => (release = resolve));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await upstream.close(); // the provider goes away mid-stream
    release();
    await expect(
      (async () => {
        for (;;) if ((await iterator.next()).done) return;
      })(),
    ).rejects.toThrow();
    expect(upstream.countByKey(KEY_A) + upstream.countByKey(KEY_B)).toBe(1);
  });

  it('with one key, its 401 reaches the client as it is (no other key to try)', async () => {
    const p = await project({});
    upstream.keyBehaviour[KEY_A] = 401;
    await expect(chat(openai(await token(p.id)))).rejects.toMatchObject({ status: 401 });
    expect(upstream.countByKey(KEY_A)).toBe(1);
  });

  it('keys are disabled, added and removed without a restart; the last enabled key cannot be disabled or removed', async () => {
    const p = await project({});
    const client = openai(await token(p.id));
    const [first] = await keys(p.id);
    const b = await addKey(p.id, 'b', KEY_B);
    expect((await t.manage('PATCH', `/manage/projects/${p.id}/keys/${first!.id as string}`, { is_enabled: false })).status).toBe(200);
    for (let i = 0; i < 3; i++) await chat(client);
    expect(upstream.countByKey(KEY_A)).toBe(0);
    expect(upstream.countByKey(KEY_B)).toBe(3);

    const disableLast = await t.manage('PATCH', `/manage/projects/${p.id}/keys/${b.id}`, { is_enabled: false });
    expect(disableLast.status).toBe(409);
    expect((disableLast.json as { code: string }).code).toBe('last_upstream_key');

    expect((await t.manage('PATCH', `/manage/projects/${p.id}/keys/${first!.id as string}`, { is_enabled: true })).status).toBe(200);
    const removed = await t.manage('DELETE', `/manage/projects/${p.id}/keys/${b.id}`);
    expect(removed.status).toBe(204);
    for (let i = 0; i < 2; i++) await chat(client);
    expect(upstream.countByKey(KEY_A)).toBe(2);
    expect(upstream.countByKey(KEY_B)).toBe(3);
    const last = await t.manage('DELETE', `/manage/projects/${p.id}/keys/${first!.id as string}`);
    expect(last.status).toBe(409);
    expect((last.json as { code: string }).code).toBe('last_upstream_key');
  });
});

describe('a project whose keys were all disabled elsewhere', () => {
  it('answers 503 no_upstream_key, audited, and takes nothing from the quota', async () => {
    const p = await project({});
    const client = openai(await token(p.id, { max_requests: 5 }));
    await chat(client);
    // Another instance (or a hand edit) disabled every key; this one sees it once its cache expires.
    const db = new Database(path.join(t.dataDir, 'llm-proxy.db'));
    db.prepare('UPDATE upstream_keys SET is_enabled = 0 WHERE project_id = ?').run(p.id);
    db.close();
    clock.advance(2_000);
    await expect(chat(client)).rejects.toMatchObject({ status: 503, code: 'no_upstream_key' });
    await t.app.flush();
    const audit = await t.manage('GET', `/manage/audit?action=proxy.refused`);
    expect(JSON.stringify(audit.json)).toContain('no_upstream_key');
    const tokens = (await t.manage('GET', `/manage/tokens?project_id=${p.id}`)).json as { request_count: number }[];
    expect(tokens[0]!.request_count).toBe(1);
  });
});

describe('transformations', () => {
  it('aliases, default model, max-tokens ceiling, system prompt prefix and header rules reach the upstream; the token list checks the real model', async () => {
    const p = await project({
      transformations: {
        default_model: 'gpt-4o-mini',
        model_aliases: { fast: 'gpt-4o-mini', smart: 'gpt-4o' },
        max_tokens_ceiling: 100,
        system_prompt_prefix: 'Be brief.',
        set_headers: { 'openai-organization': 'org-team' },
        remove_headers: ['x-debug'],
      },
    });
    const client = new OpenAI({
      baseURL: `${t.url}/v1`,
      apiKey: await token(p.id, { allowed_models: ['gpt-4o-mini'] }),
      maxRetries: 0,
      defaultHeaders: { 'x-debug': '1' },
    });
    await client.chat.completions.create({
      model: 'fast',
      max_tokens: 5000,
      messages: [
        { role: 'system', content: 'You help.' },
        { role: 'user', content: 'hi' },
      ],
    });
    const seen = upstream.received.at(-1)!;
    const sent = JSON.parse(seen.body);
    expect(sent.model).toBe('gpt-4o-mini');
    expect(sent.max_tokens).toBe(100);
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'Be brief.\n\nYou help.' });
    expect(seen.headers['openai-organization']).toBe('org-team');
    expect(seen.headers['x-debug']).toBeUndefined();

    // The alias resolves to a model this token may not use.
    await expect(client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 403,
      code: 'model_not_allowed',
    });

    // Changed without a restart.
    expect((await t.manage('PATCH', `/manage/projects/${p.id}`, { transformations: null })).status).toBe(200);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(JSON.parse(upstream.received.at(-1)!.body)).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  });
});
