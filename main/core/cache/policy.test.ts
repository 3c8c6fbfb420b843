// The caching rules on their own: which requests take part, which answers are kept and for how long,
// what a key says, and which streams are complete enough to replay.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/test-app.ts';
import { isCompleteEventStream } from './capture.ts';
import { baseKey, parseKey, purgeMatcher, variantKey } from './keys.ts';
import { cacheStatus, judgeRequest, judgeResponse, policyFactory, varyFields } from './policy.ts';

const factory = policyFactory(new ManualClock(1_700_000_000_000));
const post = (headers: Record<string, string> = {}, ttlSeconds = 600) => ({ method: 'POST', target: '/v1/embeddings', headers, ttlSeconds });

describe('judgeRequest', () => {
  it('needs an opt-in (public + max-age or s-maxage) or a default TTL for POST', () => {
    expect(judgeRequest('POST', 'json', {}, 0)).toEqual({ cacheable: false, reason: 'not-opted-in' });
    expect(judgeRequest('POST', 'json', { 'cache-control': 'max-age=60' }, 0)).toEqual({ cacheable: false, reason: 'not-opted-in' });
    expect(judgeRequest('POST', 'json', { 'cache-control': 'public, max-age=0' }, 0)).toEqual({ cacheable: false, reason: 'not-opted-in' });
    expect(judgeRequest('POST', 'json', { 'cache-control': 'Public, Max-Age=60' }, 0)).toEqual({ cacheable: true, ttlSeconds: 60, skipLookup: false });
    expect(judgeRequest('POST', 'json', { 'cache-control': 'public, s-maxage=30, max-age=60' }, 0)).toMatchObject({ ttlSeconds: 30 });
    expect(judgeRequest('POST', 'json', {}, 45)).toMatchObject({ cacheable: true, ttlSeconds: 45 });
  });

  it('always looks up GET, never uploads or other methods, and honours no-store / no-cache', () => {
    expect(judgeRequest('GET', 'none', {}, 0)).toEqual({ cacheable: true, ttlSeconds: 0, skipLookup: false });
    expect(judgeRequest('POST', 'multipart', { 'cache-control': 'public, max-age=60' }, 0)).toMatchObject({ cacheable: false, reason: 'body' });
    expect(judgeRequest('DELETE', 'none', {}, 60)).toMatchObject({ cacheable: false, reason: 'method' });
    expect(judgeRequest('POST', 'json', { 'cache-control': 'public, max-age=60, no-store' }, 0)).toMatchObject({ cacheable: false, reason: 'no-store' });
    expect(judgeRequest('GET', 'none', { 'cache-control': 'no-cache' }, 0)).toMatchObject({ skipLookup: true });
    expect(judgeRequest('GET', 'none', { pragma: 'no-cache' }, 0)).toMatchObject({ skipLookup: true });
    // Pragma is ignored when Cache-Control is present (RFC 9111 §5.4).
    expect(judgeRequest('GET', 'none', { pragma: 'no-cache', 'cache-control': 'max-age=60' }, 0)).toMatchObject({ skipLookup: false });
  });
});

describe('judgeResponse', () => {
  it('applies the opt-in as public, max-age when the upstream sets no freshness', () => {
    const verdict = judgeResponse(factory, post(), { status: 200, headers: { 'content-type': 'application/json' } });
    expect(verdict).toMatchObject({ store: true, ttlMs: 600_000, vary: [] });
  });

  it("lets the upstream's own freshness win and refuses no-store, private, Vary: * and non-200", () => {
    expect(judgeResponse(factory, post(), { status: 200, headers: { 'cache-control': 'max-age=5' } })).toMatchObject({ store: true, ttlMs: 5000 });
    expect(judgeResponse(factory, post(), { status: 200, headers: { 'cache-control': 's-maxage=7, max-age=100' } })).toMatchObject({
      store: true,
      ttlMs: 7000,
    });
    for (const cc of ['no-store', 'private', 'no-cache, no-store', 'private, max-age=60']) {
      expect(judgeResponse(factory, post(), { status: 200, headers: { 'cache-control': cc } })).toMatchObject({
        store: false,
        reason: 'response-cache-control',
      });
    }
    expect(judgeResponse(factory, post(), { status: 200, headers: { vary: '*' } })).toEqual({ store: false, reason: 'vary-star' });
    expect(judgeResponse(factory, post(), { status: 500, headers: {} })).toEqual({ store: false, reason: 'status' });
    expect(judgeResponse(factory, post({}, 0), { status: 200, headers: {} })).toEqual({ store: false, reason: 'no-freshness' });
  });

  it("lets an opted-in POST's TTL override the upstream's no-cache, max-age=0, must-revalidate and past Expires (the Go proxy's rule)", () => {
    const past = new Date(1_600_000_000_000).toUTCString();
    for (const headers of [
      { 'cache-control': 'no-cache' },
      { 'cache-control': 'max-age=0' },
      { 'cache-control': 'max-age=60, must-revalidate' },
      { 'cache-control': 'no-cache, max-age=0, proxy-revalidate' },
      { expires: past },
      { pragma: 'no-cache' },
    ]) {
      const verdict = judgeResponse(factory, post(), { status: 200, headers });
      expect(verdict, JSON.stringify(headers)).toMatchObject({ store: true, ttlMs: 600_000 });
      // The stored policy serves the answer to the next identical opted-in request without going upstream.
      const next =
        verdict.store && verdict.policy.evaluateRequest({ method: 'POST', url: '/v1/embeddings', headers: { 'cache-control': 'public, max-age=600' } });
      expect(next && next.revalidation, JSON.stringify(headers)).toBeUndefined();
    }
  });

  it('keeps GET strict (RFC 9111): no-cache, must-revalidate and max-age=0 are not overridden by a TTL', () => {
    const get = { method: 'GET', target: '/v1/models', headers: {}, ttlSeconds: 600 };
    for (const cc of ['no-cache', 'max-age=60, must-revalidate', 'no-store', 'private']) {
      expect(judgeResponse(factory, get, { status: 200, headers: { 'cache-control': cc } })).toMatchObject({ store: false, reason: 'response-cache-control' });
    }
    expect(judgeResponse(factory, get, { status: 200, headers: { 'cache-control': 'max-age=0' } })).toMatchObject({ store: false, reason: 'expired' });
    expect(judgeResponse(factory, get, { status: 200, headers: {} })).toMatchObject({ store: true, ttlMs: 600_000 });
  });

  it("stores an opted-in event stream despite the stream's conventional no-cache", () => {
    const stream = { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, streamed: true };
    expect(judgeResponse(factory, post(), stream)).toMatchObject({ store: true, ttlMs: 600_000 });
    expect(judgeResponse(factory, post({}, 0), stream)).toMatchObject({ store: false });
  });

  it('keeps Vary field names normalised and never stores credentials in the policy', () => {
    expect(varyFields(['Accept-Language, X-B', 'accept-language'])).toEqual(['accept-language', 'x-b']);
    const verdict = judgeResponse(factory, post({ authorization: 'Bearer llmp_secret', 'x-api-key': 'k', 'accept-language': 'de' }), {
      status: 200,
      headers: { vary: 'Authorization, Accept-Language' },
    });
    expect(verdict.store).toBe(true);
    const json = JSON.stringify(verdict.store && verdict.policy.toObject());
    expect(json).not.toContain('llmp_secret');
    expect(json).toContain('"accept-language":"de"');
  });

  it('formats Cache-Status (RFC 9211)', () => {
    expect(cacheStatus({ hit: true, ttlSeconds: 42 })).toBe('llm-proxy; hit; ttl=42');
    expect(cacheStatus({ hit: false, fwd: 'bypass', detail: 'no-store' })).toBe('llm-proxy; fwd=bypass; detail=no-store');
  });
});

