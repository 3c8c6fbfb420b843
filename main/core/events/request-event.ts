// One event per proxied request: who, what, how it ended and how long it took. Never a body, a header
// value, a query string or a credential. The hot path builds it; everything else only reads it.

export type CacheStatus = 'hit' | 'miss' | 'bypass';

export interface RequestEvent {
  requestId: string;
  /** Epoch ms when the request arrived. */
  time: number;
  projectId: string | null;
  tokenId: string | null;
  method: string;
  /** Without the query string. */
  path: string;
  model: string | null;
  /** Status sent to the client; 499 when the client left first. */
  status: number;
  latencyMs: number;
  /** Until the upstream's response headers; null when the request never went upstream. */
  upstreamMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /**
   * What the answer cost in USD (whole nano-dollars, main/core/money/cost.ts): 0 when nothing went upstream
   * (refused, cache hit); null when the answer reported no usage or its model has no price ("unpriced").
   */
  costUsd: number | null;
  /** null when the response cache played no part. */
  cache: CacheStatus | null;
  /** The proxy's error code (`rate_limited`, `upstream_timeout`, …); null on success. */
  errorCode: string | null;
  aborted: boolean;
  streamed: boolean;
  /** The upstream key that gave the answer (its id, never the key); null when none was asked. */
  upstreamKeyId: string | null;
  /** Upstream attempts: 0 (refused, cached), 1, or 2 after a failover to another key. */
  attempts: number;
}

/** What the JSONL file, the webhook and the Redis stream carry, one JSON object per event. */
export interface RequestEventPayload {
  /** Unique per event (UUIDv7); a retried request keeps its request_id but gets a new id. */
  id: string;
  request_id: string;
  time: string;
  project_id: string | null;
  token_id: string | null;
  method: string;
  path: string;
  model: string | null;
  status: number;
  latency_ms: number;
  upstream_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_usd: number | null;
  cache: CacheStatus | null;
  error: string | null;
  aborted: boolean;
  streamed: boolean;
  upstream_key_id: string | null;
  attempts: number;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function toPayload(event: RequestEvent, id: string): RequestEventPayload {
  return {
    id,
    request_id: event.requestId,
    time: new Date(event.time).toISOString(),
    project_id: event.projectId,
    token_id: event.tokenId,
    method: event.method,
    path: event.path,
    model: event.model,
    status: event.status,
    latency_ms: round(event.latencyMs),
    upstream_ms: event.upstreamMs === null ? null : round(event.upstreamMs),
    prompt_tokens: event.promptTokens,
    completion_tokens: event.completionTokens,
    cost_usd: event.costUsd,
    cache: event.cache,
    error: event.errorCode,
    aborted: event.aborted,
    streamed: event.streamed,
    upstream_key_id: event.upstreamKeyId,
    attempts: event.attempts,
  };
}

/** `2xx`, `4xx`, …: the label metrics and charts group by. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/** Answers refused by a rate limit, quota or budget (429) or because limits could not be checked. */
export function isLimitRefusal(event: Pick<RequestEvent, 'errorCode'>): boolean {
  return (
    event.errorCode === 'rate_limited' ||
    event.errorCode === 'quota_exceeded' ||
    event.errorCode === 'budget_exceeded' ||
    event.errorCode === 'limits_unavailable'
  );
}

export function isUpstreamError(event: Pick<RequestEvent, 'errorCode'>): boolean {
  return event.errorCode !== null && event.errorCode.startsWith('upstream_');
}
