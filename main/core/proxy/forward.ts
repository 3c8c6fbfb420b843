// Sends one planned request upstream (once more with another key when the first key fails before
// anything reached the client) and streams the answer back as it arrives, with backpressure, through
// the stream passes' taps, aborting upstream when the client leaves. The request passes run before;
// accounting (response passes' onEnd) after.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ProxyError, mapUpstreamError, sendProxyError } from './errors.ts';
import { responseHeadersForClient } from './hop-by-hop.ts';
import type { KeyFailure } from './key-selector.ts';
import type { AnswerRewrite, ForwardResult, ResponseHead, StreamTap } from './answer.ts';

export type { AnswerRewrite, ForwardResult } from './answer.ts';

export { createUpstreamAgent } from './upstream-agent.ts';
export type { UpstreamAgentOptions } from './upstream-agent.ts';

export interface ForwardPlan {
  /** An injected undici Agent (see createUpstreamAgent); never the global dispatcher. */
  dispatcher: Dispatcher;
  /** Upstream base URL; a path prefix is kept: `https://gw.example/openai` + `/v1/x` → `/openai/v1/x`. */
  origin: string;
  /** Path and query to request under `origin`, e.g. `/v1/chat/completions?x=1`. */
  path: string;
  method: string;
  /** A Buffer (Content-Length is computed from it) or a stream such as limitStream(req, …). */
  body: Buffer | Readable | null;
  requestId: string;
  /** Longest wait for the upstream's response headers. */
  headersTimeoutMs: number;
  /** Longest silence between body chunks. There is no total cut-off: an SSE stream may run for minutes. */
  idleTimeoutMs: number;
  /**
   * The headers of upstream attempt `n` (0, then 1 after a failover), already cleaned and carrying
   * that attempt's credential; null when there is no (other) key to try.
   */
  prepareAttempt(n: number): Record<string, string> | null;
  /** Each attempt's end as far as its key is concerned: a failure that cools the key down, or null. */
  attemptEnded?(n: number, failure: KeyFailure | null): void;
  /**
   * The upstream's answer is about to reach the client: response passes edit `head.headers`, stream
   * passes return their taps. The proxy's own headers (rate limits, cache status) are set here too.
   */
  onResponseStart?(head: ResponseHead): StreamTap[];
  /** Sees every failure as it happened (before it is mapped to a proxy error), for the log. */
  onFailure?(err: unknown): void;
  /**
   * Called once the outcome is known, before the client can see the end of the answer (the last byte
   * of a Content-Length body, the end of a chunked one, or the error body); the end waits for the
   * returned promise. The proxy stores the request's event there, so an answered request has its event.
   */
  beforeAnswerEnds?: (result: ForwardResult) => Promise<void>;
  /** Reads the (small) answer whole and may replace it before the client sees it; see AnswerRewrite. */
  rewriteAnswer?: AnswerRewrite | null;
}

/** A model catalogue is tens of kilobytes; anything far bigger is not one. */
const MAX_REWRITTEN_ANSWER_BYTES = 8 * 1024 * 1024;

/** Splits the base URL into undici's origin and the full request path. */
function upstreamTarget(base: string, path: string): { origin: string; path: string } {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, path: prefix + (path.startsWith('/') ? path : `/${path}`) };
}

function isEventStream(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'text/event-stream';
}

/** Resolves when `res` can take more data or is gone; never hangs on a closed client. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The statuses that say the key (not the request) is the problem, or that another key may fare better. */
export function keyFailureOfStatus(status: number, headers: Dispatcher.ResponseData['headers']): KeyFailure | null {
  if (status === 401) return { code: 'status_401', status };
  if (status === 429) return { code: 'status_429', status, ...retryAfterOf(headers) };
  if (status >= 500) return { code: `status_${status}`, status };
  return null;
}

/** Connection failures before any answer: the request never reached the provider, so trying again is safe. */
function keyFailureOfError(error: ProxyError): KeyFailure | null {
  return error.code === 'upstream_unreachable' ? { code: error.code } : null;
}

function retryAfterOf(headers: Dispatcher.ResponseData['headers']): { retryAfterMs?: number } {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const ms = Number(first(headers['retry-after-ms']));
  if (Number.isFinite(ms) && ms > 0) return { retryAfterMs: ms };
  const seconds = Number(first(headers['retry-after']));
  if (Number.isFinite(seconds) && seconds > 0) return { retryAfterMs: seconds * 1000 };
  return {};
}

