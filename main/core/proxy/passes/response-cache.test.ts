// Pass `response-cache`: a hit is answered from the cache (cache hit counted, event stored first, no
// further pass); a miss keeps its lookup, adds its headers and a capture tap, and stores at the end.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ResponseCapture } from '../../cache/capture.ts';
import type { CacheHit, CacheLookup, CacheMiss, CacheRequest, ForwardOutcome, ResponseCache } from '../../cache/response-cache.ts';
import type { RequestEvent } from '../../events/request-event.ts';
import { RequestTrace } from '../../events/request-trace.ts';
import type { TokenRow } from '../../store/types.ts';
import type { UsageRecorder } from '../../tokens/usage-recorder.ts';
import { newExchange, type ProxyExchange } from '../exchange.ts';
import type { ForwardResult } from '../forward.ts';
import { KeyHealth, KeySelector } from '../key-selector.ts';
import { findEndpoint, providers } from '../providers.ts';
import type { ResponseHead } from '../pipeline.ts';
import { responseCache } from './response-cache.ts';
import { sampleTokenRow } from './test-rows.ts';

const NOW = 1_700_000_123_000;
const CACHE_SETTINGS = { defaultTtlSeconds: 300, sharedAcrossTokens: false };
const RESULT: ForwardResult = { status: 200, aborted: false, errorCode: null, upstreamMs: 5, bytesOut: 10, streamed: false, attempts: 1 };
const HEAD: ResponseHead = { status: 200, headers: { 'content-type': 'application/json' }, contentType: 'application/json' };

const tokenRow = (): TokenRow => sampleTokenRow();

function exchange(): ProxyExchange {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/v1/chat/completions?api-version=1';
  req.headers = { 'content-type': 'application/json', 'cache-control': 'max-age=60' };
  const x = newExchange(req, new ServerResponse(req), 'req-42', new RequestTrace(req, 'req-42', 1_000), '/v1/chat/completions', 'api-version=1');
  x.auth = {
    token: tokenRow(),
    upstream: {
      projectId: 'proj-1',
      projectName: 'Project',
      provider: providers.openai,
      baseUrl: 'http://127.0.0.1:9',
      keys: new KeySelector(
        [{ id: 'key-1', label: 'default', weight: 1, apiKey: 'sk-upstream-1' }],
        new KeyHealth({ cooldownMs: 1_000, authCooldownMs: 10_000, maxCooldownMs: 20_000 }),
      ),
      limits: { defaultRpm: null, defaultTpm: null, sharedRpm: null, sharedTpm: null, sharedKey: 'fp' },
      cache: CACHE_SETTINGS,
      transformations: {},
      prices: {},
      monthlyBudgetUsd: null,
    },
  };
  x.provider = providers.openai;
  x.endpoint = findEndpoint(providers.openai, 'POST', '/v1/chat/completions');
  x.body = Buffer.from('{"model":"gpt-4o","messages":[]}');
  x.model = 'gpt-4o';
  x.trace.model = 'gpt-4o';
  return x;
}

interface Recorded {
  lookups: CacheRequest[];
  cacheHits: [string, number][];
  tokens: unknown[][];
  events: RequestEvent[];
  log: string[];
}

