// What the request path knows about one request as it goes (token, project, model, cache), turned into
// its RequestEvent when the answer is known. Latency is measured with the monotonic clock.
import type { IncomingMessage } from 'node:http';
import type { Usage } from '../proxy/usage.ts';
import type { CacheStatus, RequestEvent } from './request-event.ts';

/** The part of a ForwardResult (or of a refusal) that ends a request. */
export interface RequestOutcome {
  status: number;
  errorCode: string | null;
  usage?: Usage | null;
  upstreamMs?: number | null;
  aborted?: boolean;
  streamed?: boolean;
  attempts?: number;
}

/** What the request path hands events to: `EventPipeline.record`. */
export interface RequestEventRecorder {
  record(event: RequestEvent): Promise<void>;
}

export class RequestTrace {
  tokenId: string | null = null;
  projectId: string | null = null;
  model: string | null = null;
  cache: CacheStatus | null = null;
  /** USD, set by the cost pass once usage is known (0 by refusals and cache hits: nothing went upstream). */
  costUsd: number | null = null;
  /** The key of the current (at the end: the last) upstream attempt. */
  upstreamKeyId: string | null = null;
  private readonly startedAt = performance.now();
  readonly method: string;
  readonly path: string;

  constructor(
    req: IncomingMessage,
    readonly requestId: string,
    /** Wall-clock arrival time (epoch ms, from the app's clock). */
    readonly time: number,
  ) {
    this.method = req.method ?? 'GET';
    const url = req.url ?? '';
    const query = url.indexOf('?');
    this.path = (query === -1 ? url : url.slice(0, query)).slice(0, 200);
  }

  /** Token and project as soon as they are known (also for refusals that know them). */
  identify(tokenId: string | null, projectId: string | null): this {
    this.tokenId = tokenId;
    this.projectId = projectId;
    return this;
  }

  event(outcome: RequestOutcome): RequestEvent {
    return {
      requestId: this.requestId,
      time: this.time,
      projectId: this.projectId,
      tokenId: this.tokenId,
      method: this.method,
      path: this.path,
      model: this.model,
      status: outcome.status,
      latencyMs: performance.now() - this.startedAt,
      upstreamMs: outcome.upstreamMs ?? null,
      promptTokens: outcome.usage ? outcome.usage.promptTokens : null,
      completionTokens: outcome.usage ? outcome.usage.completionTokens : null,
      costUsd: this.costUsd,
      cache: this.cache,
      errorCode: outcome.errorCode,
      aborted: outcome.aborted ?? false,
      streamed: outcome.streamed ?? false,
      upstreamKeyId: this.upstreamKeyId,
      attempts: outcome.attempts ?? 0,
    };
  }
}
