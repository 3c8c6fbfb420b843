// The `/v1/*` request path: the built-in pipeline of passes (./passes), then the upstream call with the
// project's keys (./forward.ts), then accounting. Each refusal is an OpenAI-shaped error and a
// (batched) audit row; nothing here writes to disk inline.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { AuditEntry, AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import { RequestTrace, type RequestEventRecorder } from '../events/request-trace.ts';
import { newRequestId, validRequestId } from '../ids.ts';
import { redactString } from '../redact.ts';
import { ProxyError, sendProxyError } from './errors.ts';
import { ProxyRefusal, newExchange, type ProxyExchange } from './exchange.ts';
import { forward, type ForwardResult } from './forward.ts';
import type { KeyHealth } from './key-selector.ts';
import type { KeyUsageRecorder } from './key-usage-recorder.ts';
import { PassFailure, openTaps, runAttemptPasses, runEndPasses, runHeaderPasses, runRequestPasses, type Pipeline } from './pipeline.ts';

export interface ProxyHandlerDeps {
  pipeline: Pipeline;
  audit: AuditLog;
  /** Every answered request becomes one event, stored before the client sees the end of the answer. */
  events: RequestEventRecorder;
  /** Cool-downs of failing upstream keys (shared with every project's key selector). */
  keyHealth: KeyHealth;
  keyUsage: KeyUsageRecorder;
  dispatcher: Dispatcher;
  clock: Clock;
  log: Logger;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

export function createProxyHandler(deps: ProxyHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = validRequestId(req.headers['x-request-id']) ?? newRequestId();
    const trace = new RequestTrace(req, requestId, deps.clock.now());
    const [path = '', search] = splitUrl(req.url ?? '');
    const x = newExchange(req, res, requestId, trace, path, search);
    handle(deps, x).catch(async (err: unknown) => {
      // A pass may have taken a rate-limit slot before another one refused or failed.
      x.ticket?.cancel();
      x.ticket = null;
      if (err instanceof ProxyRefusal) return refuse(deps, x, err);
      if (err instanceof PassFailure) logPassFailure(deps, x, err);
      else deps.log.error({ err: errorSummary(err), requestId }, 'proxy request failed');
      const error = err instanceof ProxyError ? err : new ProxyError('internal_error');
      await deps.events.record(trace.event({ status: error.status, errorCode: error.code }));
      sendProxyError(res, error, requestId);
    });
  };
}

async function handle(deps: ProxyHandlerDeps, x: ProxyExchange): Promise<void> {
  const started = deps.clock.now();
  const { pipeline } = deps;
  if (await runRequestPasses(pipeline.request, x)) {
    // Answered by a pass (a cache hit): a slot an earlier pass took is not used.
    x.ticket?.cancel();
    x.ticket = null;
    return;
  }
  const upstream = x.auth!.upstream;

  let tried: string | undefined;
  const result = await forward(x.req, x.res, {
    dispatcher: deps.dispatcher,
    origin: upstream.baseUrl,
    path: x.search ? `${x.path}?${x.search}` : x.path,
    method: x.method,
    body: x.body,
    rewriteAnswer: x.rewriteAnswer,
    requestId: x.requestId,
    headersTimeoutMs: deps.headersTimeoutMs,
    idleTimeoutMs: deps.idleTimeoutMs,
    prepareAttempt(n) {
      // A retry goes to another key that is not cooling down itself; else there is no retry.
      const now = deps.clock.now();
      const key = upstream.keys.pick(now, tried);
      if (!key || key.id === tried) return null;
      if (n > 0 && deps.keyHealth.coolingDownUntil(key.id, now) !== null) return null;
      tried = key.id;
      x.key = key;
      x.trace.upstreamKeyId = key.id;
      x.attempts = n + 1;
      runAttemptPasses(pipeline.attempt, x, key);
      return x.upstreamHeaders;
    },
    attemptEnded(_n, failure) {
      const key = x.key!;
      const now = deps.clock.now();
      if (failure) deps.keyHealth.reportFailure(key.id, failure, now);
      else deps.keyHealth.reportSuccess(key.id);
      deps.keyUsage.recordAttempt(key.id, now, failure ?? undefined);
    },
    onResponseStart(head) {
      runHeaderPasses(pipeline.response, x, head);
      return openTaps(pipeline.stream, x, head);
    },
    onFailure(err) {
      if (err instanceof PassFailure) logPassFailure(deps, x, err);
    },
    beforeAnswerEnds: (outcome) => deps.events.record(x.trace.event({ ...outcome, usage: x.usage })),
  });
  runEndPasses(pipeline.response, x, result, (pass, err) =>
    deps.log.error({ err: errorSummary(err), pass, requestId: x.requestId }, 'proxy pass failed after the answer'),
  );
  if (deps.log.isLevelEnabled('debug')) {
    deps.log.debug(debugLine(x, result, deps.clock.now() - started), 'proxied');
  }
}

async function refuse(deps: ProxyHandlerDeps, x: ProxyExchange, refusal: ProxyRefusal): Promise<void> {
  const { trace } = x;
  const error = new ProxyError(refusal.code, refusal.answerMessage);
  // A refused token (unknown, expired, revoked) is what a flood repeats: tallied per source and minute.
  const write = error.status === 401 ? (e: AuditEntry) => deps.audit.tally(e) : (e: AuditEntry) => deps.audit.recordLater(e);
  write({
    actor: trace.tokenId ? `token:${trace.tokenId}` : 'anonymous',
    action: 'proxy.refused',
    outcome: 'denied',
    targetType: 'endpoint',
    targetId: `${x.method} ${x.path}`.slice(0, 200),
    projectId: trace.projectId,
    tokenId: trace.tokenId,
    requestId: x.requestId,
    clientIp: x.req.socket.remoteAddress ?? null,
    details: { reason: refusal.code, ...refusal.details },
  });
  trace.costUsd = 0; // refused before anything went upstream
  await deps.events.record(trace.event({ status: error.status, errorCode: refusal.code }));
  sendProxyError(x.res, error, x.requestId, refusal.headers);
}

function logPassFailure(deps: ProxyHandlerDeps, x: ProxyExchange, err: PassFailure): void {
  deps.log.error({ err: errorSummary(err.cause), pass: err.pass, requestId: x.requestId }, 'proxy pass failed');
}

function debugLine(x: ProxyExchange, result: ForwardResult, ms: number): Record<string, unknown> {
  return {
    requestId: x.requestId,
    method: x.method,
    path: x.path,
    status: result.status,
    ms,
    upstreamMs: result.upstreamMs,
    model: x.model,
    tokenId: x.auth?.token.id,
    key: x.key?.label,
    attempts: result.attempts,
    aborted: result.aborted,
    error: result.errorCode,
  };
}

function splitUrl(url: string): [string, string | undefined] {
  const q = url.indexOf('?');
  return q === -1 ? [url, undefined] : [url.slice(0, q), url.slice(q + 1)];
}

function errorSummary(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, code: (err as { code?: string }).code, message: redactString(err.message.slice(0, 200)) };
  return { value: typeof err };
}
