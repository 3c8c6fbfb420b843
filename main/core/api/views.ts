// What the outside world sees of projects, tokens and audit events: snake_case JSON, RFC 3339 times,
// upstream keys and tokens always masked. Shared by REST, IPC, the CLI and the screens.
import type { Provider } from '../store/types.ts';

export interface ProjectView {
  id: string;
  name: string;
  provider: Provider;
  base_url: string;
  /**
   * The oldest upstream key, always masked (for example `sk-…wxyz`): what the reference API calls the
   * project's key. keys.list / GET /manage/projects/{id}/keys show them all.
   */
  api_key: string;
  /** How many upstream keys the project holds (enabled or not). */
  key_count: number;
  /** Request rewrites; `{}` when none. */
  transformations: TransformationsView;
  is_active: boolean;
  created_at: string;
  updated_at: string;
  deactivated_at: string | null;
  /** Requests / tokens per minute for each token that sets none itself; null = no default. */
  default_rpm_limit: number | null;
  default_tpm_limit: number | null;
  /** One budget per minute for every project, on any instance sharing Redis, with the same shared_limit_key. */
  shared_rpm_limit: number | null;
  shared_tpm_limit: number | null;
  /** null = derived from the upstream key (a fingerprint, never the key): same key, same budget. */
  shared_limit_key: string | null;
  /** Seconds POST answers are cached without a client opt-in: null = the server's default, 0 = only on opt-in. */
  cache_default_ttl_seconds: number | null;
  /** The project's tokens share cached answers; false = each token has its own. */
  cache_shared_across_tokens: boolean;
  /** Its own prices per model glob, USD per million tokens (they win over the price catalogue); `{}` when none. */
  prices: Record<string, { input_per_mtok: number; output_per_mtok: number; cached_input_per_mtok?: number }>;
  /** USD per calendar month (UTC) for all its tokens; null = no budget. */
  monthly_budget_usd: number | null;
  /** USD its tokens spent, in all and in the current UTC month (priced answers only). */
  spend_usd: number;
  month_spend_usd: number;
}

/** A project's transformations as sent and shown; a field left out changes nothing. */
export interface TransformationsView {
  /** Model used when a request names none. */
  default_model?: string;
  /** `{ "fast": "gpt-4o-mini" }`: names clients may use for a model. */
  model_aliases?: Record<string, string>;
  /** max_tokens (max_completion_tokens, max_output_tokens) lowered to this, and set when missing. */
  max_tokens_ceiling?: number;
  /** Headers added to every upstream request (lower-case names). */
  set_headers?: Record<string, string>;
  /** Header names removed from every upstream request. */
  remove_headers?: string[];
  /** Text put before the system prompt. */
  system_prompt_prefix?: string;
}

/**
 * `disabled`: switched off by an admin. `cooling_down`: recently failed (401, 429, 5xx, unreachable),
 * skipped until `cooling_down_until`. Otherwise `healthy`.
 */
export type UpstreamKeyHealth = 'healthy' | 'cooling_down' | 'disabled';

/**
 * One of a project's upstream keys. Counters come from the store (all instances, flushed every few
 * hundred ms); `health` and `cooling_down_until` are this instance's view: its own failures, plus the
 * cool-downs other instances announced through Redis (when one is configured).
 */
export interface UpstreamKeyView {
  id: string;
  project_id: string;
  label: string;
  /** Always masked, for example `sk-…wxyz`. */
  key: string;
  /** Share of requests relative to the project's other enabled keys (1–1000). */
  weight: number;
  is_enabled: boolean;
  health: UpstreamKeyHealth;
  cooling_down_until: string | null;
  /** A stable code (`status_429`, `upstream_unreachable`, …), never a provider's message. */
  last_error: string | null;
  last_error_at: string | null;
  last_used_at: string | null;
  request_count: number;
  /** Failures that took the key out of rotation. */
  failure_count: number;
  prompt_tokens: number;
  completion_tokens: number;
  created_at: string;
  updated_at: string;
}

export type TokenStatus = 'active' | 'expired' | 'revoked' | 'exhausted';

