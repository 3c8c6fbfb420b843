// The store's contract: plain rows and async repositories. SQLite (embedded default) and PostgreSQL
// implement the same interfaces, so nothing above this folder knows which database it talks to.
// Times are epoch milliseconds; ids are UUIDv7 strings.
import type { AdminRepository, SettingRepository } from './admin-types.ts';
import type { DailyUsageQuery } from './daily-usage-query.ts';
import type { EventRepository } from './event-types.ts';
import type { Page } from './page.ts';
import type { MoneyRepository } from './money-types.ts';

/** Provider definitions (endpoints, auth header, usage) live in main/core/proxy/providers.ts. */
export type Provider = 'openai' | 'anthropic' | 'openai-compatible' | 'azure';

/**
 * Per-project rewrites of the request, set without code (main/core/proxy/passes/transformations.ts).
 * Every field is optional; `{}` changes nothing.
 */
export interface ProjectTransformations {
  /** Model used when the request names none. */
  defaultModel?: string;
  /** Names clients may use for a model, e.g. `{ "fast": "gpt-4o-mini" }` (exact, case-sensitive). */
  modelAliases?: Record<string, string>;
  /** Ceiling for max_tokens / max_completion_tokens / max_output_tokens: lowered to it, set when missing (Anthropic requires it). */
  maxTokensCeiling?: number;
  /** Headers added to (or replacing) the upstream request's; never auth headers. */
  setHeaders?: Record<string, string>;
  /** Header names removed from the upstream request (lower-case). */
  removeHeaders?: string[];
  /** Text put before the system prompt (added as one when there is none). */
  systemPromptPrefix?: string;
}

/** A project's own price for the models a glob matches, in USD per million tokens (0 prices a local model). */
export interface ModelPriceOverride {
  inputPerMtok: number;
  outputPerMtok: number;
  /** Cached input tokens; the input price when left out. */
  cachedInputPerMtok?: number;
}

/** Model glob → price; these win over the price catalogue. */
export type ProjectPrices = Record<string, ModelPriceOverride>;

export interface ProjectRow {
  id: string;
  name: string;
  provider: Provider;
  baseUrl: string;
  isActive: boolean;
  createdAt: number;
  updatedAt: number;
  deactivatedAt: number | null;
  /** Requests / tokens per minute for tokens that set none themselves; null or 0 = no default. */
  defaultRpmLimit: number | null;
  defaultTpmLimit: number | null;
  /** One budget per minute for everyone holding the same upstream key (across instances, through Redis). */
  sharedRpmLimit: number | null;
  sharedTpmLimit: number | null;
  /** Names that budget; null = a fingerprint of the upstream key (never the key itself). */
  sharedLimitKey: string | null;
  /** Seconds POST answers are cached without a client opt-in; null = the server's default, 0 = opt-in only. */
  cacheDefaultTtlSeconds: number | null;
  /** The project's tokens share cached answers (else each token has its own). */
  cacheSharedAcrossTokens: boolean;
  /** Stored as JSON text; `{}` when none. */
  transformations: ProjectTransformations;
  /** Stored as JSON text; `{}` when none. */
  prices: ProjectPrices;
  /** USD per calendar month (UTC) for all the project's tokens; null = no budget. */
  monthlyBudgetUsd: number | null;
}

/**
 * One of a project's real provider keys (table upstream_keys). A project has one or more; the proxy
 * spreads requests over the enabled ones by weight (main/core/proxy/key-selector.ts).
 */
export interface UpstreamKeyRow {
  id: string;
  projectId: string;
  /** Unique within the project, e.g. "default", "team-b". */
  label: string;
  /** AES-256-GCM sealed key, with the project id as associated data (as projects' keys always were). */
  keySealed: string;
  /** Last 4 characters of the key, for masked display. */
  keyLast4: string;
  /** Share of requests relative to the project's other enabled keys, 1–1000. */
  weight: number;
  isEnabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
  /** Requests sent upstream with this key (retries included). */
  requestCount: number;
  /** Of those, how many failed in a way that took the key out of rotation (401/403/429/5xx/unreachable). */
  failureCount: number;
  promptTokens: number;
  completionTokens: number;
  lastErrorAt: number | null;
  /** A stable error code or `status_<n>`, never an upstream message or a secret. */
  lastError: string | null;
}

export type NewUpstreamKey = Pick<UpstreamKeyRow, 'id' | 'projectId' | 'label' | 'keySealed' | 'keyLast4' | 'weight' | 'isEnabled' | 'createdAt'>;
export type UpstreamKeyChanges = Partial<Pick<UpstreamKeyRow, 'label' | 'keySealed' | 'keyLast4' | 'weight' | 'isEnabled'>>;

