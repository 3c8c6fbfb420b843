// Every repository interface over PostgreSQL (node-postgres pool). Same behaviour as the sqlite-*.ts
// repositories, checked by the same test suites: read-merge-write updates lock the row (FOR UPDATE),
// multi-row writes run in one transaction, usage is added by single atomic UPDATE/UPSERT statements (exact
// across processes), a taken project name maps to duplicate_name, an unknown project to project_not_found.
import type pg from 'pg';
import { AppError } from '../errors.ts';
import { definedOnly } from './row-changes.ts';
import { toAuditRecord, toAuditRow, type AuditRecord } from './audit-records.ts';
import { escapeLike } from './sqlite-audit.ts';
import {
  duplicateLabel,
  newUpstreamKeyRow,
  postgresFlag,
  refuseKeysOfOtherProjects,
  toUpstreamKeyRecord,
  toUpstreamKeyRow,
  UPSTREAM_KEY_COLUMNS,
  UPSTREAM_KEY_UPDATABLE,
  type UpstreamKeyRecord,
} from './upstream-key-records.ts';
import type {
  AuditRepository,
  CursorRow,
  DailyUsageRow,
  DeadLetterRow,
  EventRepository,
  NewProject,
  NewUpstreamKey,
  OutboxEvent,
  ProjectRepository,
  ProjectRow,
  ProjectTransformations,
  Provider,
  TokenRepository,
  TokenRow,
  UpstreamKeyRepository,
  UpstreamKeyRow,
  UsageRepository,
} from './types.ts';

type Queryable = Pick<pg.Pool, 'query'>;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Runs `work` in one transaction on one pooled connection. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

function pgCode(err: unknown): { code?: string; constraint?: string } {
  return typeof err === 'object' && err !== null ? (err as { code?: string; constraint?: string }) : {};
}
const isUniqueViolation = (err: unknown, constraint: string) => pgCode(err).code === '23505' && pgCode(err).constraint === constraint;
const isForeignKeyViolation = (err: unknown) => pgCode(err).code === '23503';

// ---------------------------------------------------------------------------------------------- projects

interface ProjectRecord {
  id: string;
  name: string;
  provider: Provider;
  base_url: string;
  is_active: boolean;
  created_at: number;
  updated_at: number;
  deactivated_at: number | null;
  default_rpm_limit: number | null;
  default_tpm_limit: number | null;
  shared_rpm_limit: number | null;
  shared_tpm_limit: number | null;
  shared_limit_key: string | null;
  cache_default_ttl_seconds: number | null;
  cache_shared_across_tokens: boolean;
  transformations: string;
}

const PROJECT_COLUMNS = [
  'id', 'name', 'provider', 'base_url', 'is_active', 'created_at', 'updated_at', 'deactivated_at', 'default_rpm_limit', 'default_tpm_limit',
  'shared_rpm_limit', 'shared_tpm_limit', 'shared_limit_key', 'cache_default_ttl_seconds', 'cache_shared_across_tokens', 'transformations',
] as const;
const PROJECT_UPDATABLE = PROJECT_COLUMNS.filter((c) => c !== 'id' && c !== 'provider' && c !== 'created_at');

