// What the request log answers (`requests.list`, GET /manage/requests): metadata of each stored request
// event, never a body, a prompt, a header value or a key. Browser-safe: imports nothing from Node.
import type { CacheStatus } from '../events/request-event.ts';

export interface RequestLogItemView {
  /** The event's id (unique; a retried request keeps its request_id but is a new event). */
  id: string;
  request_id: string;
  /** When the request arrived (ISO 8601). */
  time: string;
  token_id: string | null;
  project_id: string | null;
  method: string;
  /** Without the query string. */
  path: string;
  model: string | null;
  status: number;
  /** The proxy's error code (`rate_limited`, `token_revoked`, `upstream_timeout`, …); null on success. */
  error_code: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** USD; null when unpriced (or recorded before prices existed). */
  cost_usd: number | null;
  latency_ms: number;
  /** Until the upstream's response headers; null when it never went upstream. */
  upstream_ms: number | null;
  cache: CacheStatus | null;
  /** The label of the upstream key that answered (null when none was asked or it was removed since). */
  upstream_key: string | null;
  upstream_key_id: string | null;
  streamed: boolean;
  aborted: boolean;
  attempts: number;
}

export interface RequestLogPageView {
  items: RequestLogItemView[];
  total: number;
  page: number;
  page_size: number;
}
