import { once } from 'node:events';
import { request } from 'node:http';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_ID, UPSTREAM_KEY, chunkReader, openRequest, rawRequest, sse, startHarness } from './forward.fixtures.ts';
import type { Harness } from './forward.fixtures.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const json = { 'content-type': 'application/json' };
const eventStream = { 'content-type': 'text/event-stream' };

function client(): OpenAI {
  return new OpenAI({ baseURL: `http://127.0.0.1:${h.proxyPort}/v1`, apiKey: 'proxy-token-client', maxRetries: 0 });
}

const chunk = (content: string) => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, delta: { content } }],
  usage: null,
});

/** Upstream timeouts no test outlives: only the client's abort can end the upstream request. */
const NO_UPSTREAM_TIMEOUTS = { headersTimeoutMs: 600_000, idleTimeoutMs: 600_000 };

/**
 * Waits for an event that nothing but the behaviour under test can cause; fails with `what` if it never
 * comes (the deadline is far beyond any normal wait: it only turns a hang into a clear failure).
 */
async function eventOrFail<T>(event: Promise<T>, what: string, deadlineMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const never = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`never saw ${what}`)), deadlineMs);
  });
  try {
    return await Promise.race([event, never]);
  } finally {
    clearTimeout(timer);
  }
}

describe('forward with the OpenAI SDK', () => {
  it('does a non-streamed chat completion', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, { ...json, 'x-request-id': 'req_upstream_9' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 },
        }),
      );
    };
    const { data, response } = await client()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello!');
    expect(response.headers.get('x-request-id')).toBe(REQUEST_ID);
    expect(response.headers.get('x-upstream-request-id')).toBe('req_upstream_9');
    expect(h.seen[0]?.url).toBe('/v1/chat/completions');
    expect(h.seen[0]?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.parse(h.seen[0]?.body ?? '')).toMatchObject({ model: 'gpt-4o' });
    const result = await h.results.next();
    expect(result).toMatchObject({
      status: 200,
      aborted: false,
      errorCode: null,
      streamed: false,
      usage: { promptTokens: 11, completionTokens: 2, totalTokens: 13 },
    });
    expect(result.bytesOut).toBeGreaterThan(0);
    expect(result.upstreamMs).toBeGreaterThanOrEqual(0);
  });

  it('streams a chat completion and reads usage from the final chunk', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, eventStream);
      res.write(sse(chunk('Hel')));
      res.write(sse(chunk('lo')));
      res.write(
        sse({
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'gpt-4o',
          choices: [],
          usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
        }),
      );
      res.end(sse('[DONE]'));
    };
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello');
    expect(await h.results.next()).toMatchObject({
      status: 200,
      streamed: true,
      aborted: false,
      errorCode: null,
      usage: { promptTokens: 5, completionTokens: 2, totalTokens: 7 },
    });
  });

  it('creates embeddings', async () => {
    h.upstream.handle = (_req, res, seen) => {
      const asBase64 = JSON.parse(seen.body).encoding_format === 'base64';
      const vector = [0.5, -0.25];
      const embedding = asBase64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      res.writeHead(200, json);
      res.end(
        JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding }], model: 'e', usage: { prompt_tokens: 3, total_tokens: 3 } }),
      );
    };
    const result = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
    expect(result.data[0]?.embedding).toEqual([0.5, -0.25]);
    expect(h.seen[0]?.url).toBe('/v1/embeddings');
    expect((await h.results.next()).usage).toEqual({ promptTokens: 3, completionTokens: 0, totalTokens: 3 });
  });
});

describe('forward streaming', () => {
  it('passes each SSE chunk on before the upstream sends the next', async () => {
    const log: string[] = [];
    let clientHasChunk1!: () => void;
    const clientHasChunk1Promise = new Promise<void>((resolve) => (clientHasChunk1 = resolve));
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, eventStream);
      log.push('upstream sent 1');
      res.write(sse(chunk('one')));
      // Chunk 2 waits for the client to hold chunk 1: a buffering proxy would deadlock here.
      void clientHasChunk1Promise.then(() => {
        log.push('upstream sent 2');
        res.end(sse(chunk('two')));
      });
    };
    const { res } = await openRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{"stream":true}' });
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.headers['x-request-id']).toBe(REQUEST_ID);
    const read = chunkReader(res);
    expect(await read()).toBe(sse(chunk('one')));
    log.push('client got 1');
    clientHasChunk1();
    expect(await read()).toBe(sse(chunk('two')));
    log.push('client got 2');
    expect(await read()).toBeNull();
    expect(log).toEqual(['upstream sent 1', 'client got 1', 'upstream sent 2', 'client got 2']);
  });

  // Behaviour, not speed: the upstream's timeouts are set out of reach, so the only thing that can close
  // the upstream request is the client's abort reaching it. How fast it gets there is a bench figure
  // (`npm run bench`: "client abort reaches the upstream").
  it('closes the upstream request when the client leaves after the first chunk', async () => {
    h.plan = NO_UPSTREAM_TIMEOUTS;
    const upstreamClosed = new Promise<{ finished: boolean }>((resolve) => {
      h.upstream.handle = (_req, res) => {
        res.on('close', () => resolve({ finished: res.writableFinished }));
        res.writeHead(200, eventStream);
        res.write(sse(chunk('first'))); // and then never ends on its own
      };
    });
    const { req, res } = await openRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(await chunkReader(res)()).toBe(sse(chunk('first')));
    res.on('error', () => {});
    req.destroy();
    const closed = await eventOrFail(upstreamClosed, 'the client abort to reach the upstream');
    expect(closed.finished).toBe(false);
    expect(await h.results.next()).toMatchObject({ aborted: true, errorCode: 'request_aborted', streamed: true, status: 200 });
  });

  it('closes the upstream request when the client leaves before any response', async () => {
    h.plan = NO_UPSTREAM_TIMEOUTS;
    let upstreamHasRequest!: () => void;
    const requestArrived = new Promise<void>((resolve) => (upstreamHasRequest = resolve));
    const upstreamClosed = new Promise<{ finished: boolean }>((resolve) => {
      h.upstream.handle = (_req, res) => {
        res.on('close', () => resolve({ finished: res.writableFinished }));
        upstreamHasRequest(); // and never answers
      };
    });
    const req = request({ host: '127.0.0.1', port: h.proxyPort, agent: false, method: 'POST', path: '/v1/chat/completions', headers: json });
    req.on('error', () => {});
    req.end('{}');
    await requestArrived;
    req.destroy();
    expect(await eventOrFail(upstreamClosed, 'the client abort to reach the upstream')).toEqual({ finished: false });
    expect(await h.results.next()).toMatchObject({ aborted: true, errorCode: 'request_aborted', status: 499 });
  });
});