function deps(lookup: CacheLookup, recordEvent?: (event: RequestEvent) => Promise<void>) {
  const rec: Recorded = { lookups: [], cacheHits: [], tokens: [], events: [], log: [] };
  const unused = () => Promise.reject(new Error('not used by the pass'));
  const cache: ResponseCache = {
    async lookup(request) {
      rec.lookups.push(request);
      return lookup;
    },
    purge: unused,
    count: unused,
    stats: unused,
    useStore: unused,
    close: unused,
  };
  const usage: UsageRecorder = {
    recordRequest: () => rec.log.push('recordRequest'),
    recordTokens: (...args) => void rec.tokens.push(args),
    recordCacheHit: (tokenId, now) => {
      rec.cacheHits.push([tokenId, now]);
      rec.log.push('cacheHit');
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
  const events = {
    record: async (event: RequestEvent) => {
      rec.events.push(event);
      rec.log.push('event');
      await recordEvent?.(event);
      rec.log.push('event stored');
    },
  };
  return { rec, pass: responseCache({ cache, usage, events, clock: { now: () => NOW } }) };
}

function hit(streamed: boolean): CacheHit & { sent: [ServerResponse, string][] } {
  const sent: [ServerResponse, string][] = [];
  return { hit: true, status: 'hit', answer: { status: 200, streamed }, sent, send: (res, requestId) => void sent.push([res, requestId]) };
}

function miss(capture: ResponseCapture | undefined, status: 'miss' | 'bypass' = 'miss'): CacheMiss & { stored: [ForwardOutcome, ServerResponse][] } {
  const stored: [ForwardOutcome, ServerResponse][] = [];
  const headers =
    status === 'miss'
      ? { 'x-proxy-cache': 'MISS', 'cache-status': 'llm-proxy; fwd=miss' }
      : { 'x-proxy-cache': 'BYPASS', 'cache-status': 'llm-proxy; fwd=bypass; detail=off' };
  return { hit: false, status, headers, capture, stored, store: (outcome, res) => void stored.push([outcome, res]) };
}

describe('response-cache: lookup', () => {
  it('looks up with the request as it will be forwarded', async () => {
    const { rec, pass } = deps(miss(undefined));
    const x = exchange();
    await pass.onRequest(x);
    expect(rec.lookups).toHaveLength(1);
    const request = rec.lookups[0]!;
    expect(request).toEqual({
      method: 'POST',
      path: '/v1/chat/completions',
      search: 'api-version=1',
      headers: x.req.headers,
      bodyKind: 'json',
      body: x.body,
      tokenId: 'tok-1',
      projectId: 'proj-1',
      settings: CACHE_SETTINGS,
    });
    expect(request.body).toBe(x.body);
  });

  it('answers a hit itself: cache hit counted, event stored, then the answer sent', async () => {
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    const lookup = hit(true);
    const answer = deps(lookup, () => stored);
    const x = exchange();
    const outcome = answer.pass.onRequest(x);
    // The event is being stored: the client has not seen the answer yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(answer.rec.log).toEqual(['cacheHit', 'event']);
    expect(lookup.sent).toEqual([]);
    release();
    await expect(outcome).resolves.toBe('answered');
    expect(lookup.sent).toEqual([[x.res, 'req-42']]);
    expect(answer.rec.cacheHits).toEqual([['tok-1', NOW]]);
    expect(answer.rec.events).toHaveLength(1);
    expect(answer.rec.events[0]).toMatchObject({ requestId: 'req-42', status: 200, errorCode: null, streamed: true, cache: 'hit', model: 'gpt-4o' });
    expect(x.trace.cache).toBe('hit');
    expect(x.cacheMiss).toBeNull();
    expect(x.responseHeaders).toEqual({});
    expect(answer.rec.lookups).toHaveLength(1);
  });

  it('keeps a miss for later and adds its headers beside the others', async () => {
    const lookup = miss(new ResponseCapture(1_000));
    const { rec, pass } = deps(lookup);
    const x = exchange();
    x.responseHeaders['x-ratelimit-limit-requests'] = '60';
    await expect(pass.onRequest(x)).resolves.toBeUndefined();
    expect(x.cacheMiss).toBe(lookup);
    expect(x.trace.cache).toBe('miss');
    expect(x.responseHeaders).toEqual({ 'x-ratelimit-limit-requests': '60', 'x-proxy-cache': 'MISS', 'cache-status': 'llm-proxy; fwd=miss' });
    expect(rec.cacheHits).toEqual([]);
    expect(rec.events).toEqual([]);
  });

  it('records a bypass on the trace', async () => {
    const { pass } = deps(miss(undefined, 'bypass'));
    const x = exchange();
    await pass.onRequest(x);
    expect(x.trace.cache).toBe('bypass');
    expect(x.responseHeaders['x-proxy-cache']).toBe('BYPASS');
  });
});

describe('response-cache: capture and store', () => {
  it('copies every chunk of a miss into its capture', async () => {
    const capture = new ResponseCapture(1_000);
    const { pass } = deps(miss(capture));
    const x = exchange();
    await pass.onRequest(x);
    const tap = pass.onStream(x, HEAD);
    expect(tap).not.toBeNull();
    tap!.write(Buffer.from('{"id":'));
    tap!.write(Buffer.from('"chatcmpl-1"}'));
    tap!.end();
    expect(capture.body()?.toString()).toBe('{"id":"chatcmpl-1"}');
  });

  it('has no tap when nothing will be stored (bypass, or no lookup)', async () => {
    const { pass } = deps(miss(undefined, 'bypass'));
    const x = exchange();
    await pass.onRequest(x);
    expect(pass.onStream(x, HEAD)).toBeNull();
    expect(pass.onStream(exchange(), HEAD)).toBeNull();
  });

  it("hands the answer's outcome and the response to store when it ends", async () => {
    const lookup = miss(new ResponseCapture(1_000));
    const { pass } = deps(lookup);
    const x = exchange();
    await pass.onRequest(x);
    pass.onEnd!(x, RESULT);
    expect(lookup.stored).toEqual([[RESULT, x.res]]);
  });

  it('stores nothing and does not throw without a lookup', () => {
    const { pass } = deps(miss(undefined));
    expect(() => pass.onEnd!(exchange(), RESULT)).not.toThrow();
  });
});