describe('keys', () => {
  const P = '01900000-0000-7000-8000-000000000001';
  const T = '01900000-0000-7000-8000-0000000000a1';
  const parts = { projectId: P, tokenId: T, method: 'GET', target: '/v1/models/ft:gpt-4o:x?a=1', body: null, headers: {} };

  it('name the project, the token (unless shared), method and URL, and read back', () => {
    const key = baseKey('ns:', parts);
    expect(parseKey('ns:', key)).toEqual({ projectId: P, tokenId: T, method: 'GET', target: '/v1/models/ft:gpt-4o:x?a=1', isVaryIndex: false });
    expect(parseKey('ns:', baseKey('ns:', { ...parts, tokenId: null }))?.tokenId).toBeNull();
    expect(parseKey('ns:', `${key} vary`)?.isVaryIndex).toBe(true);
    expect(parseKey('other:', key)).toBeNull();
  });

  it('differ by body, by answer-shaping headers and by Vary values, not by other headers', () => {
    const base = baseKey('ns:', { ...parts, body: Buffer.from('a') });
    expect(baseKey('ns:', { ...parts, body: Buffer.from('b') })).not.toBe(base);
    expect(baseKey('ns:', { ...parts, body: Buffer.from('a'), headers: { 'anthropic-beta': 'x' } })).not.toBe(base);
    expect(baseKey('ns:', { ...parts, body: Buffer.from('a'), headers: { 'user-agent': 'x' } })).toBe(base);
    expect(variantKey(base, ['x'], { x: '' })).not.toBe(variantKey(base, ['x'], {}));
  });

  it('purge matchers select exactly', () => {
    const key = baseKey('ns:', parts);
    expect(purgeMatcher('ns:', { prefix: '/v1/models/' }).matches(key)).toBe(true);
    expect(purgeMatcher('ns:', { method: 'GET', url: '/v1/models/ft:gpt-4o:x' }).matches(key)).toBe(false);
    expect(purgeMatcher('ns:', { method: 'GET', url: '/v1/models/ft:gpt-4o:x?a=1' }).matches(key)).toBe(true);
    expect(purgeMatcher('ns:', { projectId: '01900000-0000-7000-8000-000000000002' }).matches(key)).toBe(false);
    expect(purgeMatcher('ns:', { method: 'GET', url: '/v1/a*?[b]' }).glob).toBe('ns:*:*:GET:/v1/a\\*\\?\\[b\\] *');
  });
});

describe('isCompleteEventStream', () => {
  it('accepts streams ending on an event boundary without an error event', () => {
    expect(isCompleteEventStream(Buffer.from('data: {"a":1}\n\ndata: [DONE]\n\n'))).toBe(true);
    expect(isCompleteEventStream(Buffer.from('event: message_stop\r\ndata: {}\r\n\r\n'))).toBe(true);
    expect(isCompleteEventStream(Buffer.from('data: {"a":1}\n\ndata: {"b"'))).toBe(false);
    expect(isCompleteEventStream(Buffer.from('data: {"a":1}\n\nevent: error\ndata: {"error":{}}\n\n'))).toBe(false);
  });
});
