import { describe, expect, it } from 'vitest';
import { requestHeadersForUpstream, responseHeadersForClient } from './hop-by-hop.ts';

describe('requestHeadersForUpstream', () => {
  it.each(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization'])(
    'strips the hop-by-hop header %s',
    (name) => {
      const out = requestHeadersForUpstream({ [name]: 'x', 'content-type': 'application/json' });
      expect(out).not.toHaveProperty(name);
      expect(out['content-type']).toBe('application/json');
    },
  );

  it('strips every header named in Connection, whatever the case and spacing', () => {
    const out = requestHeadersForUpstream({
      connection: 'keep-alive, X-Secret-Hop ,x-other',
      'x-secret-hop': '1',
      'x-other': '2',
      'x-kept': '3',
    });
    expect(out).toEqual({ 'x-kept': '3', 'accept-encoding': 'identity' });
  });

  it.each(['authorization', 'x-api-key', 'api-key', 'host', 'content-length', 'cookie', 'forwarded', 'x-real-ip', 'expect'])(
    'strips the client-side header %s',
    (name) => {
      expect(requestHeadersForUpstream({ [name]: 'v' })).not.toHaveProperty(name);
    },
  );

  it('never forwards method-override headers (the upstream runs the method the allow-list judged)', () => {
    const out = requestHeadersForUpstream({
      'x-http-method-override': 'DELETE',
      'x-http-method': 'DELETE',
      'x-method-override': 'PUT',
      'content-type': 'application/json',
    });
    expect(Object.keys(out).sort()).toEqual(['accept-encoding', 'content-type']);
  });

  it('strips every x-forwarded-* header', () => {
    const out = requestHeadersForUpstream({
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-host': 'proxy.local',
      'x-forwarded-proto': 'https',
      'x-forwardedness': 'kept: not an x-forwarded-* header',
    });
    expect(Object.keys(out).sort()).toEqual(['accept-encoding', 'x-forwardedness']);
  });

  it('asks upstream for an uncompressed body whatever the client accepts', () => {
    expect(requestHeadersForUpstream({ 'accept-encoding': 'gzip, br' })['accept-encoding']).toBe('identity');
  });

  it('keeps end-to-end headers the providers need', () => {
    const incoming = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'anthropic-version': '2023-06-01',
      'openai-beta': 'assistants=v2',
      'x-stainless-lang': 'js',
      'user-agent': 'OpenAI/JS 6.0.0',
    };
    expect(requestHeadersForUpstream(incoming)).toEqual({ ...incoming, 'accept-encoding': 'identity' });
  });

  it('joins array values into one header value', () => {
    expect(requestHeadersForUpstream({ 'x-multi': ['a', 'b'] })['x-multi']).toBe('a, b');
  });
});

describe('responseHeadersForClient', () => {
  it.each(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authenticate'])('strips the hop-by-hop header %s', (name) => {
    const out = responseHeadersForClient({ [name]: 'x', 'content-type': 'text/plain' }, { bodyUnchanged: true });
    expect(out).toEqual({ 'content-type': 'text/plain' });
  });

  it('strips headers named in the upstream Connection header', () => {
    const out = responseHeadersForClient({ connection: 'x-hop', 'x-hop': '1', 'x-end': '2' }, { bodyUnchanged: true });
    expect(out).toEqual({ 'x-end': '2' });
  });

  it('drops Location and Refresh, so a redirect cannot lead a client carrying its token elsewhere', () => {
    const out = responseHeadersForClient(
      { location: 'https://evil.example/steal', refresh: '0; url=https://evil.example', 'content-type': 'text/html' },
      { bodyUnchanged: true },
    );
    expect(out).toEqual({ 'content-type': 'text/html' });
  });

  it('never passes set-cookie to the client', () => {
    const out = responseHeadersForClient({ 'set-cookie': ['a=1', 'b=2'], 'x-ok': '1' }, { bodyUnchanged: true });
    expect(out).toEqual({ 'x-ok': '1' });
  });

  it('keeps content-length only while the body passes through unchanged', () => {
    expect(responseHeadersForClient({ 'content-length': '12' }, { bodyUnchanged: true })).toEqual({ 'content-length': '12' });
    expect(responseHeadersForClient({ 'content-length': '12' }, { bodyUnchanged: false })).toEqual({});
  });

  it('renames the upstream x-request-id so the proxy can set its own', () => {
    const out = responseHeadersForClient({ 'x-request-id': 'req_up_1' }, { bodyUnchanged: true });
    expect(out).toEqual({ 'x-upstream-request-id': 'req_up_1' });
  });

  it('keeps provider headers such as rate-limit information', () => {
    const upstream = { 'x-ratelimit-remaining-requests': '99', 'openai-processing-ms': '12', 'content-type': 'application/json' };
    expect(responseHeadersForClient(upstream, { bodyUnchanged: true })).toEqual(upstream);
  });
});