/**
 * Never rejects: every failure is answered to the client (if still there) and reported in the result.
 * A first attempt that fails because of its key (401, 429, 5xx, unreachable) is tried once more with
 * another key — only while nothing has reached the client and the body can be sent again (a Buffer,
 * not a streamed upload), so a retried request reaches the client once and the upstream saw the
 * failed attempt end before the second began.
 */
export async function forward(req: IncomingMessage, res: ServerResponse, plan: ForwardPlan): Promise<ForwardResult> {
  const result: ForwardResult = {
    status: 0,
    aborted: false,
    errorCode: null,
    upstreamMs: 0,
    bytesOut: 0,
    streamed: false,
    attempts: 0,
  };
  const upstreamAbort = new UpstreamAbort();
  const clientGone = (): void => {
    // 'close' after 'finish' is the normal end of a response. (The request's own 'close' fires as
    // soon as its body is read, so only the response's tells us the client left.)
    if (res.writableFinished || result.aborted) return;
    result.aborted = true;
    upstreamAbort.abort(new ProxyError('request_aborted'));
  };
  res.on('close', clientGone);
  // Gone already (e.g. while the caller read the body): 'close' will not fire again.
  if (res.destroyed) clientGone();

  let taps: StreamTap[] = [];
  const endTaps = (): void => {
    const open = taps;
    taps = [];
    for (const tap of open) tap.end();
  };
  const fail = async (err: unknown): Promise<void> => {
    plan.onFailure?.(err);
    const error = result.aborted ? new ProxyError('request_aborted') : mapUpstreamError(err);
    result.errorCode = error.code;
    if (!res.headersSent) result.status = error.status;
    try {
      endTaps();
    } catch {
      // The request already failed; a tap failing on top of it changes nothing for the client.
    }
    await plan.beforeAnswerEnds?.(result);
    if (!result.aborted) sendProxyError(res, error, plan.requestId);
  };

  const replayable = !(plan.body instanceof Readable);
  /** The next attempt's headers after attempt `n` ended (its key's failure reported), or null: no retry. */
  const endAttempt = (n: number, failure: KeyFailure | null): Record<string, string> | null => {
    plan.attemptEnded?.(n, failure);
    return failure && n === 0 && replayable && !result.aborted ? plan.prepareAttempt(n + 1) : null;
  };
  let upstream: Dispatcher.ResponseData | null = null;
  let headers = plan.prepareAttempt(0);
  for (let n = 0; headers; n++) {
    const startedAt = performance.now();
    result.attempts = n + 1;
    let failure: KeyFailure | null;
    try {
      upstream = await send(plan, headers, upstreamAbort);
      // Destroying an unread body (a failed attempt, a pass that threw) emits an abort error: expected.
      upstream.body.on('error', () => {});
      failure = keyFailureOfStatus(upstream.statusCode, upstream.headers);
    } catch (err) {
      result.upstreamMs = performance.now() - startedAt;
      const error = result.aborted ? new ProxyError('request_aborted') : mapUpstreamError(err);
      const next = endAttempt(n, keyFailureOfError(error));
      if (next) {
        headers = next;
        continue;
      }
      await fail(error);
      res.off('close', clientGone);
      return result;
    }
    result.upstreamMs = performance.now() - startedAt;
    const next = endAttempt(n, failure);
    if (!next) break;
    // The failed answer is read away (a small error body: the connection stays reusable) and never
    // reaches the client.
    upstream.body.dump().catch(() => {});
    upstream = null;
    headers = next;
  }
  if (!upstream) {
    // prepareAttempt(0) gave nothing: the caller checks for a key first, so this is a bug, not a state.
    await fail(new ProxyError('no_upstream_key'));
    res.off('close', clientGone);
    return result;
  }

  result.status = upstream.statusCode;
  const contentType = upstream.headers['content-type'];
  let contentTypeText = Array.isArray(contentType) ? contentType[0] : contentType;
  result.streamed = isEventStream(contentTypeText);
  try {
    if (result.aborted) throw new ProxyError('request_aborted');
    let body: AsyncIterable<Buffer> | Iterable<Buffer> = upstream.body as AsyncIterable<Buffer>;
    let rewritten: Buffer | null = null;
    if (plan.rewriteAnswer && !result.streamed) {
      const whole = await readWhole(upstream.body as AsyncIterable<Buffer>, MAX_REWRITTEN_ANSWER_BYTES);
      const answer = plan.rewriteAnswer({ status: upstream.statusCode, body: whole });
      if (answer) {
        rewritten = answer.body;
        result.status = answer.status;
        contentTypeText = 'application/json';
      }
      body = [rewritten ?? whole];
    }
    // Bytes pass through unchanged (we asked for identity encoding), so the upstream's
    // Content-Length stays true. Redirects are not followed: a 3xx goes to the client as it is.
    const head: ResponseHead = {
      status: result.status,
      headers: responseHeadersForClient(upstream.headers, { bodyUnchanged: !rewritten }),
      contentType: contentTypeText,
    };
    if (rewritten) {
      delete head.headers.etag;
      head.headers['content-type'] = 'application/json';
      head.headers['content-length'] = String(rewritten.length);
    }
    head.headers['x-request-id'] = plan.requestId;
    if (result.streamed) {
      // Tells a buffering reverse proxy in front of us (nginx) to pass each event on at once.
      head.headers['x-accel-buffering'] = 'no';
      head.headers['cache-control'] ??= 'no-cache';
    }
    if (plan.onResponseStart) taps = plan.onResponseStart(head);
    // setHeader, not writeHead(status, headers): headers given to writeHead cannot be read back, and
    // sendProxyError reads content-type to know a failure must end the stream with an SSE event.
    for (const [name, value] of Object.entries(head.headers)) res.setHeader(name, value);
    res.writeHead(result.status);
    // The client sees the stream open (and its status) before the first token.
    if (result.streamed) res.flushHeaders();

    // Each chunk goes to the client as it arrives: no buffering, so SSE events are not delayed.
    // When the client reads slowly we stop reading upstream (undici pauses, and its idle timer
    // does not run while paused).
    // With a Content-Length the client is done at the last byte, not at res.end(): that byte waits
    // for beforeAnswerEnds. The socket is corked meanwhile, so the last chunk and that byte still
    // leave in one write (no extra packet or syscall per answer).
    const length = plan.beforeAnswerEnds ? Number(rewritten ? rewritten.length : (upstream.headers['content-length'] ?? Number.NaN)) : Number.NaN;
    let lastByte: Buffer | undefined;
    for await (const chunk of body) {
      for (const tap of taps) tap.write(chunk);
      result.bytesOut += chunk.length;
      let out = chunk;
      if (result.bytesOut >= length && chunk.length > 0) {
        lastByte = chunk.subarray(chunk.length - 1);
        out = chunk.subarray(0, chunk.length - 1);
        res.socket?.cork();
      }
      // Corked, a full buffer drains only after uncork: the end follows at once, so do not wait.
      if (out.length > 0 && !res.write(out) && !lastByte) await drainedOrClosed(res);
      if (result.aborted) throw new ProxyError('request_aborted');
    }
    endTaps();
    await plan.beforeAnswerEnds?.(result);
    res.end(lastByte);
    if (lastByte) res.socket?.uncork();
  } catch (err) {
    // Free the upstream socket now rather than when the body is garbage-collected.
    upstream.body.destroy();
    if (res.socket?.writableCorked) res.socket.uncork();
    await fail(err);
  } finally {
    res.off('close', clientGone);
  }
  return result;
}

