// Pass `header-hygiene`: the upstream request gets the client's headers minus hop-by-hop, credential and
// proxy-internal ones (plus the proxy's request id and the body's true length); the client's answer gets
// the proxy's own headers over the upstream's.
import { IncomingMessage, ServerResponse, type IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RequestTrace } from '../../events/request-trace.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import type { ResponseHead } from '../pipeline.ts';
import { headerHygiene } from './header-hygiene.ts';

function exchange(headers: IncomingHttpHeaders, body: ProxyExchange['body'] = null): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions';
  req.headers = headers;
  const x = newExchange(req, new ServerResponse(req), 'req-proxy-1', new RequestTrace(req, 'req-proxy-1', 1_000), '/v1/chat/completions', undefined);
  x.body = body;
  return x;
}

describe('header-hygiene: upstream request', () => {
  it('drops credentials, hop-by-hop and proxy-internal headers and keeps the rest', () => {
    const x = exchange({
      host: 'proxy.local:8080',
      authorization: 'Bearer llmp_client_token',
      'x-api-key': 'llmp_client_token',
      'api-key': 'llmp_client_token',
      'proxy-authorization': 'Basic cHJveHk=',
      cookie: 'session=abc',
      connection: 'keep-alive, x-drop-me',
      'x-drop-me': 'hop',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      trailer: 'x-checksum',
      upgrade: 'h2c',
      'proxy-connection': 'keep-alive',
      expect: '100-continue',
      forwarded: 'for=10.0.0.1',
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-proto': 'https',
      'x-real-ip': '10.0.0.1',
      'content-length': '999',
      'accept-encoding': 'gzip, br',
      'content-type': 'application/json',
      'user-agent': 'OpenAI/Python 1.0',
      'openai-beta': 'assistants=v2',
      'anthropic-version': '2023-06-01',
      'x-stainless-os': 'Linux',
      'x-request-id': 'client-chosen-id',
    });
    expect(headerHygiene.onRequest(x)).toBeUndefined();
    expect(x.upstreamHeaders).toEqual({
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      'user-agent': 'OpenAI/Python 1.0',
      'openai-beta': 'assistants=v2',
      'anthropic-version': '2023-06-01',
      'x-stainless-os': 'Linux',
      'x-request-id': 'req-proxy-1',
    });
  });

  it("gives a Buffer body its own length, not the client's (the JSON may have been re-encoded)", () => {
    const body = Buffer.from('{"model":"gpt-4o-mini","max_completion_tokens":100}');
    const x = exchange({ 'content-length': '17', 'content-type': 'application/json' }, body);
    headerHygiene.onRequest(x);
    expect(x.upstreamHeaders['content-length']).toBe(String(body.length));
  });

  it("keeps the client's length for a streamed upload, and sets none without one", () => {
    const withLength = exchange({ 'content-length': '2048', 'content-type': 'multipart/form-data; boundary=x' }, new PassThrough());
    headerHygiene.onRequest(withLength);
    expect(withLength.upstreamHeaders['content-length']).toBe('2048');

    const chunked = exchange({ 'transfer-encoding': 'chunked', 'content-type': 'multipart/form-data; boundary=x' }, new PassThrough());
    headerHygiene.onRequest(chunked);
    expect(chunked.upstreamHeaders).not.toHaveProperty('content-length');
    expect(chunked.upstreamHeaders).not.toHaveProperty('transfer-encoding');
  });

  it('sends no length without a body', () => {
    const x = exchange({ 'content-length': '0' });
    headerHygiene.onRequest(x);
    expect(x.upstreamHeaders).toEqual({ 'accept-encoding': 'identity', 'x-request-id': 'req-proxy-1' });
  });

  it('replaces whatever upstream headers were there before', () => {
    const x = exchange({ 'user-agent': 'curl' });
    x.upstreamHeaders = { authorization: 'Bearer stale' };
    headerHygiene.onRequest(x);
    expect(x.upstreamHeaders).toEqual({ 'user-agent': 'curl', 'accept-encoding': 'identity', 'x-request-id': 'req-proxy-1' });
  });
});

describe('header-hygiene: client answer', () => {
  it("lets the proxy's own headers win over the upstream's and keeps the others", () => {
    const x = exchange({});
    x.responseHeaders = { 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '59', 'x-proxy-cache': 'MISS' };
    const head: ResponseHead = {
      status: 200,
      headers: {
        'content-type': 'application/json',
        'x-ratelimit-limit-requests': '10000',
        'x-ratelimit-remaining-requests': '9999',
        'x-proxy-cache': 'HIT',
        'x-upstream-request-id': 'upstream-1',
        vary: ['accept', 'origin'],
      },
      contentType: 'application/json',
    };
    headerHygiene.onHeaders!(x, head);
    expect(head.headers).toEqual({
      'content-type': 'application/json',
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-proxy-cache': 'MISS',
      'x-upstream-request-id': 'upstream-1',
      vary: ['accept', 'origin'],
    });
    expect(head.status).toBe(200);
  });

  it('adds nothing when the proxy has no headers of its own', () => {
    const x = exchange({});
    const head: ResponseHead = { status: 429, headers: { 'retry-after': '3' }, contentType: undefined };
    headerHygiene.onHeaders!(x, head);
    expect(head.headers).toEqual({ 'retry-after': '3' });
  });
});
