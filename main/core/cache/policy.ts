// When an answer may be stored and reused, by standard HTTP caching rules (http-cache-semantics, as a
// shared cache): the upstream's Cache-Control (max-age, s-maxage, no-store, private, no-cache), Expires
// and Vary; the client's request directives (no-cache, no-store, max-age, min-fresh, max-stale).
// LLM providers rarely send freshness themselves, so a POST is cached only when it opts in the way the
// Go proxy did (`Cache-Control: public, max-age=N`) or its project sets a default TTL; the policy then
// gets that freshness as if the upstream had sent it, also over the upstream's `no-cache`/`max-age=0`
// (as the Go proxy did), never over its `no-store`/`private`.
import type { IncomingHttpHeaders } from 'node:http';
import CachePolicy from 'http-cache-semantics';
import type { Clock } from '../clock.ts';

/** Caching settings of the project a request belongs to. */
export interface ProjectCacheSettings {
  /** Seconds POST answers are kept without an opt-in; null = the server's default. */
  defaultTtlSeconds: number | null;
  /** Tokens of the project share cached answers (else each token has its own). */
  sharedAcrossTokens: boolean;
}

export type RequestVerdict =
  /** Never looked up, never stored (the reason goes into Cache-Status). */
  | { cacheable: false; reason: 'method' | 'body' | 'no-store' | 'not-opted-in' }
  | {
      cacheable: true;
      /** Freshness to give the answer when the upstream sets none (seconds; 0 = only the upstream's). */
      ttlSeconds: number;
      /** `no-cache` from the client: go upstream, but the fresh answer may be stored. */
      skipLookup: boolean;
    };

const CACHEABLE_METHODS = new Set(['GET', 'POST']);

/** Cache-Control as a map of lower-case directives (`true` for bare ones). */
export function parseCacheControl(value: string | string[] | undefined): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  if (!value) return out;
  for (const part of (Array.isArray(value) ? value.join(',') : value).split(',')) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name) continue;
    out[name] =
      eq === -1
        ? true
        : part
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
  }
  return out;
}

function seconds(value: string | true | undefined): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return 0;
  return Math.min(Number(value), 31_536_000);
}

/**
 * Decides from the request alone whether the cache takes part. GET answers are looked up and stored
 * when the upstream (or a default TTL) says so; POST needs the client's opt-in or a default TTL.
 */
export function judgeRequest(method: string, bodyKind: 'json' | 'multipart' | 'none', headers: IncomingHttpHeaders, defaultTtlSeconds: number): RequestVerdict {
  if (!CACHEABLE_METHODS.has(method)) return { cacheable: false, reason: 'method' };
  // Uploads stream through unread: there is no body to key on.
  if (bodyKind === 'multipart') return { cacheable: false, reason: 'body' };
  const cc = parseCacheControl(headers['cache-control']);
  if (cc['no-store']) return { cacheable: false, reason: 'no-store' };
  const optIn = cc.public ? seconds(cc['s-maxage']) || seconds(cc['max-age']) : 0;
  const ttlSeconds = optIn || defaultTtlSeconds;
  if (method === 'POST' && ttlSeconds === 0) return { cacheable: false, reason: 'not-opted-in' };
  // RFC 9111 §5.4: Pragma counts only when the request has no Cache-Control.
  const pragma = headers['cache-control'] === undefined ? headers.pragma : undefined;
  return { cacheable: true, ttlSeconds, skipLookup: cc['no-cache'] === true || (typeof pragma === 'string' && /no-cache/i.test(pragma)) };
}

/** Request headers never kept in a policy (a cached entry must not hold credentials). */
const SECRET_REQUEST_HEADERS = new Set(['authorization', 'x-api-key', 'proxy-authorization', 'cookie']);

/**
 * The request as the policy sees it. Credentials and Host are left out: the key already scopes an
 * answer to its project (and token), and clients reach one proxy under several host names.
 */
