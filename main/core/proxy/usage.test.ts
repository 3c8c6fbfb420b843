import { describe, expect, it } from 'vitest';
import { createSseEventParser } from './sse-events.ts';
import { createUsageTap, ensureStreamUsage } from './usage.ts';
import type { Usage } from './usage.ts';

const openAiStream = [
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}',
  '',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Grüße 🌍, "}}],"usage":null}',
  '',
  ': keep-alive comment',
  '',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
  '',
  'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":17,"completion_tokens":9,"total_tokens":26}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const anthropicStream = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"usage":{"input_tokens":25,"output_tokens":1}}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"日本語のテキスト"}}',
  '',
  'event: ping',
  'data: {"type": "ping"}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\r\n');

function usageOf(contentType: string, chunks: Buffer[]): Usage | null {
  const tap = createUsageTap(contentType);
  for (const chunk of chunks) tap.write(chunk);
  return tap.end();
}

/** Every way of cutting `bytes` in two, then every byte alone. */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

describe('SSE usage', () => {
  const openAiUsage = { promptTokens: 17, completionTokens: 9, totalTokens: 26 };
  const anthropicUsage = { promptTokens: 25, completionTokens: 15, totalTokens: 40 };

  it('reads the OpenAI final usage chunk wherever the stream is split', () => {
    for (const chunks of splits(Buffer.from(openAiStream))) {
      expect(usageOf('text/event-stream; charset=utf-8', chunks)).toEqual(openAiUsage);
    }
  });

  it('reads Anthropic message_start input and message_delta output across CRLF splits', () => {
    for (const chunks of splits(Buffer.from(anthropicStream))) {
      expect(usageOf('text/event-stream', chunks)).toEqual(anthropicUsage);
    }
  });

  it('handles bare-CR line endings', () => {
    expect(usageOf('text/event-stream', [Buffer.from(openAiStream.replaceAll('\n', '\r'))])).toEqual(openAiUsage);
  });

  it('keeps a usage event the stream did not terminate with a blank line', () => {
    const cut = 'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}';
    expect(usageOf('text/event-stream', [Buffer.from(cut)])).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
  });

  it('reads the Responses API completed event', () => {
    const stream = 'event: response.completed\ndata: {"type":"response.completed","response":{"usage":{"input_tokens":8,"output_tokens":2}}}\n\n';
    expect(usageOf('text/event-stream', [Buffer.from(stream)])).toEqual({ promptTokens: 8, completionTokens: 2, totalTokens: 10 });
  });

  it('returns null for a stream without usage, or with broken JSON', () => {
    expect(usageOf('text/event-stream', [Buffer.from('data: {"choices":[],"usage":null}\n\ndata: [DONE]\n\n')])).toBeNull();
    expect(usageOf('text/event-stream', [Buffer.from('data: {"usage":{"prompt_tokens":\n\n')])).toBeNull();
  });
});

describe('SSE event parser', () => {
  it('joins multi-line data and ignores other fields', () => {
    const seen: string[] = [];
    const parser = createSseEventParser((data) => seen.push(data));
    parser.write(Buffer.from('event: x\nid: 1\ndata: a\ndata:b\nretry: 5\n\nevent: empty\n\ndata\n\n'));
    parser.end();
    expect(seen).toEqual(['a\nb', '']);
  });

  it('drops a line longer than its cap and carries on', () => {
    const seen: string[] = [];
    const parser = createSseEventParser((data) => seen.push(data), 16);
    parser.write(Buffer.from('data: ' + 'x'.repeat(10)));
    parser.write(Buffer.from('y'.repeat(10) + '\n\ndata: ok\n\n'));
    parser.end();
    expect(seen).toEqual(['ok']);
  });
});

