// The mock provider's own behaviours that the failover and Anthropic tests rely on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsageTap } from '../proxy/usage.ts';
import { MOCK_ANTHROPIC_MODELS, MOCK_OPENAI_MODELS, startMockUpstream, type MockUpstream } from './mock-upstream.ts';

let mock: MockUpstream;
beforeEach(async () => {
  mock = await startMockUpstream();
});
afterEach(async () => {
  await mock.close();
});

const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
const message = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }], ...extra });
const anthropicHeaders = (key: string) => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });

async function usageOf(res: Response) {
  const tap = createUsageTap(res.headers.get('content-type') ?? undefined);
  tap.write(Buffer.from(await res.arrayBuffer()));
  return tap.end();
}

describe('mock upstream: Anthropic Messages API', () => {
  it('answers a message with usage the proxy reads', async () => {
    const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders('sk-ant-1'), body: message() });
    expect(res.status).toBe(200);
    const copy = res.clone();
    expect(await res.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Hello from the mock.' }],
      usage: { input_tokens: 11, output_tokens: 5 },
    });
    expect(await usageOf(copy)).toEqual({ promptTokens: 11, completionTokens: 5, totalTokens: 16 });
  });

  it('streams named SSE events in the real order, with usage the proxy reads', async () => {
    const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders('sk-ant-1'), body: message({ stream: true }) });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.clone().text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const deltas = [...text.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join('');
    expect(deltas).toBe('Hello from the mock.');
    expect(await usageOf(res)).toEqual({ promptTokens: 11, completionTokens: 5, totalTokens: 16 });
  });

  it('holds a message stream after its first delta while holdStream is pending', async () => {
    let release!: () => void;
    mock.holdStream = new Promise((resolve) => (release = resolve));
    const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders('sk-ant-1'), body: message({ stream: true }) });
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('text_delta')) seen += Buffer.from((await reader.read()).value!).toString();
    expect(seen).not.toContain('message_stop');
    release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) seen += Buffer.from(r.value).toString();
    expect(seen).toContain('event: message_stop');
  });

  it('counts tokens and lists models the Anthropic way', async () => {
    const count = await fetch(`${mock.url}/v1/messages/count_tokens`, { method: 'POST', headers: anthropicHeaders('sk-ant-1'), body: message() });
    expect(await count.json()).toEqual({ input_tokens: 11 });
    const models = await fetch(`${mock.url}/v1/models`, { headers: anthropicHeaders('sk-ant-1') });
    expect(await models.json()).toMatchObject({ data: MOCK_ANTHROPIC_MODELS.map((id) => ({ type: 'model', id })), has_more: false });
    // Without anthropic-version, still the OpenAI list.
    const openai = await fetch(`${mock.url}/v1/models`, { headers: { authorization: 'Bearer sk-1' } });
    expect(await openai.json()).toMatchObject({ object: 'list', data: MOCK_OPENAI_MODELS.map((id) => ({ id })) });
  });
});

describe('mock upstream: per-key behaviour and counts', () => {
  it('counts requests by credential: Bearer, x-api-key and Azure api-key', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: chat });
    await (await post({ authorization: 'Bearer sk-one' })).arrayBuffer();
    await (await post({ authorization: 'Bearer sk-one' })).arrayBuffer();
    await (await post({ 'x-api-key': 'sk-two' })).arrayBuffer();
    const azure = await post({ 'api-key': 'azure-three' });
    expect(azure.status).toBe(200);
    await azure.arrayBuffer();
    expect([mock.countByKey('sk-one'), mock.countByKey('sk-two'), mock.countByKey('azure-three'), mock.countByKey('nobody')]).toEqual([2, 1, 1, 0]);
  });

  it('answers a chosen status for a chosen key, OpenAI-style, with retry-after on 429', async () => {
    mock.keyBehaviour = { 'sk-limited': 429, 'sk-bad': 401, 'sk-down': 503 };
    const post = (key: string) =>
      fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: chat });
    const limited = await post('sk-limited');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
    const bad = await post('sk-bad');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('retry-after')).toBeNull();
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    const down = await post('sk-down');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { type: 'server_error' } });
    const fine = await post('sk-fine');
    expect(fine.status).toBe(200);
    await fine.arrayBuffer();
    expect(mock.received.map((r) => r.headers.authorization)).toEqual(['Bearer sk-limited', 'Bearer sk-bad', 'Bearer sk-down', 'Bearer sk-fine']);
    expect(mock.countByKey('sk-limited')).toBe(1);
  });

  it('answers Anthropic-style errors on /v1/messages', async () => {
    mock.keyBehaviour = { 'sk-ant-limited': 429, 'sk-ant-overloaded': 529 };
    const limited = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders('sk-ant-limited'), body: message() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: expect.any(String) } });
    const overloaded = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: anthropicHeaders('sk-ant-overloaded'), body: message() });
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it("drops the connection unanswered for a 'reset' key, recording the request", async () => {
    mock.keyBehaviour = { 'azure-reset': 'reset' };
    await expect(
      fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'api-key': 'azure-reset', 'content-type': 'application/json' }, body: chat }),
    ).rejects.toThrow();
    expect(mock.countByKey('azure-reset')).toBe(1);
    expect(mock.received).toHaveLength(1);
    expect(mock.received[0]!.body).toBe(chat);
    // The server carries on for other keys.
    const ok = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': 'azure-ok', 'content-type': 'application/json' },
      body: chat,
    });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
  });
});