export interface TokenView {
  id: string;
  name: string | null;
  /** Masked (`llmp_…abcd`), except in the answer to tokens.create. */
  token: string;
  project_id: string;
  expires_at: string;
  is_active: boolean;
  status: TokenStatus;
  request_count: number;
  max_requests: number | null;
  allowed_models: string[] | null;
  prompt_tokens: number;
  completion_tokens: number;
  cache_hit_count: number;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Requests per minute: null = the project's default_rpm_limit, 0 = no limit. */
  rpm_limit: number | null;
  /** Tokens per minute (counted once the answer's usage is known): null = the project's default, 0 = no limit. */
  tpm_limit: number | null;
  /** Requests in flight at once, per instance; null = no limit. */
  max_concurrent: number | null;
  /** USD over the token's lifetime; null = no budget. */
  max_budget_usd: number | null;
  /** USD its answers cost (priced models only). */
  spend_usd: number;
}

export interface CreatedTokenView extends TokenView {
  /** Shown once: the full token. */
  token: string;
}

export interface RevokeResultView {
  revoked_count: number;
  already_revoked_count: number;
  total_tokens: number;
}

export interface AuditEventView {
  id: string;
  time: string;
  actor: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target_type: string | null;
  target_id: string | null;
  project_id: string | null;
  token_id: string | null;
  request_id: string | null;
  client_ip: string | null;
  details: Record<string, unknown>;
  /** How readers name the target when its id means nothing to them: an upstream key's label. */
  target_label: string | null;
}

export interface AuditPageView {
  events: AuditEventView[];
  pagination: { page: number; page_size: number; total_count: number; total_pages: number; has_next: boolean; has_prev: boolean };
}

export interface SystemInfoView {
  version: string;
  data_dir: string;
  listen_url: string;
  admin_url: string;
  database: { kind: 'sqlite' | 'postgres'; location: string; schema_version: string | null };
  started_at: string;
  redis: RedisStatusView;
  tls: TlsInfoView;
}

/** How the server speaks HTTPS (`off`: plain HTTP). Shown on the Settings screen. */
export interface TlsInfoView {
  /** `local_ca`: --tls-self-signed; `files`: --tls-cert/--tls-key; `acme`: --acme-domain. */
  mode: 'off' | 'local_ca' | 'files' | 'acme';
  /** When the served certificate expires (ISO 8601); null when HTTPS is off. */
  expires_at: string | null;
  /** DNS names and IP addresses the certificate covers. */
  names: string[];
  /** The local CA certificate clients must trust (local_ca only). */
  ca_path?: string;
  /** Exact commands that trust ca_path (local_ca only). */
  trust_commands?: { macos: string; windows: string; linux: string; node: string };
  /** Listening beyond loopback in clear text (--allow-insecure-lan): the screens warn. */
  insecure_lan: boolean;
}

/**
 * `off`: no Redis URL set (limits per instance). `connecting`: first attempt under way.
 * `ready`: limits shared, revocations broadcast. `unreachable`: limits per instance (or refused when
 * fail_closed) until Redis answers again, which is retried in the background.
 */
export type RedisState = 'off' | 'connecting' | 'ready' | 'unreachable';

export interface RedisStatusView {
  configured: boolean;
  state: RedisState;
  /** host:port/db without credentials; null when off. */
  location: string | null;
  prefix: string;
  fail_closed: boolean;
  /** When the current state began. */
  since: string;
  /** Limit decisions the local limiter made in place of Redis since start (outages, slow answers). */
  local_decisions: number;
}

export interface DashboardView {
  projects: { total: number; active: number };
  tokens: { active: number; total: number };
  requests_today: number;
  /** Requests refused by a rate limit since local midnight (from the audit trail). */
  rate_limited_today: number;
  recent_audit: AuditEventView[];
}

/** The response cache as the Cache screen shows it. Counters are this instance's since `since`. */
export interface CacheStatsView {
  /** `off`: --cache-max-bytes 0 without Redis. */
  store: 'memory' | 'redis' | 'off';
  entries: number;
  bytes: number;
  /** The memory budget; null for Redis (bounded by its maxmemory). */
  max_bytes: number | null;
  max_object_bytes: number;
  default_ttl_seconds: number;
  hits: number;
  misses: number;
  /** Requests the cache did not take part in (not opted in, no-store, uploads, store unreachable). */
  bypasses: number;
  stored: number;
  /** hits / (hits + misses); null before the first cacheable request. */
  hit_rate: number | null;
  since: string;
  /** Redis: only part of the keys were counted (many entries). */
  partial: boolean;
  /** Up to 10 `METHOD /path` with the most cached answers (then hits). */
  top_endpoints: { method: string; path: string; entries: number; bytes: number; hits: number }[];
}

export interface CachePurgeResultView {
  /** Cached answers removed. */
  deleted: number;
}
