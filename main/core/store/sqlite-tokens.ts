// TokenRepository over SQLite: token policy, the hash used for lookup, and accumulated usage.
import type { Database } from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { definedOnly } from './row-changes.ts';
import { isForeignKeyViolation } from './sqlite-errors.ts';
import type { NewToken, TokenChanges, TokenRepository, TokenRow, UsageDelta } from './types.ts';

interface TokenRecord {
  id: string;
  project_id: string;
  name: string | null;
  token_hash: string;
  token_last4: string;
  expires_at: number;
  is_active: number;
  max_requests: number | null;
  request_count: number;
  allowed_models: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cache_hit_count: number;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_concurrent: number | null;
}

interface ListParams {
  projectId?: string;
  activeOnly: number;
  now: number;
}

const ACTIVE = '(@activeOnly = 0 OR (is_active = 1 AND expires_at > @now))';
const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC';

const HOUR_MS = 3_600_000;

export function sqliteTokenRepository(db: Database): TokenRepository {
  const insert = db.prepare<TokenRecord, TokenRecord>(`
    INSERT INTO tokens (id, project_id, name, token_hash, token_last4, expires_at, is_active, max_requests,
      request_count, allowed_models, prompt_tokens, completion_tokens, cache_hit_count, created_at, updated_at,
      last_used_at, revoked_at, rpm_limit, tpm_limit, max_concurrent)
    VALUES (@id, @project_id, @name, @token_hash, @token_last4, @expires_at, @is_active, @max_requests,
      @request_count, @allowed_models, @prompt_tokens, @completion_tokens, @cache_hit_count, @created_at, @updated_at,
      @last_used_at, @revoked_at, @rpm_limit, @tpm_limit, @max_concurrent)
    RETURNING *`);
  const byId = db.prepare<[string], TokenRecord>('SELECT * FROM tokens WHERE id = ?');
  const byHash = db.prepare<[string], TokenRecord>('SELECT * FROM tokens WHERE token_hash = ?');
  const listAll = db.prepare<ListParams, TokenRecord>(`SELECT * FROM tokens WHERE ${ACTIVE} ${NEWEST_FIRST}`);
  const listOfProject = db.prepare<ListParams, TokenRecord>(
    `SELECT * FROM tokens WHERE project_id = @projectId AND ${ACTIVE} ${NEWEST_FIRST}`,
  );
  const write = db.prepare<TokenRecord, TokenRecord>(`
    UPDATE tokens SET name = @name, expires_at = @expires_at, is_active = @is_active, max_requests = @max_requests,
      allowed_models = @allowed_models, updated_at = @updated_at, revoked_at = @revoked_at,
      rpm_limit = @rpm_limit, tpm_limit = @tpm_limit, max_concurrent = @max_concurrent
    WHERE id = @id
    RETURNING *`);
  const countOfProject = db.prepare<[string], number>('SELECT count(*) FROM tokens WHERE project_id = ?').pluck();
  const revokeActive = db.prepare<{ projectId: string; now: number }>(`
    UPDATE tokens SET is_active = 0, revoked_at = @now, updated_at = @now
    WHERE project_id = @projectId AND is_active = 1`);
  const addUsageToRow = db.prepare<UsageDelta>(`
    UPDATE tokens SET
      request_count = request_count + @requests,
      prompt_tokens = prompt_tokens + @promptTokens,
      completion_tokens = completion_tokens + @completionTokens,
      cache_hit_count = cache_hit_count + @cacheHits,
      last_used_at = max(coalesce(last_used_at, 0), @lastUsedAt)
    WHERE id = @tokenId`);

  const updateTx = db.transaction((id: string, changes: TokenChanges, now: number): TokenRow | null => {
    const current = byId.get(id);
    if (!current) return null;
    const merged = { ...toTokenRow(current), ...definedOnly(changes), updatedAt: now };
    return toTokenRow(write.get(toRecord(merged)) as TokenRecord);
  });
  const revokeAllTx = db.transaction((projectId: string, now: number) => {
    const total = countOfProject.get(projectId) ?? 0;
    const revoked = revokeActive.run({ projectId, now }).changes;
    return { revoked, alreadyRevoked: total - revoked, total };
  });
  const addUsageToHour = db.prepare<UsageDelta & { hour: number }>(`
    INSERT INTO usage_hourly (hour, token_id, project_id, requests, prompt_tokens, completion_tokens, cache_hits)
    SELECT @hour, id, project_id, @requests, @promptTokens, @completionTokens, @cacheHits FROM tokens WHERE id = @tokenId
    ON CONFLICT (hour, token_id) DO UPDATE SET
      requests = requests + excluded.requests,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      completion_tokens = completion_tokens + excluded.completion_tokens,
      cache_hits = cache_hits + excluded.cache_hits`);
  const addUsageTx = db.transaction((deltas: UsageDelta[]) => {
    for (const delta of deltas) {
      addUsageToRow.run(delta);
      addUsageToHour.run({ ...delta, hour: Math.floor(delta.lastUsedAt / HOUR_MS) * HOUR_MS });
    }
  });

  return {
    async create(token: NewToken) {
      const row: TokenRow = {
        rpmLimit: null,
        tpmLimit: null,
        maxConcurrent: null,
        ...token,
        requestCount: 0,
        promptTokens: 0,
        completionTokens: 0,
        cacheHitCount: 0,
        updatedAt: token.createdAt,
        lastUsedAt: null,
        revokedAt: null,
      };
      try {
        return toTokenRow(insert.get(toRecord(row)) as TokenRecord);
      } catch (err) {
        if (isForeignKeyViolation(err)) {
          throw new AppError('project_not_found', `Project ${token.projectId} does not exist`);
        }
        throw err;
      }
    },
    async get(id) {
      const record = byId.get(id);
      return record ? toTokenRow(record) : null;
    },
    async getByHash(tokenHash) {
      const record = byHash.get(tokenHash);
      return record ? toTokenRow(record) : null;
    },
    async list({ projectId, activeOnly = false, now }) {
      const params: ListParams = { activeOnly: activeOnly ? 1 : 0, now };
      const records = projectId === undefined ? listAll.all(params) : listOfProject.all({ ...params, projectId });
      return records.map(toTokenRow);
    },
    // IMMEDIATE: these read, then write. Deferred, a commit by another connection in between (another
    // instance on this file, its event outbox) fails the write at once with SQLITE_BUSY instead of
    // waiting for the busy timeout.
    async update(id, changes, now) {
      return updateTx.immediate(id, changes, now);
    },
    async revokeAllForProject(projectId, now) {
      return revokeAllTx.immediate(projectId, now);
    },
    async addUsage(deltas) {
      if (deltas.length > 0) addUsageTx(deltas);
    },
  };
}

