// TokenRepository over PostgreSQL (same behaviour as sqlite-tokens.ts): read-merge-write under FOR UPDATE,
// usage added with `col = col + $n` in token-id order (exact and deadlock-free across instances), and the
// durable quota reservations (quota-reservations.ts) under a row lock.
import type pg from 'pg';
import { byId, isForeignKeyViolation, withTransaction } from './postgres-client.ts';
import { grantRequests, type QuotaRecord } from './quota-reservations.ts';
import { definedOnly } from './row-changes.ts';
import { projectNotFound } from './store-errors.ts';
import { postgresDialect as d, type DbRecord } from './table-map.ts';
import { newTokenRow, tokensTable as table } from './tables.ts';
import type { TokenRepository } from './types.ts';

const HOUR_MS = 3_600_000;
const INSERT_SQL = table.insertSql(d);
const UPDATE_SQL = table.updateSql(d);
const NEWEST_FIRST = 'ORDER BY created_at DESC, id COLLATE "C" DESC';
const ADD_USAGE_SQL = `
  UPDATE tokens SET request_count = request_count + $2, prompt_tokens = prompt_tokens + $3,
    completion_tokens = completion_tokens + $4, cache_hit_count = cache_hit_count + $5,
    last_used_at = GREATEST(coalesce(last_used_at, 0), $6::bigint)
  WHERE id = $1`;
const ADD_USAGE_TO_HOUR_SQL = `
  INSERT INTO usage_hourly (hour, token_id, project_id, requests, prompt_tokens, completion_tokens, cache_hits)
  SELECT $1::bigint, id, project_id, $3, $4, $5, $6 FROM tokens WHERE id = $2
  ON CONFLICT (hour, token_id) DO UPDATE SET
    requests = usage_hourly.requests + excluded.requests,
    prompt_tokens = usage_hourly.prompt_tokens + excluded.prompt_tokens,
    completion_tokens = usage_hourly.completion_tokens + excluded.completion_tokens,
    cache_hits = usage_hourly.cache_hits + excluded.cache_hits`;

export function postgresTokenRepository(pool: pg.Pool): TokenRepository {
  const one = async (sql: string, params: unknown[]) => {
    const res = await pool.query<DbRecord>(sql, params);
    return res.rows[0] ? table.toRow(res.rows[0]) : null;
  };

  return {
    async create(token) {
      try {
        const res = await pool.query<DbRecord>(INSERT_SQL, table.values(newTokenRow(token), d));
        return table.toRow(res.rows[0]!);
      } catch (err) {
        if (isForeignKeyViolation(err)) throw projectNotFound(token.projectId);
        throw err;
      }
    },
    get: (id) => one('SELECT * FROM tokens WHERE id = $1', [id]),
    getByHash: (tokenHash) => one('SELECT * FROM tokens WHERE token_hash = $1', [tokenHash]),
    async list({ projectId, activeOnly = false, now }) {
      const params: unknown[] = [activeOnly, now];
      const byProject = projectId === undefined ? '' : 'project_id = $3 AND ';
      if (projectId !== undefined) params.push(projectId);
      const res = await pool.query<DbRecord>(
        `SELECT * FROM tokens WHERE ${byProject}(NOT $1::boolean OR (is_active AND expires_at > $2::bigint)) ${NEWEST_FIRST}`,
        params,
      );
      return res.rows.map(table.toRow);
    },
    async update(id, changes, now) {
      return withTransaction(pool, async (client) => {
        const current = await client.query<DbRecord>('SELECT * FROM tokens WHERE id = $1 FOR UPDATE', [id]);
        if (!current.rows[0]) return null;
        const merged = { ...table.toRow(current.rows[0]), ...definedOnly(changes), updatedAt: now };
        const res = await client.query<DbRecord>(UPDATE_SQL, table.updateValues(merged, d));
        return table.toRow(res.rows[0]!);
      });
    },
    async revokeAllForProject(projectId, now) {
      return withTransaction(pool, async (client) => {
        const revoked = await client.query('UPDATE tokens SET is_active = FALSE, revoked_at = $2, updated_at = $2 WHERE project_id = $1 AND is_active', [
          projectId,
          now,
        ]);
        const total = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM tokens WHERE project_id = $1', [projectId]);
        const n = revoked.rowCount ?? 0;
        return { revoked: n, alreadyRevoked: total.rows[0]!.n - n, total: total.rows[0]!.n };
      });
    },
    async addUsage(deltas) {
      if (deltas.length === 0) return;
      const sorted = [...deltas].sort(byId((delta) => delta.tokenId));
      await withTransaction(pool, async (client) => {
        for (const u of sorted) {
          await client.query(ADD_USAGE_SQL, [u.tokenId, u.requests, u.promptTokens, u.completionTokens, u.cacheHits, u.lastUsedAt]);
          await client.query(ADD_USAGE_TO_HOUR_SQL, [
            Math.floor(u.lastUsedAt / HOUR_MS) * HOUR_MS,
            u.tokenId,
            u.requests,
            u.promptTokens,
            u.completionTokens,
            u.cacheHits,
          ]);
        }
      });
    },
    async reserveRequests(tokenId, want) {
      // FOR UPDATE: instances reserving at once take turns on the row, each seeing the other's grant.
      return withTransaction(pool, async (client) => {
        const res = await client.query<QuotaRecord>('SELECT max_requests, request_count, quota_reserved FROM tokens WHERE id = $1 FOR UPDATE', [tokenId]);
        if (!res.rows[0]) return 0;
        const { granted, reserved } = grantRequests(res.rows[0], want);
        if (reserved !== null) await client.query('UPDATE tokens SET quota_reserved = $2 WHERE id = $1', [tokenId, reserved]);
        return granted;
      });
    },
    async releaseRequests(releases) {
      if (releases.length === 0) return;
      const sorted = [...releases].sort(byId((r) => r.tokenId));
      await withTransaction(pool, async (client) => {
        for (const r of sorted) await client.query('UPDATE tokens SET quota_reserved = GREATEST(quota_reserved - $2, 0) WHERE id = $1', [r.tokenId, r.amount]);
      });
    },
  };
}
