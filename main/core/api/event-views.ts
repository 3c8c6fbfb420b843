// What the outside world sees of request events, their delivery, daily usage and the live dashboard:
// snake_case JSON, RFC 3339 times. Shared by REST, IPC, the CLI and the screens. Never a body, a
// credential, or a webhook URL's path or query.

/** The live dashboard's snapshot, pushed about once a second (`dashboard.live`). */
export interface LiveSnapshotView {
  time: string;
  /** Per second over the last minute, oldest first; `t` is epoch seconds. */
  series: {
    t: number[];
    requests: number[];
    /** Answers with a 5xx status. */
    errors: number[];
    /** Answers refused by a rate limit or quota (429, or 503 limits_unavailable). */
    rate_limited: number[];
    p50_ms: (number | null)[];
    p95_ms: (number | null)[];
  };
  /** The last `window_seconds` complete seconds. Rates are shares (0–1); null when there was nothing to count. */
  current: {
    window_seconds: number;
    requests: number;
    requests_per_second: number;
    p50_ms: number | null;
    p95_ms: number | null;
    error_rate: number | null;
    rate_limited_rate: number | null;
    /** Hits among answers the cache could serve (hits + misses). */
    cache_hit_rate: number | null;
  };
  /** Projects with traffic today (since local midnight on the server) or in the last minute, busiest first. */
  projects: LiveProjectView[];
  /** The last requests, newest first. */
  recent: LiveRequestView[];
  /** The durable event pipeline: events not yet stored, the largest dispatcher backlog, dead letters. */
  events: { pending: number; lag: number; dead_letters: number; failing: string[] };
}

export interface LiveProjectView {
  project_id: string;
  name: string | null;
  requests_today: number;
  prompt_tokens_today: number;
  completion_tokens_today: number;
  requests_last_minute: number;
}

export interface LiveRequestView {
  request_id: string;
  time: string;
  method: string;
  path: string;
  model: string | null;
  status: number;
  latency_ms: number;
  token_id: string | null;
  /** The token's name, or its masked form (`llmp_…abcd`); null for requests without a known token. */
  token_name: string | null;
  project_id: string | null;
  project_name: string | null;
  cache: 'hit' | 'miss' | 'bypass' | null;
  error: string | null;
}

/** `standby`: several instances share the store and another one holds this dispatcher's lease (it delivers). */
export type DispatcherState = 'starting' | 'idle' | 'delivering' | 'retrying' | 'standby' | 'stopped';

export interface EventDispatcherView {
  /** `jsonl`, `webhook`, `redis-stream`: the key of its cursor and dead letters. */
  name: string;
  kind: 'file' | 'webhook' | 'redis-stream' | 'otlp' | 'helicone';
  /** A file path, or a URL without path and query (webhook paths often hold a secret). */
  target: string;
  /** Where it reads: this instance's outbox, or the Redis stream every instance writes to. */
  source: 'outbox' | 'redis-stream';
  state: DispatcherState;
  /** Stored events it has not delivered yet. */
  lag_events: number;
  /** Age of the oldest of them (0 when none waits). */
  lag_seconds: number;
  /** Failed attempts of the batch it is retrying. */
  attempts: number;
  last_error: string | null;
  last_delivered_at: string | null;
  next_attempt_at: string | null;
  /** Events delivered since start. */
  delivered: number;
  /** Events it gave up on, kept as dead letters (all time, until retention removes them). */
  dead_letters: number;
}

export interface EventsStatusView {
  /** Raw events are kept this many days once every dispatcher has them (0: until delivered). */
  retention_days: number;
  /** Whether events are written to the outbox at all (not with no dispatcher and retention 0). */
  stored: boolean;
  stored_events: number;
  /** Recorded in memory, not yet in the outbox. */
  pending: number;
  /** Recorded since start. */
  recorded: number;
  /** Dropped since start because the store refused writes for too long. */
  dropped: number;
  dispatchers: EventDispatcherView[];
  /** The Redis stream every instance publishes to; null without Redis. */
  redis_stream: { key: string; state: 'ready' | 'connecting' | 'unreachable' } | null;
}

export interface DeadLetterView {
  id: number;
  dispatcher: string;
  event_id: string;
  failed_at: string;
  attempts: number;
  error: string;
  /** The event as the dispatcher would have delivered it. */
  event: Record<string, unknown>;
}

export interface DeadLetterPageView {
  dead_letters: DeadLetterView[];
  pagination: { page: number; page_size: number; total_count: number; total_pages: number; has_next: boolean; has_prev: boolean };
}

/** Usage per day for each token or project that had any, in the viewer's days. */
export interface UsageDailyView {
  group_by: 'token' | 'project';
  /** The days (YYYY-MM-DD in the viewer's time), oldest first; every row's arrays follow them. */
  days: string[];
  rows: UsageDailyRowView[];
}

export interface UsageDailyRowView {
  /** Token or project id. */
  id: string;
  requests: number[];
  prompt_tokens: number[];
  completion_tokens: number[];
  cache_hits: number[];
  /** USD of priced answers per day (whole nano-dollars / 1e9, as spend_usd everywhere). */
  spend_usd: number[];
  /** Answers per day whose model had no price: their cost is unknown, not 0. */
  unpriced_requests: number[];
  /** The same per model, most spent first; only models with spend or unpriced answers in the window. */
  models: UsageDailyModelView[];
  total: { requests: number; prompt_tokens: number; completion_tokens: number; cache_hits: number; spend_usd: number; unpriced_requests: number };
}

export interface UsageDailyModelView {
  model: string;
  spend_usd: number[];
  unpriced_requests: number[];
  total: { spend_usd: number; unpriced_requests: number };
}
