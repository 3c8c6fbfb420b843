// Errors on the /v1 proxy path: a stable `code`, an HTTP status and an OpenAI error `type`, written in
// the OpenAI error shape so every OpenAI client library surfaces them like an upstream error.
// Messages are fixed strings per code: they never echo a token, a key or an upstream error message.
import type { ServerResponse } from 'node:http';

export type ProxyErrorCode =
  | 'invalid_api_key'
  | 'token_expired'
  | 'token_revoked'
  | 'project_inactive'
  | 'model_not_allowed'
  | 'model_not_found'
  | 'endpoint_not_allowed'
  | 'quota_exceeded'
  | 'budget_exceeded'
  | 'rate_limited'
  | 'limits_unavailable'
  | 'body_too_large'
  | 'invalid_json'
  | 'request_aborted'
  | 'request_body_timeout'
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_bad_response'
  | 'upstream_unavailable'
  | 'no_upstream_key'
  | 'pass_failed'
  | 'internal_error';

/** The `error.type` values OpenAI clients know; the SDKs pick their exception class from the status. */
export type OpenAIErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'rate_limit_error' | 'server_error';

interface CodeInfo {
  status: number;
  type: OpenAIErrorType;
  message: string;
}

const codes: Record<ProxyErrorCode, CodeInfo> = {
  invalid_api_key: { status: 401, type: 'authentication_error', message: 'Invalid or unknown API key.' },
  token_expired: { status: 401, type: 'authentication_error', message: 'This token has expired.' },
  token_revoked: { status: 401, type: 'authentication_error', message: 'This token has been revoked.' },
  project_inactive: { status: 403, type: 'permission_error', message: 'The project of this token is inactive.' },
  model_not_allowed: { status: 403, type: 'permission_error', message: 'This token may not use the requested model.' },
  // What OpenAI answers for a model you cannot see: a token's catalogue holds only its allowed models.
  model_not_found: { status: 404, type: 'invalid_request_error', message: 'The model does not exist or you do not have access to it.' },
  // 403, not 404: the client is authenticated and the endpoint exists upstream, so telling it that its
  // token's policy refuses the endpoint helps it most. 404 would hide the policy, but the endpoint
  // list is the public OpenAI API anyway, so nothing is gained by hiding it; either would be correct.
  endpoint_not_allowed: { status: 403, type: 'permission_error', message: 'This token may not use this endpoint.' },
  quota_exceeded: { status: 429, type: 'rate_limit_error', message: 'Quota or rate limit exceeded for this token.' },
  // A token's lifetime budget or its project's monthly budget in USD is spent (main/core/money/budgets.ts).
  budget_exceeded: { status: 429, type: 'rate_limit_error', message: 'The budget of this token or its project is spent.' },
  // Retryable, unlike quota_exceeded: sent with Retry-After and OpenAI's x-ratelimit-* headers.
  rate_limited: { status: 429, type: 'rate_limit_error', message: 'Rate limit reached for this token. Try again later.' },
  // Only with limitsFailClosed, while Redis is unreachable.
  limits_unavailable: { status: 503, type: 'server_error', message: 'Rate limits cannot be checked right now. Try again shortly.' },
  body_too_large: { status: 413, type: 'invalid_request_error', message: 'Request body is too large.' },
  invalid_json: { status: 400, type: 'invalid_request_error', message: 'Request body is not valid JSON.' },
  // 499 is nginx's "client closed request": never reaches a client, but gives events and audit a code.
  request_aborted: { status: 499, type: 'invalid_request_error', message: 'The client closed the request.' },
  request_body_timeout: { status: 408, type: 'invalid_request_error', message: 'The request body stopped arriving; send it again.' },
  upstream_unreachable: { status: 502, type: 'server_error', message: 'Could not connect to the upstream API.' },
  upstream_timeout: { status: 504, type: 'server_error', message: 'The upstream API did not answer in time.' },
  upstream_bad_response: { status: 502, type: 'server_error', message: 'The upstream API closed the connection or sent an invalid response.' },
  upstream_unavailable: { status: 503, type: 'server_error', message: 'The upstream API is unavailable.' },
  // Every key of the project is disabled: an operator's choice, so not retryable by the client.
  no_upstream_key: { status: 503, type: 'server_error', message: 'The project has no enabled upstream key.' },
  // A pipeline pass threw (./pipeline.ts): the log names the pass.
  pass_failed: { status: 500, type: 'server_error', message: 'The proxy failed to process this request.' },
  internal_error: { status: 500, type: 'server_error', message: 'Internal proxy error.' },
};