describe('forward headers and routing', () => {
  it('never passes the client credential or hop-by-hop headers up, nor set-cookie down', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, { ...json, 'set-cookie': ['session=abc; Path=/'], 'x-ratelimit-remaining-requests': '42' });
      res.end('{}');
    };
    const answer = await rawRequest(h.proxyPort, {
      path: '/v1/chat/completions',
      headers: {
        ...json,
        authorization: 'Bearer proxy-token-client',
        connection: 'keep-alive, x-hop-secret',
        'x-hop-secret': '1',
        te: 'trailers',
        upgrade: 'websocket',
        'x-forwarded-for': '203.0.113.7',
        'x-forwarded-host': 'proxy.example',
        cookie: 'a=b',
        'openai-beta': 'assistants=v2',
      },
      body: '{}',
    });
    expect(answer.status).toBe(200);
    const up = h.seen[0]!.headers;
    expect(up.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(up)).not.toContain('proxy-token-client');
    expect(up.connection).not.toContain('x-hop-secret');
    for (const name of ['x-hop-secret', 'te', 'upgrade', 'x-forwarded-for', 'x-forwarded-host', 'cookie']) {
      expect(up).not.toHaveProperty(name);
    }
    expect(up['openai-beta']).toBe('assistants=v2');
    expect(up['accept-encoding']).toBe('identity');
    expect(answer.headers).not.toHaveProperty('set-cookie');
    expect(answer.headers['x-ratelimit-remaining-requests']).toBe('42');
  });

  it('passes a 302 through without following it, and without its Location', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${h.upstreamPort}/elsewhere` });
      res.end();
    };
    const answer = await rawRequest(h.proxyPort, { method: 'GET', path: '/v1/models' });
    expect(answer.status).toBe(302);
    // A client carrying its proxy token must not be led to wherever the upstream points.
    expect(answer.headers.location).toBeUndefined();
    expect(h.seen.map((r) => r.url)).toEqual(['/v1/models']);
  });

  it('keeps a path prefix of the upstream base URL and the query', async () => {
    h.plan.origin = `http://127.0.0.1:${h.upstreamPort}/openai/`;
    const answer = await rawRequest(h.proxyPort, { method: 'GET', path: '/v1/models?limit=2' });
    expect(answer.status).toBe(200);
    expect(h.seen[0]?.url).toBe('/openai/v1/models?limit=2');
  });

  it('reuses one pooled upstream connection for sequential requests', async () => {
    const ports = new Set<number>();
    h.upstream.handle = (req, res) => {
      ports.add(req.socket.remotePort ?? 0);
      res.end('{}');
    };
    for (let i = 0; i < 3; i++) await rawRequest(h.proxyPort, { method: 'GET', path: '/v1/models' });
    expect(ports.size).toBe(1);
  });

  it('sends a streamed body and answers 413 when it goes over the cap', async () => {
    h.upstream.handle = (_req, res, seen) => res.end(JSON.stringify({ bytes: seen.body.length }));
    const ok = await rawRequest(h.proxyPort, { path: '/v1/files', headers: { 'content-type': 'application/octet-stream' }, body: 'x'.repeat(1000) });
    expect(JSON.parse(ok.body)).toEqual({ bytes: 1000 });
    await h.results.next();

    const upstreamDropped = once(h.agent, 'disconnect');
    const answer = new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.proxyPort, agent: false, method: 'POST', path: '/v1/files' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      // Chunked, no Content-Length: only counting the bytes can catch it.
      req.write(Buffer.alloc(64 * 1024, 0x61));
      req.end(Buffer.alloc(1, 0x61));
    });
    expect(await answer).toBe(413);
    expect(await h.results.next()).toMatchObject({ status: 413, errorCode: 'body_too_large' });
    await upstreamDropped; // the partial upload's upstream connection was dropped, not reused
  });
});