describe('JSON usage', () => {
  const openAiBody = JSON.stringify({
    id: 'chatcmpl-1',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi 👋' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
  });

  it('reads OpenAI usage wherever the body is split', () => {
    for (const chunks of splits(Buffer.from(openAiBody))) {
      expect(usageOf('application/json', chunks)).toEqual({ promptTokens: 12, completionTokens: 3, totalTokens: 15 });
    }
  });

  it('reads Anthropic usage, counting cache reads and writes as prompt tokens', () => {
    const body = JSON.stringify({
      type: 'message',
      usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 7 },
    });
    expect(usageOf('application/json', [Buffer.from(body)])).toEqual({
      promptTokens: 115,
      completionTokens: 7,
      totalTokens: 122,
      cachedInputTokens: 100,
      cacheWriteTokens: 5,
    });
  });

  it('reads embeddings usage (no completion tokens)', () => {
    const body = '{"object":"list","data":[],"usage":{"prompt_tokens":8,"total_tokens":8}}';
    expect(usageOf('application/json', [Buffer.from(body)])).toEqual({ promptTokens: 8, completionTokens: 0, totalTokens: 8 });
  });

  it('returns null for invalid JSON, no usage, or another content type', () => {
    expect(usageOf('application/json', [Buffer.from('{"usage": {')])).toBeNull();
    expect(usageOf('application/json', [Buffer.from('{"data":[]}')])).toBeNull();
    expect(usageOf('audio/mpeg', [Buffer.from(openAiBody)])).toBeNull();
    expect(usageOf('application/problem+json', [Buffer.from(openAiBody)])).not.toBeNull();
  });
});

describe('JSON usage of a body over the parse cap (scanned as it passes)', () => {
  /** A tap that parses at most 16 bytes whole, so every body below is scanned. */
  function scanned(chunks: Buffer[]): Usage | null {
    const tap = createUsageTap('application/json', 16);
    for (const chunk of chunks) tap.write(chunk);
    return tap.end();
  }
  const decoys = {
    object: 'list',
    data: [
      { embedding: [0.1, -2e-3], text: 'a "usage": {"prompt_tokens": 999} in a string, with \\ and \\" escapes', nested: { usage: { prompt_tokens: 555 } } },
    ],
    model: 'text-embedding-3-small',
  };
  const body = Buffer.from(JSON.stringify({ ...decoys, usage: { prompt_tokens: 8123, total_tokens: 8123 } }));

  it('reads the top-level usage at the end, wherever the body is split, never a decoy in a string or nested object', () => {
    for (const chunks of splits(body)) expect(scanned(chunks)).toEqual({ promptTokens: 8123, completionTokens: 0, totalTokens: 8123 });
  });

  it('reads usage in the middle or first, and Anthropic shapes', () => {
    const middle = JSON.stringify({
      id: 'x',
      usage: { input_tokens: 3, cache_read_input_tokens: 4, output_tokens: 5 },
      content: [{ type: 'text', text: '}]' }],
    });
    expect(scanned([Buffer.from(middle)])).toEqual({ promptTokens: 7, completionTokens: 5, totalTokens: 12, cachedInputTokens: 4 });
    expect(scanned([Buffer.from('{"usage":{"prompt_tokens":1,"completion_tokens":2},"data":[1,2,3]}')])).toEqual({
      promptTokens: 1,
      completionTokens: 2,
      totalTokens: 3,
    });
  });

  it('counts a real 9 MiB embeddings answer', () => {
    const vector = Array.from({ length: 1536 }, (_, i) => Math.sin(i) / 3);
    const data = Array.from({ length: 300 }, (_, index) => ({ object: 'embedding', index, embedding: vector }));
    const big = Buffer.from(JSON.stringify({ object: 'list', data, model: 'text-embedding-3-small', usage: { prompt_tokens: 4200, total_tokens: 4200 } }));
    expect(big.length).toBeGreaterThan(8 * 1024 * 1024);
    const tap = createUsageTap('application/json');
    for (let at = 0; at < big.length; at += 65_536) tap.write(big.subarray(at, at + 65_536));
    expect(tap.end()).toEqual({ promptTokens: 4200, completionTokens: 0, totalTokens: 4200 });
  });

  it('returns null without a top-level usage, with a truncated one, or one too big to be a usage report', () => {
    expect(scanned([Buffer.from(JSON.stringify(decoys))])).toBeNull();
    expect(scanned([Buffer.from('{"data":[],"usage":{"prompt_tokens":1')])).toBeNull();
    expect(scanned([Buffer.from(`{"usage":{"prompt_tokens":1,"pad":"${'x'.repeat(70_000)}"}}`)])).toBeNull();
  });
});