export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  readonly status: number;
  readonly type: OpenAIErrorType;

  /** `message` replaces the default text; it must never contain a credential. `cause` is for logs only. */
  constructor(code: ProxyErrorCode, message?: string, options?: { cause?: unknown }) {
    const info = codes[code];
    super(message ?? info.message, options);
    this.name = 'ProxyError';
    this.code = code;
    this.status = info.status;
    this.type = info.type;
  }
}

export function isProxyError(value: unknown): value is ProxyError {
  return value instanceof ProxyError;
}

/** The OpenAI error body: `{"error":{"message","type","code","param":null}}`. */
export function proxyErrorBody(err: ProxyError): string {
  return JSON.stringify({ error: { message: err.message, type: err.type, code: err.code, param: null } });
}

/**
 * Tells the client about a failure at whatever point the response has reached:
 * before headers, a JSON error; inside an SSE stream, one `event: error` then the end (clients
 * such as the OpenAI SDK throw on it); inside any other body, a destroyed socket, because a
 * truncated body must not look complete.
 */
export function sendProxyError(res: ServerResponse, err: unknown, requestId: string, extraHeaders: Record<string, string> = {}): void {
  const error = isProxyError(err) ? err : new ProxyError('internal_error', undefined, { cause: err });
  if (res.destroyed || res.writableEnded) return;
  const body = proxyErrorBody(error);
  if (!res.headersSent) {
    // Headers staged for a response that then failed (e.g. the upstream's) must not mix into ours.
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const headers: Record<string, string | number> = {
      ...extraHeaders,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestId,
    };
    // The client may still be sending an oversized body: close the connection after the answer
    // rather than keep reading (and discarding) bytes we already refused.
    if (error.code === 'body_too_large' || error.code === 'request_body_timeout') headers.connection = 'close';
    res.writeHead(error.status, headers);
    res.end(body);
    return;
  }
  const contentType = String(res.getHeader('content-type') ?? '');
  if (contentType.toLowerCase().startsWith('text/event-stream')) {
    // The leading blank lines close whatever event the upstream left half-sent, so ours is parsed
    // on its own; after a complete event they are empty lines that SSE parsers skip.
    res.end(`\n\nevent: error\ndata: ${body}\n\n`);
    return;
  }
  res.destroy();
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const badResponseCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_INFO',
]);
// The dispatcher was closed or destroyed (shutdown in progress): retrying later can succeed.
const unavailableCodes = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);
const abortCodes = new Set(['UND_ERR_ABORTED', 'ABORT_ERR']);

function errorCodeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect (autoSelectFamily) rejects with an AggregateError of attempts.
  if (err instanceof AggregateError && err.errors.length > 0) return errorCodeOf(err.errors[0]);
  return undefined;
}

/** Maps an undici / socket error from the upstream call to a stable proxy error (the original kept as `cause`). */
export function mapUpstreamError(err: unknown): ProxyError {
  // A ProxyError raised by our own request body stream (limitStream) comes back through undici as-is.
  if (isProxyError(err)) return err;
  const cause = { cause: err };
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  const code = errorCodeOf(err) ?? errorCodeOf((err as { cause?: unknown } | null)?.cause);
  if (name === 'AbortError' || (code !== undefined && abortCodes.has(code))) {
    return new ProxyError('request_aborted', undefined, cause);
  }
  if (code === undefined) return new ProxyError('internal_error', undefined, cause);
  if (unreachableCodes.has(code)) return new ProxyError('upstream_unreachable', undefined, cause);
  if (timeoutCodes.has(code)) return new ProxyError('upstream_timeout', undefined, cause);
  if (unavailableCodes.has(code)) return new ProxyError('upstream_unavailable', undefined, cause);
  if (badResponseCodes.has(code) || code.startsWith('HPE_')) {
    return new ProxyError('upstream_bad_response', undefined, cause);
  }
  // TLS failures (bad or self-signed certificate, handshake errors): we never reached a trusted upstream.
  if (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT') || code.includes('SIGNATURE')) {
    return new ProxyError('upstream_unreachable', 'Could not establish a trusted TLS connection to the upstream API.', cause);
  }
  return new ProxyError('internal_error', undefined, cause);
}
