// Pass `usage-extraction`: its tap reads the answer's usage (JSON or SSE, OpenAI or Anthropic shapes)
// into `x.usage` when the body ends; the answer's end adds it to the token's and the key's counters.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import type { TokenRow } from '../../store/types.ts';
import type { UsageRecorder } from '../../tokens/usage-recorder.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import type { ForwardResult } from '../forward.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import type { KeyUsageRecorder } from '../key-usage-recorder.ts';
import type { ResponseHead } from '../pipeline.ts';
import { providers } from '../providers.ts';
import { usageExtraction } from './usage-extraction.ts';
import { sampleTokenRow } from './test-rows.ts';

const KEY = { id: 'key-7', label: 'default', weight: 1, apiKey: 'sk-upstream-1' };
const RESULT: ForwardResult = { status: 200, aborted: false, errorCode: null, upstreamMs: 5, bytesOut: 10, streamed: false, attempts: 1 };

const tokenRow = (): TokenRow => sampleTokenRow();

function exchange(): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  const x = newExchange(req, new ServerResponse(req), 'req-1', new RequestTrace(req, 'req-1', 1_000), '/v1/chat/completions', undefined);
  x.auth = {
    token: tokenRow(),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers.openai,
      baseUrl: 'http://127.0.0.1:9',
      keys: new KeySelector([KEY], new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 })),
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: { defaultTtlSeconds: null, sharedAcrossTokens: true },
      transformations: {},
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
  x.provider = providers.openai;
  x.key = KEY;
  return x;
}

function recorders() {
  const token: unknown[][] = [];
  const key: unknown[][] = [];
  const other: string[] = [];
  const usage: UsageRecorder = {
    recordRequest: () => void other.push('recordRequest'),
    recordTokens: (...args) => void token.push(args),
    recordCacheHit: () => void other.push('recordCacheHit'),
    flush: async () => undefined,
    close: async () => undefined,
  };
  const keyUsage: KeyUsageRecorder = {
    recordAttempt: () => void other.push('recordAttempt'),
    recordTokens: (...args) => void key.push(args),
    flush: async () => undefined,
    close: async () => undefined,
  };
  return { token, key, other, pass: usageExtraction({ usage, keyUsage }) };
}

const head = (contentType: string | undefined): ResponseHead => ({ status: 200, headers: contentType ? { 'content-type': contentType } : {}, contentType });

/** Feeds `body` through a fresh tap in small pieces (split inside JSON and SSE lines). */
function stream(pass: ReturnType<typeof usageExtraction>, x: ProxyExchange, contentType: string | undefined, body: string): void {
  const tap = pass.onStream(x, head(contentType));
  expect(tap).not.toBeNull();
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += 7) tap!.write(bytes.subarray(i, i + 7));
  expect(x.usage).toBeNull(); // read only once the body ends
  tap!.end();
}

const sseChunk = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

describe('usage-extraction', () => {
  it("reads a JSON answer's usage and counts it for the token and the key", () => {
    const { token, key, other, pass } = recorders();
    const x = exchange();
    stream(
      pass,
      x,
      'application/json',
      JSON.stringify({ id: 'chatcmpl-1', choices: [], usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 } }),
    );
    expect(x.usage).toEqual({ promptTokens: 11, completionTokens: 5, totalTokens: 16 });
    pass.onEnd!(x, RESULT);
    expect(token).toEqual([['tok-1', 11, 5]]);
    expect(key).toEqual([['key-7', 11, 5]]);
    expect(other).toEqual([]);
  });

  it('reads the final usage chunk of an OpenAI stream', () => {
    const { token, pass } = recorders();
    const x = exchange();
    const body =
      sseChunk({ choices: [{ index: 0, delta: { content: 'Hi' } }] }) +
      sseChunk({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }) +
      'data: [DONE]\n\n';
    stream(pass, x, 'text/event-stream; charset=utf-8', body);
    expect(x.usage).toEqual({ promptTokens: 9, completionTokens: 3, totalTokens: 12 });
    pass.onEnd!(x, { ...RESULT, streamed: true });
    expect(token).toEqual([['tok-1', 9, 3]]);
  });

  it('reads an Anthropic stream (message_start input, message_delta output)', () => {
    const { key, pass } = recorders();
    const x = exchange();
    const body =
      'event: message_start\n' +
      sseChunk({ type: 'message_start', message: { usage: { input_tokens: 11, output_tokens: 1 } } }) +
      'event: message_delta\n' +
      sseChunk({ type: 'message_delta', delta: {}, usage: { output_tokens: 5 } }) +
      'event: message_stop\n' +
      sseChunk({ type: 'message_stop' });
    stream(pass, x, 'text/event-stream', body);
    expect(x.usage).toEqual({ promptTokens: 11, completionTokens: 5, totalTokens: 16 });
    pass.onEnd!(x, RESULT);
    expect(key).toEqual([['key-7', 11, 5]]);
  });

  it('counts nothing when the answer reports no usage', () => {
    const { token, key, pass } = recorders();
    const x = exchange();
    stream(pass, x, 'application/json', '{"object":"list","data":[]}');
    expect(x.usage).toBeNull();
    pass.onEnd!(x, RESULT);
    expect(token).toEqual([]);
    expect(key).toEqual([]);
  });

  it('reads nothing from a body that is neither JSON nor SSE', () => {
    const { token, pass } = recorders();
    const x = exchange();
    stream(pass, x, 'text/plain', JSON.stringify({ usage: { prompt_tokens: 1, completion_tokens: 1 } }));
    expect(x.usage).toBeNull();
    pass.onEnd!(x, RESULT);
    expect(token).toEqual([]);
  });

  it('counts for the token only when no key was used', () => {
    const { token, key, pass } = recorders();
    const x = exchange();
    x.key = null;
    x.usage = { promptTokens: 2, completionTokens: 3, totalTokens: 5 };
    pass.onEnd!(x, RESULT);
    expect(token).toEqual([['tok-1', 2, 3]]);
    expect(key).toEqual([]);
  });

  it('counts the usage a failed answer reported before it broke off', () => {
    const { token, pass } = recorders();
    const x = exchange();
    const tap = pass.onStream(x, head('text/event-stream'))!;
    tap.write(Buffer.from(sseChunk({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } })));
    tap.end();
    pass.onEnd!(x, { ...RESULT, errorCode: 'upstream_bad_response' });
    expect(token).toEqual([['tok-1', 4, 2]]);
  });
});