export function postgresProjectRepository(pool: pg.Pool): ProjectRepository {
  const insertSql = `INSERT INTO projects (${PROJECT_COLUMNS.join(', ')}) VALUES (${PROJECT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;
  const updateSql = `UPDATE projects SET ${PROJECT_UPDATABLE.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`;

  const withDuplicateName = async <T>(name: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err, 'projects_name_key')) throw new AppError('duplicate_name', `A project named "${name}" already exists`);
      throw err;
    }
  };

  return {
    async create(project: NewProject, keys: NewUpstreamKey[]) {
      const row: ProjectRow = {
        defaultRpmLimit: null,
        defaultTpmLimit: null,
        sharedRpmLimit: null,
        sharedTpmLimit: null,
        sharedLimitKey: null,
        cacheDefaultTtlSeconds: null,
        cacheSharedAcrossTokens: true,
        ...project,
        transformations: project.transformations ?? {},
        updatedAt: project.createdAt,
        deactivatedAt: null,
      };
      refuseKeysOfOtherProjects(row.id, keys);
      const record = toProjectRecord(row);
      // The project and its first keys commit together: a refused key (taken label) leaves no project behind.
      return withDuplicateName(row.name, () =>
        withTransaction(pool, async (client) => {
          const res = await client.query<ProjectRecord>(insertSql, PROJECT_COLUMNS.map((c) => record[c]));
          for (const key of keys) await insertUpstreamKey(client, key);
          return toProjectRow(res.rows[0]!);
        }),
      );
    },
    async get(id) {
      const res = await pool.query<ProjectRecord>('SELECT * FROM projects WHERE id = $1', [id]);
      return res.rows[0] ? toProjectRow(res.rows[0]) : null;
    },
    async list() {
      // COLLATE "C": the same byte order as SQLite's default BINARY collation.
      const res = await pool.query<ProjectRecord>('SELECT * FROM projects ORDER BY name COLLATE "C", id COLLATE "C"');
      return res.rows.map(toProjectRow);
    },
    async update(id, changes, now) {
      return withDuplicateName(changes.name ?? '', () =>
        withTransaction(pool, async (client) => {
          const current = await client.query<ProjectRecord>('SELECT * FROM projects WHERE id = $1 FOR UPDATE', [id]);
          if (!current.rows[0]) return null;
          const merged = toProjectRecord({ ...toProjectRow(current.rows[0]), ...definedOnly(changes), updatedAt: now });
          const res = await client.query<ProjectRecord>(updateSql, [id, ...PROJECT_UPDATABLE.map((c) => merged[c])]);
          return toProjectRow(res.rows[0]!);
        }),
      );
    },
  };
}

function toProjectRow(r: ProjectRecord): ProjectRow {
  return {
    id: r.id,
    name: r.name,
    provider: r.provider,
    baseUrl: r.base_url,
    isActive: r.is_active,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deactivatedAt: r.deactivated_at,
    defaultRpmLimit: r.default_rpm_limit,
    defaultTpmLimit: r.default_tpm_limit,
    sharedRpmLimit: r.shared_rpm_limit,
    sharedTpmLimit: r.shared_tpm_limit,
    sharedLimitKey: r.shared_limit_key,
    cacheDefaultTtlSeconds: r.cache_default_ttl_seconds,
    cacheSharedAcrossTokens: r.cache_shared_across_tokens,
    transformations: JSON.parse(r.transformations) as ProjectTransformations,
  };
}

function toProjectRecord(p: ProjectRow): ProjectRecord {
  return {
    id: p.id,
    name: p.name,
    provider: p.provider,
    base_url: p.baseUrl,
    is_active: p.isActive,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    deactivated_at: p.deactivatedAt,
    default_rpm_limit: p.defaultRpmLimit,
    default_tpm_limit: p.defaultTpmLimit,
    shared_rpm_limit: p.sharedRpmLimit,
    shared_tpm_limit: p.sharedTpmLimit,
    shared_limit_key: p.sharedLimitKey,
    cache_default_ttl_seconds: p.cacheDefaultTtlSeconds,
    cache_shared_across_tokens: p.cacheSharedAcrossTokens,
    transformations: JSON.stringify(p.transformations),
  };
}

// ----------------------------------------------------------------------------------------- upstream keys

type KeyRecord = UpstreamKeyRecord<boolean>;

const KEY_INSERT_SQL = `INSERT INTO upstream_keys (${UPSTREAM_KEY_COLUMNS.join(', ')}) VALUES (${UPSTREAM_KEY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;
const KEY_UPDATE_SQL = `UPDATE upstream_keys SET ${UPSTREAM_KEY_UPDATABLE.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`;

function upstreamKeyError(err: unknown, label: string, projectId: string): unknown {
  if (isUniqueViolation(err, 'upstream_keys_project_label_key')) return new AppError('duplicate_name', duplicateLabel(label));
  if (isForeignKeyViolation(err)) return new AppError('project_not_found', `Project ${projectId} does not exist`);
  return err;
}

/** Inserts one key on `q` (the project repository's create transaction, or the pool). */
async function insertUpstreamKey(q: Queryable, key: NewUpstreamKey): Promise<UpstreamKeyRow> {
  const record = toUpstreamKeyRecord(newUpstreamKeyRow(key), postgresFlag);
  try {
    const res = await q.query<KeyRecord>(KEY_INSERT_SQL, UPSTREAM_KEY_COLUMNS.map((c) => record[c]));
    return toUpstreamKeyRow(res.rows[0]!);
  } catch (err) {
    throw upstreamKeyError(err, key.label, key.projectId);
  }
}

export function postgresUpstreamKeyRepository(pool: pg.Pool): UpstreamKeyRepository {
  return {
    create: (key) => insertUpstreamKey(pool, key),
    async get(id) {
      const res = await pool.query<KeyRecord>('SELECT * FROM upstream_keys WHERE id = $1', [id]);
      return res.rows[0] ? toUpstreamKeyRow(res.rows[0]) : null;
    },
    async listForProject(projectId) {
      const res = await pool.query<KeyRecord>('SELECT * FROM upstream_keys WHERE project_id = $1 ORDER BY created_at, id COLLATE "C"', [projectId]);
      return res.rows.map(toUpstreamKeyRow);
    },
    async update(id, changes, now) {
      return withTransaction(pool, async (client) => {
        const current = await client.query<KeyRecord>('SELECT * FROM upstream_keys WHERE id = $1 FOR UPDATE', [id]);
        if (!current.rows[0]) return null;
        const merged = toUpstreamKeyRecord({ ...toUpstreamKeyRow(current.rows[0]), ...definedOnly(changes), updatedAt: now }, postgresFlag);
        try {
          const res = await client.query<KeyRecord>(KEY_UPDATE_SQL, [id, ...UPSTREAM_KEY_UPDATABLE.map((c) => merged[c])]);
          return toUpstreamKeyRow(res.rows[0]!);
        } catch (err) {
          throw upstreamKeyError(err, merged.label, merged.project_id);
        }
      });
    },
    async remove(id) {
      const res = await pool.query('DELETE FROM upstream_keys WHERE id = $1', [id]);
      return (res.rowCount ?? 0) > 0;
    },
    async addUsage(deltas) {
      if (deltas.length === 0) return;
      // Added with col = col + $n, rows locked in id order (as tokens.addUsage): exact and deadlock-free
      // when instances flush at once. Both error columns test the row's old last_error_at; a failure at the
      // same millisecond as the stored one replaces it.
      const sorted = [...deltas].sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
      await withTransaction(pool, async (client) => {
        for (const d of sorted) {
          await client.query(
            `UPDATE upstream_keys SET request_count = request_count + $2, failure_count = failure_count + $3,
               prompt_tokens = prompt_tokens + $4, completion_tokens = completion_tokens + $5,
               last_used_at = GREATEST(last_used_at, $6::bigint),
               last_error = CASE WHEN $8::bigint IS NOT NULL AND (last_error_at IS NULL OR $8::bigint >= last_error_at) THEN $7::text ELSE last_error END,
               last_error_at = CASE WHEN $8::bigint IS NOT NULL AND (last_error_at IS NULL OR $8::bigint >= last_error_at) THEN $8::bigint ELSE last_error_at END
             WHERE id = $1`,
            [d.keyId, d.requests, d.failures, d.promptTokens, d.completionTokens, d.lastUsedAt, d.lastError?.code ?? null, d.lastError?.at ?? null],
          );
        }
      });
    },
  };
}

// ------------------------------------------------------------------------------------------------ tokens

interface TokenRecord {
  id: string;
  project_id: string;
  name: string | null;
  token_hash: string;
  token_last4: string;
  expires_at: number;
  is_active: boolean;
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

const TOKEN_COLUMNS = [
  'id', 'project_id', 'name', 'token_hash', 'token_last4', 'expires_at', 'is_active', 'max_requests', 'request_count', 'allowed_models',
  'prompt_tokens', 'completion_tokens', 'cache_hit_count', 'created_at', 'updated_at', 'last_used_at', 'revoked_at', 'rpm_limit', 'tpm_limit', 'max_concurrent',
] as const;
const TOKEN_UPDATABLE = ['name', 'expires_at', 'is_active', 'max_requests', 'allowed_models', 'updated_at', 'revoked_at', 'rpm_limit', 'tpm_limit', 'max_concurrent'] as const;
const NEWEST_FIRST = 'ORDER BY created_at DESC, id COLLATE "C" DESC';

export function postgresTokenRepository(pool: pg.Pool): TokenRepository {
  const insertSql = `INSERT INTO tokens (${TOKEN_COLUMNS.join(', ')}) VALUES (${TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;
  const updateSql = `UPDATE tokens SET ${TOKEN_UPDATABLE.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`;
  const one = async (sql: string, params: unknown[]) => {
    const res = await pool.query<TokenRecord>(sql, params);
    return res.rows[0] ? toTokenRow(res.rows[0]) : null;
  };

  return {
    async create(token) {
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
      const record = toTokenRecord(row);
      try {
        const res = await pool.query<TokenRecord>(insertSql, TOKEN_COLUMNS.map((c) => record[c]));
        return toTokenRow(res.rows[0]!);
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new AppError('project_not_found', `Project ${token.projectId} does not exist`);
        throw err;
      }
    },
    get: (id) => one('SELECT * FROM tokens WHERE id = $1', [id]),
    getByHash: (tokenHash) => one('SELECT * FROM tokens WHERE token_hash = $1', [tokenHash]),
    async list({ projectId, activeOnly = false, now }) {
      const params: unknown[] = [activeOnly, now];
      const byProject = projectId === undefined ? '' : 'project_id = $3 AND ';
      if (projectId !== undefined) params.push(projectId);
      const res = await pool.query<TokenRecord>(
        `SELECT * FROM tokens WHERE ${byProject}(NOT $1::boolean OR (is_active AND expires_at > $2::bigint)) ${NEWEST_FIRST}`,
        params,
      );
      return res.rows.map(toTokenRow);
    },
    async update(id, changes, now) {
      return withTransaction(pool, async (client) => {
        const current = await client.query<TokenRecord>('SELECT * FROM tokens WHERE id = $1 FOR UPDATE', [id]);
        if (!current.rows[0]) return null;
        const merged = toTokenRecord({ ...toTokenRow(current.rows[0]), ...definedOnly(changes), updatedAt: now });
        const res = await client.query<TokenRecord>(updateSql, [id, ...TOKEN_UPDATABLE.map((c) => merged[c])]);
        return toTokenRow(res.rows[0]!);
      });
    },
    async revokeAllForProject(projectId, now) {
      return withTransaction(pool, async (client) => {
        const revoked = await client.query(
          'UPDATE tokens SET is_active = FALSE, revoked_at = $2, updated_at = $2 WHERE project_id = $1 AND is_active',
          [projectId, now],
        );
        const total = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM tokens WHERE project_id = $1', [projectId]);
        const n = revoked.rowCount ?? 0;
        return { revoked: n, alreadyRevoked: total.rows[0]!.n - n, total: total.rows[0]!.n };
      });
    },
    async claimRequest(tokenId, now) {
      const res = await pool.query<{ request_count: number }>(
        `UPDATE tokens SET request_count = request_count + 1, last_used_at = GREATEST(coalesce(last_used_at, 0), $2::bigint)
         WHERE id = $1 AND (max_requests IS NULL OR request_count < max_requests) RETURNING request_count`,
        [tokenId, now],
      );
      return res.rows[0]?.request_count ?? null;
    },
    async addUsage(deltas) {
      if (deltas.length === 0) return;
      // Rows are locked in id order so two instances flushing at once cannot deadlock.
      const sorted = [...deltas].sort((a, b) => (a.tokenId < b.tokenId ? -1 : a.tokenId > b.tokenId ? 1 : 0));
      await withTransaction(pool, async (client) => {
        for (const d of sorted) {
          await client.query(
            `UPDATE tokens SET request_count = request_count + $2 - $7, prompt_tokens = prompt_tokens + $3,
               completion_tokens = completion_tokens + $4, cache_hit_count = cache_hit_count + $5,
               last_used_at = GREATEST(coalesce(last_used_at, 0), $6::bigint)
             WHERE id = $1`,
            [d.tokenId, d.requests, d.promptTokens, d.completionTokens, d.cacheHits, d.lastUsedAt, d.claimed ?? 0],
          );
          await client.query(
            `INSERT INTO usage_hourly (hour, token_id, project_id, requests, prompt_tokens, completion_tokens, cache_hits)
             SELECT $1::bigint, id, project_id, $3, $4, $5, $6 FROM tokens WHERE id = $2
             ON CONFLICT (hour, token_id) DO UPDATE SET
               requests = usage_hourly.requests + excluded.requests,
               prompt_tokens = usage_hourly.prompt_tokens + excluded.prompt_tokens,
               completion_tokens = usage_hourly.completion_tokens + excluded.completion_tokens,
               cache_hits = usage_hourly.cache_hits + excluded.cache_hits`,
            [Math.floor(d.lastUsedAt / HOUR_MS) * HOUR_MS, d.tokenId, d.requests, d.promptTokens, d.completionTokens, d.cacheHits],
          );
        }
      });
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
    isActive: r.is_active,
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

function toTokenRecord(t: TokenRow): TokenRecord {
  return {
    id: t.id,
    project_id: t.projectId,
    name: t.name,
    token_hash: t.tokenHash,
    token_last4: t.tokenLast4,
    expires_at: t.expiresAt,
    is_active: t.isActive,
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

// ------------------------------------------------------------------------------------------------- audit


const AUDIT_COLUMNS = ['id', 'time', 'actor', 'action', 'outcome', 'target_type', 'target_id', 'project_id', 'token_id', 'request_id', 'client_ip', 'details'] as const;
const SEARCHED_COLUMNS = ['action', 'actor', 'target_id', 'request_id', 'details'];

export function postgresAuditRepository(pool: pg.Pool): AuditRepository {
  return {
    async append(events) {
      if (events.length === 0) return;
      const records = events.map(toAuditRecord);
      // One statement: unnest one array per column, so a batch is one round trip and all-or-nothing.
      await pool.query(
        `INSERT INTO audit_events (${AUDIT_COLUMNS.join(', ')})
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`,
        AUDIT_COLUMNS.map((c) => records.map((r) => r[c])),
      );
    },
    async get(id) {
      const res = await pool.query<AuditRecord>('SELECT * FROM audit_events WHERE id = $1', [id]);
      return res.rows[0] ? toAuditRow(res.rows[0]) : null;
    },
    async query(query) {
      const clauses: string[] = [];
      const params: unknown[] = [];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        clauses.push(sql(`$${params.length}`));
      };
      if (query.action !== undefined) add((p) => `action = ${p}`, query.action);
      if (query.outcome !== undefined) add((p) => `outcome = ${p}`, query.outcome);
      if (query.projectId !== undefined) add((p) => `project_id = ${p}`, query.projectId);
      if (query.tokenId !== undefined) add((p) => `token_id = ${p}`, query.tokenId);
      if (query.from !== undefined) add((p) => `time >= ${p}::bigint`, query.from);
      if (query.to !== undefined) add((p) => `time <= ${p}::bigint`, query.to);
      const search = query.search?.trim();
      if (search) add((p) => `(${SEARCHED_COLUMNS.map((c) => `${c} ILIKE ${p} ESCAPE '\\'`).join(' OR ')})`, `%${escapeLike(search)}%`);
      const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
      const pageSize = Math.max(1, Math.trunc(query.pageSize));
      const offset = (Math.max(1, Math.trunc(query.page)) - 1) * pageSize;
      // Both reads see one snapshot, so the total matches the page it came with.
      return withTransaction(
        pool,
        async (client) => {
          const page = await client.query<AuditRecord>(
            `SELECT * FROM audit_events ${where} ORDER BY time DESC, id COLLATE "C" DESC LIMIT ${pageSize} OFFSET ${offset}`,
            params,
          );
          const count = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events ${where}`, params);
          return { items: page.rows.map(toAuditRow), totalCount: count.rows[0]!.n };
        },
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
    },
  };
}



// ------------------------------------------------------------------------------------------------- usage

export function postgresUsageRepository(pool: Queryable): UsageRepository {
  return {
    async requestsSince(from) {
      const res = await pool.query<{ total: number | null }>('SELECT sum(requests)::bigint AS total FROM usage_hourly WHERE hour >= $1::bigint', [
        Math.floor(from / HOUR_MS) * HOUR_MS,
      ]);
      return res.rows[0]?.total ?? 0;
    },
    async daily(query) {
      const params: unknown[] = [query.from, query.to, query.offsetMs];
      let filter = '';
      if (query.projectId !== undefined) {
        params.push(query.projectId);
        filter += ` AND project_id = $${params.length}`;
      }
      if (query.tokenId !== undefined) {
        params.push(query.tokenId);
        filter += ` AND token_id = $${params.length}`;
      }
      const key = query.groupBy === 'token' ? 'token_id' : 'project_id';
      const res = await pool.query<{ key: string; day: number; requests: number; prompt_tokens: number; completion_tokens: number; cache_hits: number }>(
        `SELECT ${key} AS key, trunc((hour + $3::bigint)::numeric / ${DAY_MS})::bigint AS day,
           sum(requests)::bigint AS requests, sum(prompt_tokens)::bigint AS prompt_tokens,
           sum(completion_tokens)::bigint AS completion_tokens, sum(cache_hits)::bigint AS cache_hits
         FROM usage_hourly
         WHERE hour >= $1::bigint AND hour < $2::bigint${filter}
         GROUP BY 1, 2`,
        params,
      );
      return res.rows.map(
        (r): DailyUsageRow => ({ key: r.key, day: r.day, requests: r.requests, promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens, cacheHits: r.cache_hits }),
      );
    },
  };
}

// ------------------------------------------------------------------------------------------------ events

interface DeadLetterRecord {
  id: number;
  dispatcher: string;
  event_id: string;
  time: number;
  failed_at: number;
  attempts: number;
  error: string;
  payload: string;
}

const LAST_SEQ_SQL = `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS seq FROM events_outbox_seq_seq`;
// Appends take a transaction-level advisory lock (one per schema) before the sequence hands out their
// seqs, and keep it until they commit: with several instances writing one outbox, seqs then become
// visible in order, so the one instance delivering (the lease holder) never moves its cursor past a
// lower seq still being committed by another instance — which it would then never read.
const APPEND_SQL = `
  WITH outbox_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext('llm-proxy events_outbox'), hashtext(current_schema())))
  INSERT INTO events_outbox (written_at, payload)
  SELECT e.written_at, e.payload FROM outbox_lock, unnest($1::bigint[], $2::text[]) AS e(written_at, payload)
  RETURNING seq`;
// Takes or renews the lease in one statement (the row is created at the current end of the outbox:
// with appends in seq order, max(seq) is exactly what has been committed); when another instance
// holds it, reads the stored position in the same statement.
const CLAIM_CURSOR_SQL = `
  WITH claimed AS (
    INSERT INTO event_cursors AS c (dispatcher, position, updated_at, lease_owner, lease_until)
    VALUES ($1, (SELECT coalesce(max(seq), 0) FROM events_outbox), $3, $2, $4)
    ON CONFLICT (dispatcher) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
    WHERE c.lease_owner IS NULL OR c.lease_owner = excluded.lease_owner OR c.lease_until IS NULL OR c.lease_until < $3
    RETURNING c.position
  )
  SELECT true AS owned, position FROM claimed
  UNION ALL
  SELECT false AS owned, position FROM event_cursors WHERE dispatcher = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`;
// Only the lease holder moves the cursor, and only forward.
const ADVANCE_CURSOR_SQL = `
  UPDATE event_cursors SET position = GREATEST(position, $3), updated_at = $4 WHERE dispatcher = $1 AND lease_owner = $2`;

interface CursorRecord {
  dispatcher: string;
  position: number;
  updated_at: number;
  lease_owner: string | null;
  lease_until: number | null;
}

/**
 * The outbox over PostgreSQL. Seq numbers come from a sequence, never reused; appends are serialised by
 * an advisory lock so that seqs commit in order even with several instances writing (see APPEND_SQL).
 */
export function postgresEventRepository(pool: pg.Pool): EventRepository {
  const lastSeq = async (q: Queryable = pool) => (await q.query<{ seq: number }>(LAST_SEQ_SQL)).rows[0]?.seq ?? 0;
  return {
    async append(events) {
      if (events.length === 0) return lastSeq();
      const res = await pool.query<{ seq: number }>(APPEND_SQL, [events.map((e) => e.writtenAt), events.map((e) => e.payload)]);
      return Math.max(...res.rows.map((r) => r.seq));
    },
    async readAfter(position, limit) {
      const res = await pool.query<{ seq: number; written_at: number; payload: string }>(
        'SELECT seq, written_at, payload FROM events_outbox WHERE seq > $1 ORDER BY seq LIMIT $2',
        [position, limit],
      );
      return res.rows.map((r): OutboxEvent => ({ seq: r.seq, writtenAt: r.written_at, payload: r.payload }));
    },
    lastSeq: () => lastSeq(),
    async oldestAfter(position) {
      const res = await pool.query<{ written_at: number }>('SELECT written_at FROM events_outbox WHERE seq > $1 ORDER BY seq LIMIT 1', [position]);
      return res.rows[0]?.written_at ?? null;
    },
    async cursor(dispatcher) {
      const res = await pool.query<{ position: number }>('SELECT position FROM event_cursors WHERE dispatcher = $1', [dispatcher]);
      return res.rows[0]?.position ?? null;
    },
    async cursors() {
      const res = await pool.query<CursorRecord>('SELECT dispatcher, position, updated_at, lease_owner, lease_until FROM event_cursors ORDER BY dispatcher COLLATE "C"');
      return res.rows.map((r): CursorRow => ({ dispatcher: r.dispatcher, position: r.position, updatedAt: r.updated_at, leaseOwner: r.lease_owner, leaseUntil: r.lease_until }));
    },
    async claimCursor(dispatcher, owner, now, leaseMs) {
      const res = await pool.query<{ owned: boolean; position: number }>(CLAIM_CURSOR_SQL, [dispatcher, owner, now, now + leaseMs]);
      const row = res.rows[0];
      return { owned: row?.owned ?? false, position: row?.position ?? null };
    },
    async releaseCursor(dispatcher, owner) {
      await pool.query('UPDATE event_cursors SET lease_owner = NULL, lease_until = NULL WHERE dispatcher = $1 AND lease_owner = $2', [dispatcher, owner]);
    },
    async setCursor(dispatcher, owner, position, now) {
      return ((await pool.query(ADVANCE_CURSOR_SQL, [dispatcher, owner, position, now])).rowCount ?? 0) > 0;
    },
    async addDeadLetters(rows, advance) {
      return withTransaction(pool, async (client) => {
        if (advance && ((await client.query(ADVANCE_CURSOR_SQL, [advance.dispatcher, advance.owner, advance.position, advance.now])).rowCount ?? 0) === 0) return false;
        if (rows.length > 0) {
          await client.query(
            `INSERT INTO events_dead_letters (dispatcher, event_id, time, failed_at, attempts, error, payload)
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::int[], $6::text[], $7::text[])`,
            [
              rows.map((r) => r.dispatcher),
              rows.map((r) => r.eventId),
              rows.map((r) => r.time),
              rows.map((r) => r.failedAt),
              rows.map((r) => r.attempts),
              rows.map((r) => r.error),
              rows.map((r) => r.payload),
            ],
          );
        }
        return true;
      });
    },
    async deadLetters({ dispatcher, page, pageSize }) {
      const size = Math.max(1, Math.trunc(pageSize));
      const offset = (Math.max(1, Math.trunc(page)) - 1) * size;
      const where = dispatcher === undefined ? '' : 'WHERE dispatcher = $1';
      const params = dispatcher === undefined ? [] : [dispatcher];
      return withTransaction(
        pool,
        async (client) => {
          const items = await client.query<DeadLetterRecord>(`SELECT * FROM events_dead_letters ${where} ORDER BY id DESC LIMIT ${size} OFFSET ${offset}`, params);
          const count = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM events_dead_letters ${where}`, params);
          return { items: items.rows.map(toDeadLetterRow), totalCount: count.rows[0]!.n };
        },
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
    },
    async deadLetterCounts() {
      const res = await pool.query<{ dispatcher: string; n: number }>('SELECT dispatcher, count(*)::int AS n FROM events_dead_letters GROUP BY dispatcher');
      return Object.fromEntries(res.rows.map((r) => [r.dispatcher, r.n]));
    },
    async prune({ before, upTo, limit, deadLettersBefore }) {
      const events = await pool.query(
        'DELETE FROM events_outbox WHERE seq IN (SELECT seq FROM events_outbox WHERE seq <= $1 ORDER BY seq LIMIT $2) AND written_at < $3',
        [upTo, limit, before],
      );
      const dead = await pool.query('DELETE FROM events_dead_letters WHERE failed_at < $1', [deadLettersBefore]);
      return { events: events.rowCount ?? 0, deadLetters: dead.rowCount ?? 0 };
    },
    async storedCount() {
      return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events_outbox')).rows[0]!.n;
    },
  };
}

function toDeadLetterRow(r: DeadLetterRecord): DeadLetterRow {
  return { id: r.id, dispatcher: r.dispatcher, eventId: r.event_id, time: r.time, failedAt: r.failed_at, attempts: r.attempts, error: r.error, payload: r.payload };
}
