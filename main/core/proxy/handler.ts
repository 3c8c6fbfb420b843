// The `/v1/*` request path: token → endpoint → body → model → rate limits → quota → forward → account.
// Each refusal is an OpenAI-shaped error and a (batched) audit row; nothing here writes to disk inline.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { bearerOf } from '../bearer.ts';
import type { Clock } from '../clock.ts';
import { RequestTrace, type RequestEventRecorder } from '../events/request-trace.ts';
import { newId, validRequestId } from '../ids.ts';
import type { LimitDecision, RequestLimits } from '../limits/request-limits.ts';
import { redactString } from '../redact.ts';
import type { TokenGate, Refusal } from '../tokens/token-gate.ts';
import type { UsageRecorder } from '../tokens/usage-recorder.ts';
import { limitStream, readBody } from './body.ts';
import { findEndpoint, upstreamAuthHeaders, type Endpoint } from './endpoints.ts';
import { ProxyError, sendProxyError } from './errors.ts';
import { forward } from './forward.ts';
import { requestHeadersForUpstream } from './hop-by-hop.ts';
import { ensureStreamUsage } from './usage.ts';

export interface ProxyHandlerDeps {
  gate: TokenGate;
  usage: UsageRecorder;
  limits: RequestLimits;
  audit: AuditLog;
  /** Answers repeated cacheable requests without the upstream (../cache). */
  cache: ResponseCache;
  /** Every answered request becomes one event, stored before the client sees the end of the answer. */
  events: RequestEventRecorder;
  dispatcher: Dispatcher;
  clock: Clock;
  log: Logger;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

export function createProxyHandler(deps: ProxyHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = validRequestId(req.headers['x-request-id']) ?? newId();
    const trace = new RequestTrace(req, requestId, deps.clock.now());
    handle(deps, req, res, requestId, trace).catch(async (err: unknown) => {
      deps.log.error({ err: errorSummary(err), requestId }, 'proxy request failed');
      const error = err instanceof ProxyError ? err : new ProxyError('internal_error');
      await deps.events.record(trace.event({ status: error.status, errorCode: error.code }));
      sendProxyError(res, error, requestId);
    });
  };
}

async function handle(deps: ProxyHandlerDeps, req: IncomingMessage, res: ServerResponse, requestId: string, trace: RequestTrace): Promise<void> {
  const started = deps.clock.now();
  const [path = '', search] = splitUrl(req.url ?? '');
  const refuse = async (refusal: Refusal | 'endpoint_not_allowed' | 'rate_limited' | 'limits_unavailable', tokenId: string | null, projectId: string | null, details: Record<string, unknown> = {}, limited?: LimitDecision & { ok: false }) => {
    deps.audit.recordLater({
      actor: tokenId ? `token:${tokenId}` : 'anonymous',
      action: 'proxy.refused',
      outcome: 'denied',
      targetType: 'endpoint',
      targetId: `${req.method} ${path}`.slice(0, 200),
      projectId,
      tokenId,
      requestId,
      clientIp: req.socket.remoteAddress ?? null,
      details: { reason: refusal, ...details },
    });
    // A spent lifetime quota never comes back: tell the OpenAI SDKs not to retry it. A rate limit
    // frees up: Retry-After and x-ratelimit-* tell them when to try again.
    const headers = refusal === 'quota_exceeded' ? { 'x-should-retry': 'false' } : limited?.headers;
    const error = new ProxyError(refusal, limited?.message);
    await deps.events.record(trace.identify(tokenId, projectId).event({ status: error.status, errorCode: refusal }));
    sendProxyError(res, error, requestId, headers);
  };

  const auth = await deps.gate.authenticate(presentedToken(req));
  if (!auth.ok) return refuse(auth.refusal, auth.tokenId, auth.projectId);
  const { token, upstream } = auth.value;
  trace.identify(token.id, upstream.projectId);

  const endpoint = findEndpoint(upstream.provider, req.method ?? 'GET', path);
  if (!endpoint) return refuse('endpoint_not_allowed', token.id, upstream.projectId, { method: req.method, path: path.slice(0, 200) });

  const restrictsModels = token.allowedModels !== null && endpoint.hasModel;
  const read = await readRequestBody(req, endpoint, restrictsModels, upstream.provider, deps.maxBodyBytes);
  trace.model = read.model;
  const modelDetails = read.model ? { model: read.model } : {};
  const allowed = deps.gate.checkModel(auth.value, endpoint.hasModel ? read.model : null);
  if (!allowed.ok) return refuse(allowed.refusal, token.id, upstream.projectId, modelDetails);
  // A spent lifetime quota is refused before the rate limits, so it takes nothing from shared budgets.
  if (deps.gate.quotaSpent(auth.value)) return refuse('quota_exceeded', token.id, upstream.projectId, modelDetails);
  // A fresh cached answer is sent from here: no upstream call, nothing taken from the quota or the rate
  // limits; it counts as a cache hit on the token (../cache).
  const cached = await deps.cache.lookup({ method: req.method ?? 'GET', path, search, headers: req.headers, bodyKind: endpoint.body, body: read.body, tokenId: token.id, projectId: upstream.projectId, settings: upstream.cache });
  trace.cache = cached.status;
  if (cached.hit) {
    deps.usage.recordCacheHit(token.id, deps.clock.now());
    await deps.events.record(trace.event({ status: cached.answer.status, errorCode: null, streamed: cached.answer.streamed }));
    return cached.send(res, requestId);
  }
  const limited = await deps.limits.admit(token, upstream.limits);
  if (!limited.ok) {
    return refuse(limited.code, token.id, upstream.projectId, { ...modelDetails, limit: limited.limit, ...(limited.fallback && { fallback: true }) }, limited);
  }
  // In memory, or with one atomic statement in a shared store (PostgreSQL), so quotas hold across instances.
  const admitted = await deps.gate.claimRequest(auth.value);
  if (!admitted.ok) {
    limited.ticket.cancel();
    return refuse(admitted.refusal, token.id, upstream.projectId, modelDetails);
  }

  const headers = requestHeadersForUpstream(req.headers);
  delete headers['anthropic-version'];
  Object.assign(headers, upstreamAuthHeaders(upstream.provider, upstream.apiKey, headerValue(req.headers['anthropic-version'])), { 'x-request-id': requestId });
  if (read.body instanceof Buffer) headers['content-length'] = String(read.body.length);
  // A streamed upload keeps the client's length: some providers refuse chunked multipart bodies.
  else if (read.body && req.headers['content-length']) headers['content-length'] = req.headers['content-length'];

  let result: Awaited<ReturnType<typeof forward>> | null = null;
  try {
    result = await forward(req, res, {
      dispatcher: deps.dispatcher,
      origin: upstream.baseUrl,
      path: search ? `${path}?${search}` : path,
      method: req.method ?? 'GET',
      headers,
      body: read.body,
      requestId,
      headersTimeoutMs: deps.headersTimeoutMs,
      idleTimeoutMs: deps.idleTimeoutMs,
      responseHeaders: { ...limited.headers, ...cached.headers },
      capture: cached.capture,
      beforeAnswerEnds: (outcome) => deps.events.record(trace.event(outcome)),
    });
  } finally {
    // Tokens per minute are counted once usage is known (streams included); the slot is freed.
    limited.ticket.finish(result?.usage ?? null);
  }
  // Complete, cacheable answers are kept for the next identical request (never partial or failed ones).
  cached.store(result, res);
  if (result.usage) deps.usage.recordTokens(token.id, result.usage.promptTokens, result.usage.completionTokens);
  if (deps.log.isLevelEnabled('debug')) {
    deps.log.debug({ requestId, method: req.method, path, status: result.status, ms: deps.clock.now() - started, upstreamMs: result.upstreamMs, model: read.model, tokenId: token.id, aborted: result.aborted, error: result.errorCode }, 'proxied');
  }
}

