// Pass `stream-usage`: streamed requests to OpenAI-shaped providers' chat/completions ask for the final
// usage chunk (`stream_options.include_usage`); a client's explicit choice is kept; others are untouched.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { Provider } from '../../store/types.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import { findEndpoint, providers } from '../providers.ts';
import { streamUsage } from './stream-usage.ts';

function exchange(provider: Provider, path: string, json: Record<string, unknown> | null): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = path;
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), path, undefined);
  x.provider = providers[provider];
  x.endpoint = findEndpoint(x.provider, 'POST', path);
  if (!x.endpoint) throw new Error(`no endpoint ${path}`);
  x.json = json;
  x.body = json ? Buffer.from(JSON.stringify(json)) : null;
  return x;
}

function run(provider: Provider, path: string, json: Record<string, unknown> | null): ProxyExchange {
  const x = exchange(provider, path, json);
  expect(streamUsage.onRequest(x)).toBeUndefined();
  return x;
}

describe('stream-usage', () => {
  it.each(['openai', 'openai-compatible', 'azure'] as const)('asks %s chat streams for their usage', (provider) => {
    const x = run(provider, '/v1/chat/completions', { model: 'gpt-4o', stream: true, messages: [] });
    expect(x.json).toEqual({ model: 'gpt-4o', stream: true, messages: [], stream_options: { include_usage: true } });
    expect(x.jsonChanged).toBe(true);
  });

  it('asks legacy completions streams too', () => {
    const x = run('openai', '/v1/completions', { model: 'gpt-3.5-turbo-instruct', stream: true, prompt: 'Hi' });
    expect(x.json!.stream_options).toEqual({ include_usage: true });
    expect(x.jsonChanged).toBe(true);
  });

  it("keeps the client's other stream options", () => {
    const x = run('openai', '/v1/chat/completions', { model: 'gpt-4o', stream: true, stream_options: { include_obfuscation: false } });
    expect(x.json!.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    expect(x.jsonChanged).toBe(true);
  });

  it('keeps an explicit include_usage, true or false', () => {
    for (const include of [true, false]) {
      const x = run('openai', '/v1/chat/completions', { model: 'gpt-4o', stream: true, stream_options: { include_usage: include } });
      expect(x.json!.stream_options).toEqual({ include_usage: include });
      expect(x.jsonChanged).toBe(false);
    }
  });

  it('leaves requests that do not stream alone', () => {
    for (const stream of [undefined, false, 'true', 1]) {
      const json: Record<string, unknown> = { model: 'gpt-4o', messages: [] };
      if (stream !== undefined) json.stream = stream;
      const x = run('openai', '/v1/chat/completions', json);
      expect(x.json).not.toHaveProperty('stream_options');
      expect(x.jsonChanged).toBe(false);
    }
  });

  it('leaves Anthropic streams and the Responses API alone (they always report usage)', () => {
    const messages = run('anthropic', '/v1/messages', { model: 'claude-haiku-4-5', max_tokens: 10, stream: true, messages: [] });
    expect(messages.json).not.toHaveProperty('stream_options');
    expect(messages.jsonChanged).toBe(false);

    const responses = run('openai', '/v1/responses', { model: 'gpt-4o', stream: true, input: 'Hi' });
    expect(responses.json).not.toHaveProperty('stream_options');
    expect(responses.jsonChanged).toBe(false);
  });

  it('does nothing without a parsed JSON body', () => {
    const x = run('openai', '/v1/chat/completions', null);
    expect(x.json).toBeNull();
    expect(x.jsonChanged).toBe(false);
  });

  it("does not undo an earlier pass's change", () => {
    const x = exchange('openai', '/v1/chat/completions', { model: 'gpt-4o', stream: true, stream_options: { include_usage: false } });
    x.jsonChanged = true;
    streamUsage.onRequest(x);
    expect(x.jsonChanged).toBe(true);
  });
});