describe('ensureStreamUsage', () => {
  it('asks for usage on a streamed request without stream_options', () => {
    const body: Record<string, unknown> = { model: 'gpt-4o', stream: true };
    expect(ensureStreamUsage(body)).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('adds include_usage next to other stream options, and over stream_options: null', () => {
    const body: Record<string, unknown> = { stream: true, stream_options: { other: 1 } };
    expect(ensureStreamUsage(body)).toBe(true);
    expect(body.stream_options).toEqual({ other: 1, include_usage: true });
    const nulled: Record<string, unknown> = { stream: true, stream_options: null };
    expect(ensureStreamUsage(nulled)).toBe(true);
    expect(nulled.stream_options).toEqual({ include_usage: true });
  });

  it("respects the client's explicit choice and leaves non-streamed or malformed requests alone", () => {
    const optedOut: Record<string, unknown> = { stream: true, stream_options: { include_usage: false } };
    expect(ensureStreamUsage(optedOut)).toBe(false);
    expect(optedOut.stream_options).toEqual({ include_usage: false });
    expect(ensureStreamUsage({ stream: false })).toBe(false);
    expect(ensureStreamUsage({ model: 'x' })).toBe(false);
    expect(ensureStreamUsage({ stream: true, stream_options: 'yes' })).toBe(false);
  });
});

describe('the parts priced apart: cached input, cache writes, reasoning', () => {
  const json = (body: unknown) => usageOf('application/json', [Buffer.from(JSON.stringify(body))]);

  it('reads OpenAI chat details', () => {
    const usage = json({
      usage: {
        prompt_tokens: 100,
        completion_tokens: 40,
        total_tokens: 140,
        prompt_tokens_details: { cached_tokens: 60 },
        completion_tokens_details: { reasoning_tokens: 25 },
      },
    });
    expect(usage).toStrictEqual({ promptTokens: 100, completionTokens: 40, totalTokens: 140, cachedInputTokens: 60, reasoningTokens: 25 });
  });

  it('reads Responses API details', () => {
    const usage = json({
      usage: { input_tokens: 80, output_tokens: 30, input_tokens_details: { cached_tokens: 50 }, output_tokens_details: { reasoning_tokens: 10 } },
    });
    expect(usage).toStrictEqual({ promptTokens: 80, completionTokens: 30, totalTokens: 110, cachedInputTokens: 50, reasoningTokens: 10 });
  });

  it('reads Anthropic cache reads and writes into the prompt total, in bodies and across stream events', () => {
    expect(json({ usage: { input_tokens: 10, cache_read_input_tokens: 200, cache_creation_input_tokens: 30, output_tokens: 7 } })).toStrictEqual({
      promptTokens: 240,
      completionTokens: 7,
      totalTokens: 247,
      cachedInputTokens: 200,
      cacheWriteTokens: 30,
    });
    const stream = [
      'event: message_start',
      'data: {"type":"message_start","message":{"usage":{"input_tokens":10,"cache_read_input_tokens":200,"cache_creation_input_tokens":30,"output_tokens":1}}}',
      '',
      'event: message_delta',
      'data: {"type":"message_delta","usage":{"output_tokens":15}}',
      '',
      '',
    ].join('\n');
    expect(usageOf('text/event-stream', [Buffer.from(stream)])).toStrictEqual({
      promptTokens: 240,
      completionTokens: 15,
      totalTokens: 255,
      cachedInputTokens: 200,
      cacheWriteTokens: 30,
    });
  });

  it('never lets a part exceed its whole', () => {
    const usage = json({
      usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 99 }, completion_tokens_details: { reasoning_tokens: 50 } },
    });
    expect(usage).toStrictEqual({ promptTokens: 10, completionTokens: 5, totalTokens: 15, cachedInputTokens: 10, reasoningTokens: 5 });
  });
});
