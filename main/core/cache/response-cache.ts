// The response cache the proxy consults: `lookup` before forwarding (a fresh stored answer is sent at
// once), `store` after a complete answer, plus stats and purge for the AdminApi. Which store holds the
// answers (memory or Redis) is decided where the app is composed.
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { ResponseCapture, isCompleteEventStream } from './capture.ts';
import { baseKey, endpointOf, parseKey, purgeMatcher, variantKey, varyIndexKey, type PurgeSelector } from './keys.ts';
import { cacheStatus, judgeRequest, judgeResponse, policyFactory, policyRequest, type ProjectCacheSettings } from './policy.ts';
import type { AnswerRecord, CacheStore } from './store.ts';

export interface CacheRequest {
  method: string;
  path: string;
  search: string | undefined;
  headers: IncomingHttpHeaders;
  /** How the endpoint's body is read (multipart uploads are never cached). */
  bodyKind: 'json' | 'multipart' | 'none';
  /** The body as forwarded: keyed by its bytes. A stream (an upload) is never cached. */
  body: Buffer | Readable | null;
  tokenId: string;
  projectId: string;
  settings: ProjectCacheSettings;
}

/** What forward reports back, as far as storing is concerned. */
export interface ForwardOutcome {
  status: number;
  aborted: boolean;
  errorCode: string | null;
  streamed: boolean;
}

export interface CacheHit {
  hit: true;
  status: 'hit';
  /** The stored answer's status and whether it is an event stream (for the request event). */
  answer: { status: number; streamed: boolean };
  /** Sends the stored answer (or 304 to a matching conditional request). */
  send(res: ServerResponse, requestId: string): void;
}

export interface CacheMiss {
  hit: false;
  status: 'miss' | 'bypass';
  /** X-Proxy-Cache and Cache-Status for the forwarded answer. */
  headers: Record<string, string>;
  /** Hand to forward: keeps a copy of the body while it streams (undefined when nothing will be stored). */
  capture: ResponseCapture | undefined;
  /** After forward: stores the answer when it is complete and cacheable. Never throws, never waits. */
  store(outcome: ForwardOutcome, res: ServerResponse): void;
}

export type CacheLookup = CacheHit | CacheMiss;

export interface CacheStats {
  store: 'memory' | 'redis' | 'off';
  entries: number;
  bytes: number;
  maxBytes: number | null;
  maxObjectBytes: number;
  defaultTtlSeconds: number;
  hits: number;
  misses: number;
  bypasses: number;
  stored: number;
  since: number;
  partial: boolean;
  endpoints: { endpoint: string; entries: number; bytes: number; hits: number }[];
}

export interface ResponseCache {
  lookup(request: CacheRequest): Promise<CacheLookup>;
  purge(selector: PurgeSelector): Promise<number>;
  /** How many answers `purge(selector)` would delete now, deleting nothing. */
  count(selector: PurgeSelector): Promise<number>;
  /**
   * Keeps answers in another store from the next request on (a Redis or a cache size changed at run
   * time); the previous store is closed. Counters stay.
   */
  useStore(next: Pick<ResponseCacheOptions, 'store' | 'namespace' | 'maxBytes'>): Promise<void>;
  stats(): Promise<CacheStats>;
  close(): Promise<void>;
}

export interface ResponseCacheOptions {
  /** null: the cache is off (every request passes by). */
  store: CacheStore | null;
  /** Key namespace; on Redis it starts with the configured prefix. */
  namespace: string;
  clock: Clock;
  log: Logger;
  maxBytes: number | null;
  maxObjectBytes: number;
  /** Server-wide default TTL for POST answers (seconds; 0 = opt-in only). */
  defaultTtlSeconds: number;
}

/** Headers that belong to one exchange, not to the stored answer. */
const PER_EXCHANGE = new Set([
  'x-request-id',
  'x-proxy-cache',
  'cache-status',
  'age',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'retry-after',
  'retry-after-ms',
]);
const MAX_TRACKED_ENDPOINTS = 500;