export function policyRequest(method: string, target: string, headers: IncomingHttpHeaders, only?: readonly string[]): CachePolicy.Request {
  const out: CachePolicy.Headers = {};
  const names = only ?? Object.keys(headers);
  const hasCacheControl = headers['cache-control'] !== undefined;
  for (const name of names) {
    if (name === 'host' || SECRET_REQUEST_HEADERS.has(name)) continue;
    // RFC 9111 §5.4: with Cache-Control present, Pragma is ignored (fetch adds `Pragma: no-cache` to conditional requests).
    if (name === 'pragma' && hasCacheControl) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  return { method, url: target, headers: out };
}

/** The response header names a policy needs (freshness and Vary); everything else stays in the record. */
const POLICY_RESPONSE_HEADERS = ['cache-control', 'expires', 'date', 'age', 'vary', 'pragma', 'last-modified', 'etag'];

/** A policy whose clock is the app's (tests move it), not Date.now. */
export type PolicyFactory = {
  create(req: CachePolicy.Request, res: CachePolicy.Response): CachePolicy;
  restore(object: CachePolicy.CachePolicyObject): CachePolicy;
};

export function policyFactory(clock: Clock): PolicyFactory {
  class ClockedPolicy extends CachePolicy {
    // Not in the type declarations, but the library reads the time only through it.
    now(): number {
      return clock.now();
    }
  }
  return {
    // A shared cache, and no heuristic freshness: an answer without explicit freshness is not reused.
    create: (req, res) => new ClockedPolicy(req, res, { shared: true, cacheHeuristic: 0 }),
    restore: (object) => ClockedPolicy.fromObject(object),
  };
}

export type StoreVerdict = { store: true; policy: CachePolicy; ttlMs: number; vary: string[] } | { store: false; reason: string };

type ResponseFacts = { status: number; headers: Record<string, string | string[] | number | undefined>; streamed?: boolean };
type RequestFacts = { method: string; target: string; headers: IncomingHttpHeaders; ttlSeconds: number };

/** Upstream directives that say "do not reuse without asking me"; an opted-in POST overrides them. */
const REVALIDATE_DIRECTIVES = new Set(['no-cache', 'must-revalidate', 'proxy-revalidate']);

/**
 * Decides whether a complete 200 answer is stored, and for how long. The upstream's `no-store` and
 * `private` always refuse. A POST that opted in (or whose project has a default TTL) follows the Go
 * proxy: the upstream's own positive freshness wins, and otherwise — no freshness, `no-cache`,
 * `max-age=0`, `must-revalidate`, a past `Expires`, which many API servers send on every answer — the
 * opt-in sets the TTL. GET (and a stream's own rules) stay strict RFC 9111: only explicit upstream
 * freshness, or the TTL when the upstream gives none.
 */
export function judgeResponse(factory: PolicyFactory, request: RequestFacts, response: ResponseFacts): StoreVerdict {
  if (response.status !== 200) return { store: false, reason: 'status' };
  const resHeaders: CachePolicy.Headers = {};
  for (const name of POLICY_RESPONSE_HEADERS) {
    const value = response.headers[name];
    if (value !== undefined) resHeaders[name] = typeof value === 'number' ? String(value) : value;
  }
  const cc = parseCacheControl(resHeaders['cache-control']);
  if (cc['no-store'] || cc.private) return { store: false, reason: 'response-cache-control' };
  const vary = varyFields(resHeaders.vary);
  if (vary.includes('*')) return { store: false, reason: 'vary-star' };
  const policyOf = (headers: CachePolicy.Headers) =>
    factory.create(policyRequest(request.method, request.target, request.headers, [...vary, 'cache-control', 'pragma']), { status: response.status, headers });

  let policy: CachePolicy;
  if (request.method === 'POST' && request.ttlSeconds > 0 && !response.streamed) {
    const upstreamPolicy = [...REVALIDATE_DIRECTIVES].some((name) => cc[name]) ? null : policyOf(resHeaders);
    policy = upstreamPolicy && upstreamPolicy.timeToLive() > 0 ? upstreamPolicy : policyOf(withTtl(resHeaders, cc, request.ttlSeconds));
  } else {
    // Event streams conventionally say `no-cache` (so intermediaries pass events on at once; forward adds
    // it when the upstream does not). For a stream the client opted in to caching, it is not a refusal.
    if (response.streamed && request.ttlSeconds > 0) delete cc['no-cache'];
    // must-revalidate: http-cache-semantics never serves such an answer without asking upstream again.
    if (cc['no-cache'] || cc['must-revalidate']) return { store: false, reason: 'response-cache-control' };
    const explicit = cc['s-maxage'] !== undefined || cc['max-age'] !== undefined || resHeaders.expires !== undefined;
    if (!explicit || response.streamed) {
      if (request.ttlSeconds <= 0) return { store: false, reason: 'no-freshness' };
      resHeaders['cache-control'] = directives(cc, ['public', 'max-age', 's-maxage'], request.ttlSeconds);
    }
    policy = policyOf(resHeaders);
  }
  if (!policy.storable()) return { store: false, reason: 'not-storable' };
  const ttlMs = policy.timeToLive();
  if (ttlMs <= 0) return { store: false, reason: 'expired' };
  return { store: true, policy, ttlMs, vary };
}

/** The upstream's freshness headers replaced by `public, max-age=<ttl>` (its other directives kept). */
function withTtl(headers: CachePolicy.Headers, cc: Record<string, string | true>, ttlSeconds: number): CachePolicy.Headers {
  const { expires: _expires, pragma: _pragma, ...rest } = headers;
  return { ...rest, 'cache-control': directives(cc, ['public', 'max-age', 's-maxage', ...REVALIDATE_DIRECTIVES], ttlSeconds) };
}

function directives(cc: Record<string, string | true>, drop: readonly string[], ttlSeconds: number): string {
  const kept = Object.entries(cc).filter(([name]) => !drop.includes(name));
  return [...kept.map(([k, v]) => (v === true ? k : `${k}=${v}`)), 'public', `max-age=${ttlSeconds}`].join(', ');
}

export function varyFields(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const fields = (Array.isArray(value) ? value.join(',') : value)
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(fields)].sort();
}

/** RFC 9211 Cache-Status, with this proxy as the cache: `llm-proxy; hit; ttl=42`, `llm-proxy; fwd=miss`. */
export function cacheStatus(
  outcome: { hit: true; ttlSeconds: number } | { hit: false; fwd: 'miss' | 'bypass' | 'request' | 'stale'; detail?: string },
): string {
  if (outcome.hit) return `llm-proxy; hit; ttl=${outcome.ttlSeconds}`;
  return `llm-proxy; fwd=${outcome.fwd}${outcome.detail ? `; detail=${outcome.detail}` : ''}`;
}
