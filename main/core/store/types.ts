// The store's contract: plain rows and async repositories. SQLite implements it today; PostgreSQL later
// implements the same interfaces, so nothing above this folder knows which database it talks to.
// Times are epoch milliseconds; ids are UUIDv7 strings.

export type Provider = 'openai' | 'anthropic';

export interface ProjectRow {
  id: string;
  name: string;
  provider: Provider;
  baseUrl: string;
  /** AES-256-GCM sealed upstream key (see main/core/secrets). */
  apiKeySealed: string;
  /** Last 4 characters of the upstream key, for masked display. */
  apiKeyLast4: string;
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
  /** Case-insensitive (ASCII) literal substring over action, actor, target id, request id and details. */
  search?: string;
  page: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

export type ProjectLimitFields = 'defaultRpmLimit' | 'defaultTpmLimit' | 'sharedRpmLimit' | 'sharedTpmLimit' | 'sharedLimitKey';
/** Limits left out are stored as null. */
export type NewProject = Omit<ProjectRow, 'updatedAt' | 'deactivatedAt' | ProjectLimitFields> & Partial<Pick<ProjectRow, ProjectLimitFields>>;
export type ProjectChanges = Partial<Pick<ProjectRow, 'name' | 'baseUrl' | 'apiKeySealed' | 'apiKeyLast4' | 'isActive' | 'deactivatedAt' | ProjectLimitFields>>;

export type TokenLimitFields = 'rpmLimit' | 'tpmLimit' | 'maxConcurrent';
/** Limits left out are stored as null. */
export type NewToken = Omit<TokenRow, 'requestCount' | 'promptTokens' | 'completionTokens' | 'cacheHitCount' | 'updatedAt' | 'lastUsedAt' | 'revokedAt' | TokenLimitFields> &
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
  /** Throws AppError('duplicate_name') when the name is taken. */
  create(project: NewProject): Promise<ProjectRow>;
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
}

export interface AuditRepository {
  append(events: AuditRow[]): Promise<void>;
  get(id: string): Promise<AuditRow | null>;
  query(query: AuditQuery): Promise<Page<AuditRow>>;
}

export interface UsageRepository {
  /** Requests counted in the hour buckets that start at or after `since` (rounded down to the hour). */
  requestsSince(since: number): Promise<number>;
}

export interface StoreInfo {
  kind: 'sqlite' | 'postgres';
  /** File path for SQLite, a credential-free URL for PostgreSQL. */
  location: string;
  schemaVersion: string | null;
}

export interface Store {
  projects: ProjectRepository;
  tokens: TokenRepository;
  audit: AuditRepository;
  usage: UsageRepository;
  info(): StoreInfo;
  /** Answers when the database does (for /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