function bypass(detail: string): CacheMiss {
  return {
    hit: false,
    status: 'bypass',
    headers: { 'x-proxy-cache': 'BYPASS', 'cache-status': cacheStatus({ hit: false, fwd: 'bypass', detail }) },
    capture: undefined,
    store: () => undefined,
  };
}
const BYPASS = {
  off: bypass('off'),
  method: bypass('method'),
  body: bypass('body'),
  'no-store': bypass('no-store'),
  'not-opted-in': bypass('not-opted-in'),
  unavailable: bypass('store-unavailable'),
} as const;

export function createResponseCache(opts: ResponseCacheOptions): ResponseCache {
  const { clock, log } = opts;
  let { store, namespace, maxBytes } = opts;
  const factory = policyFactory(clock);
  const counters = { hits: 0, misses: 0, bypasses: 0, stored: 0, since: clock.now() };
  const hitsByEndpoint = new Map<string, number>();

  const countHit = (key: string) => {
    counters.hits++;
    const parsed = parseKey(namespace, key);
    if (!parsed) return;
    const endpoint = endpointOf(parsed);
    if (hitsByEndpoint.size >= MAX_TRACKED_ENDPOINTS && !hitsByEndpoint.has(endpoint)) return;
    hitsByEndpoint.set(endpoint, (hitsByEndpoint.get(endpoint) ?? 0) + 1);
  };

  const hit = (key: string, answer: AnswerRecord, ageSeconds: number, ttlMs: number, request: CacheRequest): CacheHit => ({
    hit: true,
    status: 'hit',
    answer: { status: answer.status, streamed: isEventStreamType(answer.headers['content-type']) },
    send(res, requestId) {
      countHit(key);
      for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.setHeader('age', String(Math.max(0, Math.floor(ageSeconds))));
      res.setHeader('x-request-id', requestId);
      res.setHeader('x-proxy-cache', 'HIT');
      res.setHeader('cache-status', cacheStatus({ hit: true, ttlSeconds: Math.max(0, Math.floor(ttlMs / 1000)) }));
      if (notModified(request.headers, answer.headers)) {
        res.writeHead(304);
        res.end();
        return;
      }
      res.setHeader('content-length', String(answer.body.length));
      res.writeHead(answer.status);
      res.end(answer.body);
    },
  });

  const miss = (request: CacheRequest, target: string, base: string, ttlSeconds: number, fwd: 'miss' | 'request' | 'stale'): CacheMiss => {
    counters.misses++;
    const capture = new ResponseCapture(opts.maxObjectBytes);
    return {
      hit: false,
      status: 'miss',
      headers: { 'x-proxy-cache': 'MISS', 'cache-status': cacheStatus({ hit: false, fwd }) },
      capture,
      store(outcome, res) {
        if (!store || outcome.aborted || outcome.errorCode !== null || outcome.status !== 200) return;
        const body = capture.body();
        if (!body || (outcome.streamed && !isCompleteEventStream(body))) return;
        const headers = storedHeaders(res.getHeaders());
        const verdict = judgeResponse(
          factory,
          { method: request.method, target, headers: request.headers, ttlSeconds },
          { status: outcome.status, headers, streamed: outcome.streamed },
        );
        if (!verdict.store) return;
        const record: AnswerRecord = { kind: 'answer', status: outcome.status, headers, policy: verdict.policy.toObject(), storedAt: clock.now(), body };
        // The latest answer decides whether this key varies: the other layout's record is removed.
        const writes = verdict.vary.length
          ? [
              store.set(varyIndexKey(base), { kind: 'vary', fields: verdict.vary }, verdict.ttlMs),
              store.set(variantKey(base, verdict.vary, request.headers), record, verdict.ttlMs),
              store.delete([base]),
            ]
          : [store.set(base, record, verdict.ttlMs), store.delete([varyIndexKey(base)])];
        Promise.all(writes).then(
          () => void counters.stored++,
          (err: unknown) => log.warn({ err: (err as Error)?.message }, 'cache store failed'),
        );
      },
    };
  };

  return {
    async lookup(request) {
      if (!store) {
        counters.bypasses++;
        return BYPASS.off;
      }
      const verdict = judgeRequest(request.method, request.bodyKind, request.headers, request.settings.defaultTtlSeconds ?? opts.defaultTtlSeconds);
      if (!verdict.cacheable) {
        counters.bypasses++;
        return BYPASS[verdict.reason];
      }
      if (request.body !== null && !(request.body instanceof Buffer)) {
        counters.bypasses++;
        return BYPASS.body;
      }
      const target = request.search ? `${request.path}?${request.search}` : request.path;
      const base = baseKey(namespace, {
        projectId: request.projectId,
        tokenId: request.settings.sharedAcrossTokens ? null : request.tokenId,
        method: request.method,
        target,
        body: request.body,
        headers: request.headers,
      });
      if (verdict.skipLookup) return miss(request, target, base, verdict.ttlSeconds, 'request');

      let key = base;
      let answer: AnswerRecord | undefined;
      try {
        const [plain, index] = await store.getMany([base, varyIndexKey(base)]);
        if (index?.kind === 'vary') {
          key = variantKey(base, index.fields, request.headers);
          const [variant] = await store.getMany([key]);
          if (variant?.kind === 'answer') answer = variant;
        } else if (plain?.kind === 'answer') {
          answer = plain;
        }
      } catch (err) {
        log.debug({ err: (err as Error)?.message }, 'cache lookup failed');
        counters.bypasses++;
        return BYPASS.unavailable;
      }
      if (!answer) return miss(request, target, base, verdict.ttlSeconds, 'miss');
      const policy = factory.restore(answer.policy);
      const evaluation = policy.evaluateRequest(policyRequest(request.method, target, request.headers));
      if (!evaluation.response || evaluation.revalidation) return miss(request, target, base, verdict.ttlSeconds, 'stale');
      return hit(key, answer, policy.age(), policy.timeToLive(), request);
    },

    async purge(selector) {
      if (!store) return 0;
      const matcher = purgeMatcher(namespace, selector);
      return store.purge(matcher.glob, matcher.matches);
    },

    async count(selector) {
      if (!store) return 0;
      const matcher = purgeMatcher(namespace, selector);
      return store.count(matcher.glob, matcher.matches);
    },

    async useStore(next) {
      const previous = store;
      ({ store, namespace, maxBytes } = next);
      if (previous !== store) await previous?.close();
    },

    async stats() {
      const usage = store ? await store.usage() : { entries: 0, bytes: 0, endpoints: new Map<string, { entries: number; bytes: number }>(), partial: false };
      const names = new Set([...usage.endpoints.keys(), ...hitsByEndpoint.keys()]);
      const endpoints = [...names]
        .map((endpoint) => ({
          endpoint,
          entries: usage.endpoints.get(endpoint)?.entries ?? 0,
          bytes: usage.endpoints.get(endpoint)?.bytes ?? 0,
          hits: hitsByEndpoint.get(endpoint) ?? 0,
        }))
        .sort((a, b) => b.entries - a.entries || b.hits - a.hits || a.endpoint.localeCompare(b.endpoint))
        .slice(0, 10);
      return {
        store: store?.kind ?? 'off',
        entries: usage.entries,
        bytes: usage.bytes,
        maxBytes: store?.kind === 'memory' ? maxBytes : null,
        maxObjectBytes: opts.maxObjectBytes,
        defaultTtlSeconds: opts.defaultTtlSeconds,
        ...counters,
        partial: usage.partial,
        endpoints,
      };
    },

    async close() {
      await store?.close();
    },
  };
}

function isEventStreamType(value: string | string[] | undefined): boolean {
  return typeof value === 'string' && value.split(';')[0]!.trim().toLowerCase() === 'text/event-stream';
}

function storedHeaders(sent: OutgoingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(sent)) {
    if (value === undefined || PER_EXCHANGE.has(name) || name.startsWith('x-ratelimit-')) continue;
    out[name] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

/** If-None-Match against the stored ETag (weak comparison, as RFC 9110 asks for GET/HEAD caches). */
function notModified(request: IncomingHttpHeaders, stored: Record<string, string | string[]>): boolean {
  const condition = request['if-none-match'];
  const etag = stored.etag;
  if (!condition || typeof etag !== 'string') return false;
  if (condition.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return condition.split(',').some((tag) => bare(tag) === bare(etag));
}
