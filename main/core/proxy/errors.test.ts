import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyError, mapUpstreamError, sendProxyError } from './errors.ts';
import type { ProxyErrorCode } from './errors.ts';

describe('ProxyError', () => {
  it.each<[ProxyErrorCode, number]>([
    ['invalid_api_key', 401],
    ['token_expired', 401],
    ['token_revoked', 401],
    ['project_inactive', 403],
    ['model_not_allowed', 403],
    ['endpoint_not_allowed', 403],
    ['quota_exceeded', 429],
    ['body_too_large', 413],
    ['invalid_json', 400],
    ['upstream_unreachable', 502],
    ['upstream_timeout', 504],
    ['upstream_bad_response', 502],
    ['upstream_unavailable', 503],
    ['internal_error', 500],
  ])('%s has status %i and a default message', (code, status) => {
    const err = new ProxyError(code);
    expect(err.status).toBe(status);
    expect(err.code).toBe(code);
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.type).toMatch(status >= 500 ? /^server_error$/ : /_error$/);
  });
});

describe('mapUpstreamError', () => {
  const sysError = (code: string): Error => Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

  it.each<[string, ProxyErrorCode, unknown]>([
    ['connect timeout', 'upstream_timeout', new errors.ConnectTimeoutError()],
    ['headers timeout', 'upstream_timeout', new errors.HeadersTimeoutError()],
    ['body timeout', 'upstream_timeout', new errors.BodyTimeoutError()],
    ['refused', 'upstream_unreachable', sysError('ECONNREFUSED')],
    ['DNS failure', 'upstream_unreachable', sysError('ENOTFOUND')],
    ['happy-eyeballs failure', 'upstream_unreachable', new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')])],
    ['bad certificate', 'upstream_unreachable', sysError('DEPTH_ZERO_SELF_SIGNED_CERT')],
    ['reset', 'upstream_bad_response', sysError('ECONNRESET')],
    ['socket closed', 'upstream_bad_response', new errors.SocketError('other side closed')],
    ['length mismatch', 'upstream_bad_response', new errors.ResponseContentLengthMismatchError()],
    ['parser error', 'upstream_bad_response', Object.assign(new Error('bad'), { code: 'HPE_INVALID_CONSTANT' })],
    ['agent closed', 'upstream_unavailable', new errors.ClientClosedError()],
    ['agent destroyed', 'upstream_unavailable', new errors.ClientDestroyedError()],
    ['undici abort', 'request_aborted', new errors.RequestAbortedError()],
    ['DOM abort', 'request_aborted', new DOMException('aborted', 'AbortError')],
    ['anything else', 'internal_error', new Error('???')],
    ['a non-error', 'internal_error', 'boom'],
  ])('maps %s to %s', (_label, code, err) => {
    expect(mapUpstreamError(err).code).toBe(code);
  });

  it('passes a ProxyError (e.g. from the request body stream) through unchanged', () => {
    const err = new ProxyError('body_too_large');
    expect(mapUpstreamError(err)).toBe(err);
  });

  it('never copies the original message, which may hold a URL or credential', () => {
    const leaky = Object.assign(new Error('ECONNRESET while sending Authorization: Bearer sk-live-123'), { code: 'ECONNRESET' });
    const mapped = mapUpstreamError(leaky);
    expect(mapped.message).not.toContain('sk-live-123');
    expect(mapped.cause).toBe(leaky);
  });
});

describe('sendProxyError', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  /** Serves one request with `handle` and returns what the client saw, or how the connection ended. */
  async function serve(handle: (res: ServerResponse) => void): Promise<{ status: number; headers: Record<string, unknown>; body: string; complete: boolean }> {
    server = createServer((_req, res) => handle(res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        const done = (complete: boolean) => () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, complete });
        res.on('end', done(true));
        res.on('aborted', done(false));
        res.on('error', done(false));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('writes the OpenAI error shape with the request id before headers', async () => {
    const seen = await serve((res) => sendProxyError(res, new ProxyError('quota_exceeded'), 'req-42'));
    expect(seen.status).toBe(429);
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['x-request-id']).toBe('req-42');
    expect(JSON.parse(seen.body)).toEqual({
      error: { message: 'Quota or rate limit exceeded for this token.', type: 'rate_limit_error', code: 'quota_exceeded', param: null },
    });
  });

  it('answers internal_error for an error that is not a ProxyError, without its message', async () => {
    const seen = await serve((res) => sendProxyError(res, new Error('secret sk-live-123'), 'req-1'));
    expect(seen.status).toBe(500);
    expect(seen.body).not.toContain('sk-live-123');
    expect(JSON.parse(seen.body).error.code).toBe('internal_error');
  });

  it('ends a started SSE stream with one error event', async () => {
    const seen = await serve((res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.writeHead(200);
      res.write('data: {"a":1}\n\n');
      sendProxyError(res, new ProxyError('upstream_timeout'), 'req-1');
    });
    expect(seen.complete).toBe(true);
    const events = seen.body.split(/\n\n+/).filter((e) => e !== '');
    expect(events).toEqual([
      'data: {"a":1}',
      `event: error\ndata: ${JSON.stringify({
        error: { message: 'The upstream API did not answer in time.', type: 'server_error', code: 'upstream_timeout', param: null },
      })}`,
    ]);
  });

  it('cuts a started non-SSE body so it cannot look complete', async () => {
    const seen = await serve((res) => {
      res.setHeader('content-type', 'application/json');
      res.writeHead(200);
      res.write('{"partial":', () => sendProxyError(res, new ProxyError('upstream_bad_response'), 'req-1'));
    });
    expect(seen.complete).toBe(false);
  });
});