/** One key's traffic since the last flush, added (never assigned) to its row. */
export interface UpstreamKeyUsageDelta {
  keyId: string;
  requests: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  lastUsedAt: number | null;
  /** The newest failure in the batch, if any. */
  lastError: { code: string; at: number } | null;
}

export interface UpstreamKeyRepository {
  /** Throws AppError('duplicate_name') when the project already has a key with that label. */
  create(key: NewUpstreamKey): Promise<UpstreamKeyRow>;
  get(id: string): Promise<UpstreamKeyRow | null>;
  /** Oldest first (the first one names the shared rate-limit budget when the project sets no name). */
  listForProject(projectId: string): Promise<UpstreamKeyRow[]>;
  /** Every project's keys in one read (project id → its keys, oldest first); projects without keys are absent. */
  listAllByProject(): Promise<Map<string, UpstreamKeyRow[]>>;
  /** Returns null when the id is unknown. Throws AppError('duplicate_name') on a taken label. */
  update(id: string, changes: UpstreamKeyChanges, now: number): Promise<UpstreamKeyRow | null>;
  /** Deletes the key; false when it did not exist. */
  remove(id: string): Promise<boolean>;
  /** Adds usage deltas in one transaction; deltas of keys removed meanwhile are ignored. */
  addUsage(deltas: UpstreamKeyUsageDelta[]): Promise<void>;
}

export interface TokenRow {
  id: string;
  projectId: string;
  name: string | null;
  /** Keyed hash (HMAC-SHA-256, hex) of the full token; the token itself is never stored. */
  tokenHash: string;
  /** Last 4 characters of the token, for masked display. */
  tokenLast4: string;
  expiresAt: number;
  isActive: boolean;
  /** null = unlimited. */
  maxRequests: number | null;
  requestCount: number;
  /** Glob patterns; null = every model. */
  allowedModels: string[] | null;
  promptTokens: number;
  completionTokens: number;
  cacheHitCount: number;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Requests per minute; null = the project's default, 0 = no limit. */
  rpmLimit: number | null;
  /** Tokens per minute (counted once usage is known); null = the project's default, 0 = no limit. */
  tpmLimit: number | null;
  /** Requests in flight at once, per instance; null or 0 = no limit. */
  maxConcurrent: number | null;
  /** USD over the token's lifetime; null = no budget. */
  maxBudgetUsd: number | null;
  /** What the token's answers cost, in whole nano-dollars (main/core/money/cost.ts). */
  spendNanos: number;
}

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditRow {
  id: string;
  time: number;
  /** Who acted: 'management', 'cli', 'desktop', or 'token:<id>' for proxy requests. */
  actor: string;
  action: string;
  outcome: AuditOutcome;
  targetType: string | null;
  targetId: string | null;
  projectId: string | null;
  tokenId: string | null;
  requestId: string | null;
  clientIp: string | null;
  /** Already redacted by the audit module; never holds a secret. */
  details: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  outcome?: AuditOutcome;
  projectId?: string;
  tokenId?: string;
  from?: number;
  to?: number;
  /** Rows of any of these projects only (an operator's scope); an empty list matches nothing. */
  projectIds?: readonly string[];
  /** Exact actor, e.g. `admin:alice`. */
  actor?: string;
  /** Case-insensitive (ASCII) literal substring over action, actor, target id, request id and details. */
  search?: string;
  page: number;
  pageSize: number;
}

export type { Page } from './page.ts';

export type ProjectLimitFields = 'defaultRpmLimit' | 'defaultTpmLimit' | 'sharedRpmLimit' | 'sharedTpmLimit' | 'sharedLimitKey';
/** Response cache settings; left out on create = the defaults (server TTL, shared across tokens). */
export type ProjectCacheFields = 'cacheDefaultTtlSeconds' | 'cacheSharedAcrossTokens';
/** Limits left out are stored as null. */
/** Left out on create: no transformations. */
/** Money settings; left out on create = no prices of its own, no budget. */
export type ProjectMoneyFields = 'prices' | 'monthlyBudgetUsd';
export type NewProject = Omit<ProjectRow, 'updatedAt' | 'deactivatedAt' | 'transformations' | ProjectLimitFields | ProjectCacheFields | ProjectMoneyFields> &
  Partial<Pick<ProjectRow, 'transformations' | ProjectLimitFields | ProjectCacheFields | ProjectMoneyFields>>;
