// UpstreamKeyRepository over PostgreSQL (same behaviour as sqlite-upstream-keys.ts): usage added with
// `col = col + $n`, rows locked in id order so instances flushing at once neither lose counts nor deadlock.
import type pg from 'pg';
import { byId, isForeignKeyViolation, isUniqueViolation, withTransaction, type Queryable } from './postgres-client.ts';
import { definedOnly } from './row-changes.ts';
import { duplicateKeyLabel, projectNotFound } from './store-errors.ts';
import { postgresDialect as d, type DbRecord } from './table-map.ts';
import { groupByProject, newUpstreamKeyRow, upstreamKeysTable as table } from './tables.ts';
import type { NewUpstreamKey, UpstreamKeyRepository, UpstreamKeyRow } from './types.ts';

const INSERT_SQL = table.insertSql(d);
const UPDATE_SQL = table.updateSql(d);
const OLDEST_FIRST = 'ORDER BY created_at, id COLLATE "C"';
// Both error columns test the row's old last_error_at; a failure at the same millisecond as the stored one replaces it.
const ADD_USAGE_SQL = `
  UPDATE upstream_keys SET request_count = request_count + $2, failure_count = failure_count + $3,
    prompt_tokens = prompt_tokens + $4, completion_tokens = completion_tokens + $5,
    last_used_at = GREATEST(last_used_at, $6::bigint),
    last_error = CASE WHEN $8::bigint IS NOT NULL AND (last_error_at IS NULL OR $8::bigint >= last_error_at) THEN $7::text ELSE last_error END,
    last_error_at = CASE WHEN $8::bigint IS NOT NULL AND (last_error_at IS NULL OR $8::bigint >= last_error_at) THEN $8::bigint ELSE last_error_at END
  WHERE id = $1`;

function upstreamKeyError(err: unknown, label: string, projectId: string): unknown {
  if (isUniqueViolation(err, 'upstream_keys_project_label_key')) return duplicateKeyLabel(label);
  if (isForeignKeyViolation(err)) return projectNotFound(projectId);
  return err;
}

/** Inserts one key on `q` (the project repository's create transaction, or the pool). */
export async function insertUpstreamKey(q: Queryable, key: NewUpstreamKey): Promise<UpstreamKeyRow> {
  try {
    const res = await q.query<DbRecord>(INSERT_SQL, table.values(newUpstreamKeyRow(key), d));
    return table.toRow(res.rows[0]!);
  } catch (err) {
    throw upstreamKeyError(err, key.label, key.projectId);
  }
}

export function postgresUpstreamKeyRepository(pool: pg.Pool): UpstreamKeyRepository {
  return {
    create: (key) => insertUpstreamKey(pool, key),
    async get(id) {
      const res = await pool.query<DbRecord>('SELECT * FROM upstream_keys WHERE id = $1', [id]);
      return res.rows[0] ? table.toRow(res.rows[0]) : null;
    },
    async listForProject(projectId) {
      const res = await pool.query<DbRecord>(`SELECT * FROM upstream_keys WHERE project_id = $1 ${OLDEST_FIRST}`, [projectId]);
      return res.rows.map(table.toRow);
    },
    async listAllByProject() {
      const res = await pool.query<DbRecord>(`SELECT * FROM upstream_keys ${OLDEST_FIRST}`);
      return groupByProject(res.rows.map(table.toRow));
    },
    async update(id, changes, now) {
      return withTransaction(pool, async (client) => {
        const current = await client.query<DbRecord>('SELECT * FROM upstream_keys WHERE id = $1 FOR UPDATE', [id]);
        if (!current.rows[0]) return null;
        const merged = { ...table.toRow(current.rows[0]), ...definedOnly(changes), updatedAt: now };
        try {
          const res = await client.query<DbRecord>(UPDATE_SQL, table.updateValues(merged, d));
          return table.toRow(res.rows[0]!);
        } catch (err) {
          throw upstreamKeyError(err, merged.label, merged.projectId);
        }
      });
    },
    async remove(id) {
      const res = await pool.query('DELETE FROM upstream_keys WHERE id = $1', [id]);
      return (res.rowCount ?? 0) > 0;
    },
    async addUsage(deltas) {
      if (deltas.length === 0) return;
      const sorted = [...deltas].sort(byId((delta) => delta.keyId));
      await withTransaction(pool, async (client) => {
        for (const u of sorted) {
          await client.query(ADD_USAGE_SQL, [
            u.keyId,
            u.requests,
            u.failures,
            u.promptTokens,
            u.completionTokens,
            u.lastUsedAt,
            u.lastError?.code ?? null,
            u.lastError?.at ?? null,
          ]);
        }
      });
    },
  };
}