async function readWhole(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new ProxyError('upstream_bad_response');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * What undici's request takes as its `signal` (an EventEmitter-like object): on abort its listener calls
 * undici's own abort hook (the dispatch handler's onConnect `abort`) or destroys the answer's body.
 * Far cheaper per request than an AbortController and its EventTarget signal.
 */
export class UpstreamAbort {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] = [];

  on(_event: 'abort', listener: () => void): this {
    this.listeners.push(listener);
    return this;
  }

  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    this.listeners = this.listeners.filter((l) => l !== listener);
    return this;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

function send(plan: ForwardPlan, attemptHeaders: Record<string, string>, signal: UpstreamAbort): Promise<Dispatcher.ResponseData> {
  const target = upstreamTarget(plan.origin, plan.path);
  const headers = { ...attemptHeaders };
  // undici computes Content-Length for a Buffer; a stale one (after the JSON was rewritten) would
  // make it refuse the request. For a stream the caller may pass the client's length on.
  if (!(plan.body instanceof Readable)) delete headers['content-length'];
  return plan.dispatcher.request({
    origin: target.origin,
    path: target.path,
    method: plan.method as Dispatcher.HttpMethod,
    headers,
    body: plan.body,
    // undici accepts an EventEmitter as the signal; its type names only AbortSignal and EventEmitter.
    signal: signal as unknown as AbortSignal,
    headersTimeout: plan.headersTimeoutMs,
    // undici runs both on its coarse timer wheel (about 1 s resolution): fine for real timeouts of
    // tens of seconds, and far cheaper than a precise timer per request.
    bodyTimeout: plan.idleTimeoutMs,
  });
}
