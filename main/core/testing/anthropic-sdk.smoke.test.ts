// The official Anthropic SDK against the mock provider directly (no proxy): proves the mock speaks the
// Messages API as the SDK expects it, so end-to-end tests through the proxy can trust it.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './mock-upstream.ts';

let mock: MockUpstream;
let client: Anthropic;
beforeAll(async () => {
  mock = await startMockUpstream();
  client = new Anthropic({ baseURL: mock.url, apiKey: 'sk-ant-smoke', maxRetries: 0 });
});
afterAll(async () => {
  await mock.close();
});

const params = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('the Anthropic SDK against the mock', () => {
  it('creates a message and reads its usage', async () => {
    const { data, response } = await client.messages.create(params).withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello from the mock.' }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({ input_tokens: 11, output_tokens: 5 });
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    const seen = mock.received.at(-1)!;
    expect(seen.url).toBe('/v1/messages');
    // SDK 1.x sends `apiKey` as `Authorization: Bearer` (0.x sent `x-api-key`); the mock takes either.
    expect(seen.headers.authorization ?? seen.headers['x-api-key']).toMatch(/sk-ant-smoke$/);
    expect(mock.countByKey('sk-ant-smoke')).toBe(1);
    expect(seen.headers['anthropic-version']).toBeTruthy();
  });

  it('streams a message (stream: true) and reads usage from message_start and message_delta', async () => {
    const stream = await client.messages.create({ ...params, stream: true });
    let text = '';
    let input = -1;
    let output = -1;
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'message_start') input = event.message.usage.input_tokens;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') output = event.usage.output_tokens;
    }
    expect(text).toBe('Hello from the mock.');
    expect([input, output]).toEqual([11, 5]);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
  });

  it('accumulates a streamed message with messages.stream()', async () => {
    const final = await client.messages.stream(params).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Hello from the mock.' }]);
    expect(final.usage).toMatchObject({ input_tokens: 11, output_tokens: 5 });
  });

  it('surfaces a per-key failure as the SDK error classes', async () => {
    mock.keyBehaviour = { 'sk-ant-limited': 429, 'sk-ant-reset': 'reset' };
    const limited = new Anthropic({ baseURL: mock.url, apiKey: 'sk-ant-limited', maxRetries: 0 });
    const error = await limited.messages.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    const reset = new Anthropic({ baseURL: mock.url, apiKey: 'sk-ant-reset', maxRetries: 0 });
    await expect(reset.messages.create(params)).rejects.toBeInstanceOf(Anthropic.APIConnectionError);
    expect(mock.countByKey('sk-ant-reset')).toBe(1);
    mock.keyBehaviour = {};
  });
});