export type ProjectChanges = Partial<
  Pick<ProjectRow, 'name' | 'baseUrl' | 'isActive' | 'deactivatedAt' | 'transformations' | ProjectLimitFields | ProjectCacheFields | ProjectMoneyFields>
>;

export type TokenLimitFields = 'rpmLimit' | 'tpmLimit' | 'maxConcurrent' | 'maxBudgetUsd';
/** Limits left out are stored as null. */
export type NewToken = Omit<
  TokenRow,
  'requestCount' | 'promptTokens' | 'completionTokens' | 'cacheHitCount' | 'spendNanos' | 'updatedAt' | 'lastUsedAt' | 'revokedAt' | TokenLimitFields
> &
  Partial<Pick<TokenRow, TokenLimitFields>>;
export type TokenChanges = Partial<Pick<TokenRow, 'name' | 'isActive' | 'maxRequests' | 'expiresAt' | 'allowedModels' | 'revokedAt' | TokenLimitFields>>;

/** One token's usage since the last flush, added (never assigned) to its row. */
export interface UsageDelta {
  tokenId: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cacheHits: number;
  lastUsedAt: number;
}

export interface ProjectRepository {
  /**
   * Creates the project and its first upstream keys in one transaction (nothing is written when any
   * part fails). Throws AppError('duplicate_name') when the name is taken.
   */
  create(project: NewProject, keys: NewUpstreamKey[]): Promise<ProjectRow>;
  get(id: string): Promise<ProjectRow | null>;
  list(): Promise<ProjectRow[]>;
  /** Returns null when the id is unknown. Throws AppError('duplicate_name') on a taken name. */
  update(id: string, changes: ProjectChanges, now: number): Promise<ProjectRow | null>;
}

export interface TokenRepository {
  create(token: NewToken): Promise<TokenRow>;
  get(id: string): Promise<TokenRow | null>;
  getByHash(tokenHash: string): Promise<TokenRow | null>;
  list(filter: { projectId?: string; activeOnly?: boolean; now: number }): Promise<TokenRow[]>;
  update(id: string, changes: TokenChanges, now: number): Promise<TokenRow | null>;
  /** Deactivates every active token of a project in one transaction; returns how many changed. */
  revokeAllForProject(projectId: string, now: number): Promise<{ revoked: number; alreadyRevoked: number; total: number }>;
  /** Adds usage deltas in one transaction. */
  addUsage(deltas: UsageDelta[]): Promise<void>;
  /**
   * Durably reserves up to `want` requests of the token's max_requests ahead of use, in one transaction
   * (see quota-reservations.ts: fewer than asked near the end). Returns how many were granted: 0 when the
   * quota is spent or the token is gone; `want` for a token without a quota (nothing is written).
   */
  reserveRequests(tokenId: string, want: number): Promise<number>;
  /** Gives unused reservations back (never below zero), in one transaction. */
  releaseRequests(releases: { tokenId: string; amount: number }[]): Promise<void>;
}

export interface AuditRepository {
  append(events: AuditRow[]): Promise<void>;
  get(id: string): Promise<AuditRow | null>;
  query(query: AuditQuery): Promise<Page<AuditRow>>;
}

export interface UsageRepository {
  /** Requests counted in the hour buckets that start at or after `since` (rounded down to the hour). */
  requestsSince(since: number): Promise<number>;
  /** Usage summed per token or project and per day; only (key, day) pairs with usage are returned. */
  daily(query: DailyUsageQuery): Promise<DailyUsageRow[]>;
}

export type { DailyUsageQuery } from './daily-usage-query.ts';
export type * from './event-types.ts';
export type * from './admin-types.ts';

export interface DailyUsageRow {
  /** Token or project id. */
  key: string;
  /** Index of the day since the epoch, counted in the viewer's time (floor((hour + offset) / day)). */
  day: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cacheHits: number;
}

export interface StoreInfo {
  kind: 'sqlite' | 'postgres';
  /** File path for SQLite, a credential-free URL for PostgreSQL. */
  location: string;
  schemaVersion: string | null;
}

export interface Store {
  projects: ProjectRepository;
  admins: AdminRepository;
  /** Settings changed at run time (main/core/settings/). */
  settings: SettingRepository;
  upstreamKeys: UpstreamKeyRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
  usage: UsageRepository;
  /** Spend and budget reservations (money-types.ts). */
  money: MoneyRepository;
  events: EventRepository;
  info(): StoreInfo;
  /** Answers when the database does (for /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