function toTokenRow(r: TokenRecord): TokenRow {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    tokenHash: r.token_hash,
    tokenLast4: r.token_last4,
    expiresAt: r.expires_at,
    isActive: r.is_active === 1,
    maxRequests: r.max_requests,
    requestCount: r.request_count,
    allowedModels: r.allowed_models === null ? null : (JSON.parse(r.allowed_models) as string[]),
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    cacheHitCount: r.cache_hit_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    rpmLimit: r.rpm_limit,
    tpmLimit: r.tpm_limit,
    maxConcurrent: r.max_concurrent,
  };
}

function toRecord(t: TokenRow): TokenRecord {
  return {
    id: t.id,
    project_id: t.projectId,
    name: t.name,
    token_hash: t.tokenHash,
    token_last4: t.tokenLast4,
    expires_at: t.expiresAt,
    is_active: t.isActive ? 1 : 0,
    max_requests: t.maxRequests,
    request_count: t.requestCount,
    allowed_models: t.allowedModels === null ? null : JSON.stringify(t.allowedModels),
    prompt_tokens: t.promptTokens,
    completion_tokens: t.completionTokens,
    cache_hit_count: t.cacheHitCount,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt,
    rpm_limit: t.rpmLimit,
    tpm_limit: t.tpmLimit,
    max_concurrent: t.maxConcurrent,
  };
}
