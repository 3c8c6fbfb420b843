// Upstream failures seen through the proxy: each ends in a clean, coded answer (or SSE error event),
// never a hung client or an unhandled rejection.
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_ID, chunkReader, closedPort, openRequest, rawRequest, sse, startHarness } from './forward.fixtures.ts';
import type { Harness } from './forward.fixtures.ts';

let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeEach(async () => {
  h = await startHarness();
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h.close();
  expect(unhandled).toEqual([]);
});

const json = { 'content-type': 'application/json' };
const eventStream = { 'content-type': 'text/event-stream' };

function errorOf(body: string): unknown {
  return JSON.parse(body).error;
}

describe('upstream faults before the response', () => {
  it('answers 502 upstream_unreachable when the connection is refused', async () => {
    h.plan.origin = `http://127.0.0.1:${await closedPort()}`;
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['x-request-id']).toBe(REQUEST_ID);
    expect(errorOf(answer.body)).toEqual({
      message: 'Could not connect to the upstream API.',
      type: 'server_error',
      code: 'upstream_unreachable',
      param: null,
    });
    expect(await h.results.next()).toMatchObject({ status: 502, errorCode: 'upstream_unreachable', usage: null });
  });

  it('answers 504 upstream_timeout when no headers come within headersTimeout', async () => {
    h.plan.headersTimeoutMs = 150;
    h.upstream.handle = () => {}; // never answers
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(504);
    expect(errorOf(answer.body)).toMatchObject({ code: 'upstream_timeout', type: 'server_error' });
    const result = await h.results.next();
    expect(result).toMatchObject({ status: 504, errorCode: 'upstream_timeout', aborted: false });
    expect(result.upstreamMs).toBeGreaterThanOrEqual(140);
  });

  it('is seen by the OpenAI SDK as an APIError with the proxy code', async () => {
    h.plan.origin = `http://127.0.0.1:${await closedPort()}`;
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${h.proxyPort}/v1`, apiKey: 'x', maxRetries: 0 });
    const failure = await client.models.list().then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_unreachable');
  });
});

describe('upstream faults inside the body', () => {
  it('destroys the client connection when a JSON body is reset midway', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, { ...json, 'content-length': '1000' });
      res.write('{"id":"chatcmpl-1","choi', () => res.socket?.destroy());
    };
    const { res } = await openRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(res.statusCode).toBe(200);
    const ended = new Promise<string>((resolve) => {
      res.on('error', () => resolve('error'));
      res.on('aborted', () => resolve('aborted'));
      res.on('end', () => resolve(res.complete ? 'complete' : 'incomplete'));
    });
    res.resume();
    expect(await ended).not.toBe('complete');
    expect(await h.results.next()).toMatchObject({ status: 200, errorCode: 'upstream_bad_response', aborted: false, usage: null });
  });

  it('ends an SSE stream reset midway with one error event', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, eventStream);
      res.write(sse({ choices: [{ delta: { content: 'partial' } }] }), () => res.socket?.destroy());
    };
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(200);
    const [first, rest] = [answer.body.slice(0, answer.body.indexOf('\n\n') + 2), answer.body.slice(answer.body.indexOf('\n\n') + 2)];
    expect(first).toBe(sse({ choices: [{ delta: { content: 'partial' } }] }));
    const event = rest.trimStart();
    expect(event.startsWith('event: error\ndata: ')).toBe(true);
    expect(event.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(event.slice('event: error\ndata: '.length))).toEqual({
      error: { message: expect.any(String), type: 'server_error', code: 'upstream_bad_response', param: null },
    });
    expect(await h.results.next()).toMatchObject({ streamed: true, errorCode: 'upstream_bad_response', aborted: false });
  });

  it('makes the OpenAI SDK stream throw when the upstream goes silent past idleTimeout', async () => {
    h.plan.idleTimeoutMs = 150;
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, eventStream);
      res.write(sse({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'a' } }] }));
      // then silence, with the connection held open
    };
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${h.proxyPort}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    const parts: string[] = [];
    const failure = await (async () => {
      for await (const part of stream) parts.push(part.choices[0]?.delta.content ?? '');
      return null;
    })().catch((err: unknown) => err);
    expect(parts).toEqual(['a']);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_timeout');
    expect(await h.results.next()).toMatchObject({ errorCode: 'upstream_timeout', streamed: true });
  });
});

describe('upstream answers the proxy does not judge', () => {
  it('passes invalid JSON with a 200 through byte for byte, with no usage', async () => {
    const broken = '{"usage": {"prompt_tokens": 3, oops';
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, json);
      res.end(broken);
    };
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(broken);
    expect(await h.results.next()).toMatchObject({ status: 200, usage: null, errorCode: null, bytesOut: broken.length });
  });

  it.each([429, 500])('passes an upstream %i through with its body', async (status) => {
    const body = JSON.stringify({ error: { message: 'upstream says no', type: 'x', code: 'y', param: null } });
    h.upstream.handle = (_req, res) => {
      res.writeHead(status, { ...json, 'retry-after': '1' });
      res.end(body);
    };
    const answer = await rawRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    expect(answer).toMatchObject({ status, body });
    expect(answer.headers['retry-after']).toBe('1');
    expect(await h.results.next()).toMatchObject({ status, errorCode: null });
  });

  it('reads chunk by chunk without losing the first event when the client reads slowly', async () => {
    h.upstream.handle = (_req, res) => {
      res.writeHead(200, eventStream);
      res.end(sse('x'.repeat(256 * 1024)) + sse('[DONE]'));
    };
    const { res } = await openRequest(h.proxyPort, { path: '/v1/chat/completions', headers: json, body: '{}' });
    const read = chunkReader(res);
    let total = '';
    for (let part = await read(); part !== null; part = await read()) total += part;
    expect(total).toBe(sse('x'.repeat(256 * 1024)) + sse('[DONE]'));
    expect((await h.results.next()).bytesOut).toBe(Buffer.byteLength(total));
  });
});
