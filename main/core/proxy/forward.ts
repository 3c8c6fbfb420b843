// Sends one planned request upstream and streams the answer back to the client as it arrives,
// with backpressure, reading token usage on the way and aborting upstream when the client leaves.
// Authentication, limits, caching and header cleaning happen before; accounting happens after.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ProxyError, mapUpstreamError, sendProxyError } from './errors.ts';
import { responseHeadersForClient } from './hop-by-hop.ts';
import { createUsageTap } from './usage.ts';
import type { Usage } from './usage.ts';

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
  /** Already cleaned (requestHeadersForUpstream) and carrying the upstream credential. */
  headers: Record<string, string>;
  /** A Buffer (Content-Length is computed from it) or a stream such as limitStream(req, …). */
  body: Buffer | Readable | null;
  requestId: string;
  /** Longest wait for the upstream's response headers. */
  headersTimeoutMs: number;
  /** Longest silence between body chunks. There is no total cut-off: an SSE stream may run for minutes. */
  idleTimeoutMs: number;
  /** The proxy's own headers (rate limits), sent instead of the upstream's of the same name. */
  responseHeaders?: Record<string, string>;
  /** Receives a copy of each body chunk sent to the client (the response cache keeps the answer). */
  capture?: { write(chunk: Buffer): void } | undefined;
  /**
   * Called once the outcome is known, before the client can see the end of the answer (the last byte
   * of a Content-Length body, the end of a chunked one, or the error body); the end waits for the
   * returned promise. The proxy stores the request's event there, so an answered request has its event.
   */
  beforeAnswerEnds?: (result: ForwardResult) => Promise<void>;
}

export interface ForwardResult {
  /** Status sent to the client (upstream's, or the proxy error's); 499 when the client left first. */
  status: number;
  usage: Usage | null;
  /** The client went away before the response was complete. */
  aborted: boolean;
  /** The ProxyError code when the exchange failed, else null. */
  errorCode: string | null;
  /** Milliseconds until the upstream's response headers (or until the failure). */
  upstreamMs: number;
  /** Body bytes written to the client. */
  bytesOut: number;
  /** The response was an SSE stream. */
  streamed: boolean;
}

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

/** Never rejects: every failure is answered to the client (if still there) and reported in the result. */
export async function forward(req: IncomingMessage, res: ServerResponse, plan: ForwardPlan): Promise<ForwardResult> {
  const startedAt = performance.now();
  const result: ForwardResult = {
    status: 0, usage: null, aborted: false, errorCode: null, upstreamMs: 0, bytesOut: 0, streamed: false,
  };
  const upstreamAbort = new AbortController();
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

  const fail = async (err: unknown): Promise<void> => {
    const error = result.aborted ? new ProxyError('request_aborted') : mapUpstreamError(err);
    result.errorCode = error.code;
    if (!res.headersSent) result.status = error.status;
    await plan.beforeAnswerEnds?.(result);
    if (!result.aborted) sendProxyError(res, error, plan.requestId);
  };

  let upstream: Dispatcher.ResponseData;
  try {
    const target = upstreamTarget(plan.origin, plan.path);
    const headers = { ...plan.headers };
    // undici computes Content-Length for a Buffer; a stale one (after the JSON was rewritten) would
    // make it refuse the request. For a stream the caller may pass the client's length on.
    if (!(plan.body instanceof Readable)) delete headers['content-length'];
    upstream = await plan.dispatcher.request({
      origin: target.origin,
      path: target.path,
      method: plan.method as Dispatcher.HttpMethod,
      headers,
      body: plan.body,
      signal: upstreamAbort.signal,
      headersTimeout: plan.headersTimeoutMs,
      // undici runs both on its coarse timer wheel (about 1 s resolution): fine for real timeouts of
      // tens of seconds, and far cheaper than a precise timer per request.
      bodyTimeout: plan.idleTimeoutMs,
    });
  } catch (err) {
    result.upstreamMs = performance.now() - startedAt;
    await fail(err);
    res.off('close', clientGone);
    return result;
  }

  result.upstreamMs = performance.now() - startedAt;
  result.status = upstream.statusCode;
  const contentType = upstream.headers['content-type'];
  const contentTypeText = Array.isArray(contentType) ? contentType[0] : contentType;
  result.streamed = isEventStream(contentTypeText);
  const tap = createUsageTap(contentTypeText);
  try {
    if (result.aborted) throw new ProxyError('request_aborted');
    // Bytes pass through unchanged (we asked for identity encoding), so the upstream's
    // Content-Length stays true. Redirects are not followed: a 3xx goes to the client as it is.
    const headers = responseHeadersForClient(upstream.headers, { bodyUnchanged: true });
    headers['x-request-id'] = plan.requestId;
    if (plan.responseHeaders) Object.assign(headers, plan.responseHeaders);
    if (result.streamed) {
      // Tells a buffering reverse proxy in front of us (nginx) to pass each event on at once.
      headers['x-accel-buffering'] = 'no';
      headers['cache-control'] ??= 'no-cache';
    }
    // setHeader, not writeHead(status, headers): headers given to writeHead cannot be read back, and
    // sendProxyError reads content-type to know a failure must end the stream with an SSE event.
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.writeHead(upstream.statusCode);
    // The client sees the stream open (and its status) before the first token.
    if (result.streamed) res.flushHeaders();

    // Each chunk goes to the client as it arrives: no buffering, so SSE events are not delayed.
    // When the client reads slowly we stop reading upstream (undici pauses, and its idle timer
    // does not run while paused).
    // With a Content-Length the client is done at the last byte, not at res.end(): that byte waits
    // for beforeAnswerEnds. The socket is corked meanwhile, so the last chunk and that byte still
    // leave in one write (no extra packet or syscall per answer).
    const length = plan.beforeAnswerEnds ? Number(upstream.headers['content-length'] ?? Number.NaN) : Number.NaN;
    let lastByte: Buffer | undefined;
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      tap.write(chunk);
      plan.capture?.write(chunk);
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
    result.usage = tap.end();
    await plan.beforeAnswerEnds?.(result);
    res.end(lastByte);
    if (lastByte) res.socket?.uncork();
  } catch (err) {
    // Free the upstream socket now rather than when the body is garbage-collected.
    upstream.body.destroy();
    if (res.socket?.writableCorked) res.socket.uncork();
    result.usage ??= tap.end();
    await fail(err);
  } finally {
    res.off('close', clientGone);
  }
  return result;
}
