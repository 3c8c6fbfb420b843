// Header hygiene at both edges of the proxy: what the client sent that must not reach the upstream,
// and what the upstream sent that must not reach the client.
import type { IncomingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1: these describe one connection, never the end-to-end message. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection', // non-standard, but old clients still send it
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // Both concern the proxy itself (RFC 9110 §11.7), not the origin behind it.
  'proxy-authorization',
  'proxy-authenticate',
];

/** Names listed in `Connection` are hop-by-hop too (RFC 9110 §7.6.1), e.g. `Connection: close, X-Foo`. */
function namesListedInConnection(headers: IncomingHttpHeaders): string[] {
  const value = headers.connection;
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

function flatten(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Node already joins repeated request headers; arrays only remain for a few (set-cookie).
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Request headers that are the client's own or describe the hop to us, never to be forwarded. */
const CLIENT_ONLY = new Set([
  // The client's credential is a proxy token; the caller adds the project's real key instead.
  'authorization',
  'x-api-key',
  'api-key',
  // undici sets Host from the upstream origin and Content-Length from the body it actually sends
  // (the caller may have rewritten the JSON, e.g. to ask for stream usage).
  'host',
  'content-length',
  // Cookies for the proxy's host mean nothing to the upstream and could leak a session.
  'cookie',
  // The upstream must not learn the client's addresses or our topology; the proxy is the client now.
  'forwarded',
  'x-real-ip',
  // undici refuses `Expect` outright; Node already answered any 100-continue to the client.
  'expect',
  // Some servers run a different method than the one the endpoint allow-list judged.
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
]);

/**
 * The headers to send upstream for one client request: the client's headers minus hop-by-hop
 * headers (RFC 9110 §7.6.1, including every name listed in `Connection`), minus the client's
 * credentials and proxy-internal headers, plus `accept-encoding: identity`.
 *
 * Why identity: the proxy reads token usage out of the response body as it streams past
 * (JSON `usage` or the final SSE chunk). A gzip/br body would have to be decompressed just to
 * read it, so we ask the upstream for an uncompressed body; the client still gets the bytes
 * exactly as the upstream sent them. The loopback/LAN hop to the client does not need compression.
 */
export function requestHeadersForUpstream(incoming: IncomingHttpHeaders): Record<string, string> {
  const drop = new Set([...HOP_BY_HOP, ...namesListedInConnection(incoming)]);
  const out: Record<string, string> = {};
  for (const [rawName, rawValue] of Object.entries(incoming)) {
    const name = rawName.toLowerCase();
    if (drop.has(name) || CLIENT_ONLY.has(name) || name.startsWith('x-forwarded-')) continue;
    const value = flatten(rawValue);
    if (value !== undefined) out[name] = value;
  }
  out['accept-encoding'] = 'identity';
  return out;
}

export interface ResponseHeaderOptions {
  /**
   * True when the proxy passes the body bytes through unchanged, so the upstream Content-Length
   * still describes them. False when the body is re-chunked or rewritten: Node then frames it.
   */
  bodyUnchanged: boolean;
}

/**
 * The headers to send to the client for one upstream response: the upstream's headers minus
 * hop-by-hop headers (and names listed in its `Connection`), minus `set-cookie` (an upstream's
 * cookies would be stored for the proxy's origin and shared by every user of it), minus `location` and
 * `refresh` (a redirect would lead a client carrying its proxy token to another server), minus
 * `content-length` when the body is not passed through unchanged. The upstream `x-request-id` is
 * kept as `x-upstream-request-id`, because `x-request-id` is the proxy's own id for the request
 * (the caller sets it) and both are needed to trace a request with the provider.
 */
export function responseHeadersForClient(upstream: IncomingHttpHeaders, options: ResponseHeaderOptions): Record<string, string | string[]> {
  // Location / Refresh would send a client, still carrying its proxy token, to wherever the upstream says.
  const drop = new Set([...HOP_BY_HOP, ...namesListedInConnection(upstream), 'set-cookie', 'set-cookie2', 'location', 'refresh']);
  if (!options.bodyUnchanged) drop.add('content-length');
  const out: Record<string, string | string[]> = {};
  for (const [rawName, value] of Object.entries(upstream)) {
    const name = rawName.toLowerCase();
    if (value === undefined || drop.has(name)) continue;
    if (name === 'x-request-id') out['x-upstream-request-id'] = value;
    else out[name] = value;
  }
  return out;
}