interface ReadBody {
  body: Buffer | Readable | null;
  model: string | null;
}

/**
 * JSON bodies are always buffered and parsed (the model is decided from the body itself, whatever the
 * Content-Type says, so `text/plain` or `application/json; foo=bar` cannot slip a model past the list).
 * Multipart bodies are streamed through, unless the token restricts models: then they are buffered and
 * their `model` field read.
 */
async function readRequestBody(req: IncomingMessage, endpoint: Endpoint, restrictsModels: boolean, provider: string, limit: number): Promise<ReadBody> {
  if (endpoint.body === 'none') return { body: null, model: null };
  if (endpoint.body === 'multipart') {
    if (!restrictsModels) return { body: limitStream(req, limit), model: null };
    const buffer = await readBody(req, limit);
    return { body: buffer, model: await multipartModel(buffer, headerValue(req.headers['content-type'])) };
  }
  const buffer = await readBody(req, limit);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    throw new ProxyError('invalid_json');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProxyError('invalid_json', 'Request body must be a JSON object.');
  const object = parsed as Record<string, unknown>;
  const model = typeof object.model === 'string' ? object.model : null;
  // Ask for usage on streams so streamed requests are not recorded as zero tokens.
  if (provider === 'openai' && endpoint.streamsUsage && ensureStreamUsage(object)) {
    return { body: Buffer.from(JSON.stringify(object)), model };
  }
  return { body: buffer, model };
}

async function multipartModel(buffer: Buffer, contentType: string | undefined): Promise<string | null> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return null;
  try {
    const form = await new Response(new Uint8Array(buffer), { headers: { 'content-type': contentType } }).formData();
    const models = form.getAll('model');
    return models.length === 1 && typeof models[0] === 'string' ? models[0] : null;
  } catch {
    return null;
  }
}

/** `Authorization: Bearer <token>`, or `x-api-key` for Anthropic-style clients. */
function presentedToken(req: IncomingMessage): string | null {
  return req.headers.authorization ? bearerOf(req) : (headerValue(req.headers['x-api-key']) ?? null);
}

function splitUrl(url: string): [string, string | undefined] {
  const q = url.indexOf('?');
  return q === -1 ? [url, undefined] : [url.slice(0, q), url.slice(q + 1)];
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function errorSummary(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, code: (err as { code?: string }).code, message: redactString(err.message.slice(0, 200)) };
  return { value: typeof err };
}
