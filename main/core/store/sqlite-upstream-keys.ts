// UpstreamKeyRepository over SQLite: a project's real provider keys (sealed), their weights and the
// traffic each one carried. Statements are prepared once; usage is added, never assigned.
import type { Database } from 'better-sqlite3';
import { definedOnly } from './row-changes.ts';
import { isForeignKeyViolation, isUniqueViolation } from './sqlite-errors.ts';
import { duplicateKeyLabel, projectNotFound } from './store-errors.ts';
import { sqliteDialect as d, type DbRecord } from './table-map.ts';
import { groupByProject, newUpstreamKeyRow, upstreamKeysTable as table } from './tables.ts';
import type { NewUpstreamKey, UpstreamKeyChanges, UpstreamKeyRepository, UpstreamKeyRow, UpstreamKeyUsageDelta } from './types.ts';
import { withoutFsync } from './sqlite-no-fsync.ts';

/**
 * Inserts one key (used by the project repository too, inside its create transaction). Throws
 * AppError('duplicate_name') on a taken label and AppError('project_not_found') for an unknown project.
 */
export function prepareUpstreamKeyInsert(db: Database): (key: NewUpstreamKey) => UpstreamKeyRow {
  const insert = db.prepare<unknown[], DbRecord>(table.insertSql(d));
  return (key) => {
    try {
      return table.toRow(insert.get(table.values(newUpstreamKeyRow(key), d))!);
    } catch (err) {
      throw upstreamKeyError(err, key.label, key.projectId);
    }
  };
}

function upstreamKeyError(err: unknown, label: string, projectId: string): unknown {
  if (isUniqueViolation(err, 'upstream_keys.label')) return duplicateKeyLabel(label);
  if (isForeignKeyViolation(err)) return projectNotFound(projectId);
  return err;
}

export function sqliteUpstreamKeyRepository(db: Database): UpstreamKeyRepository {
  const insert = prepareUpstreamKeyInsert(db);
  const byId = db.prepare<[string], DbRecord>('SELECT * FROM upstream_keys WHERE id = ?');
  const ofProject = db.prepare<[string], DbRecord>('SELECT * FROM upstream_keys WHERE project_id = ? ORDER BY created_at, id');
  const all = db.prepare<[], DbRecord>('SELECT * FROM upstream_keys ORDER BY project_id, created_at, id');
  const write = db.prepare<unknown[], DbRecord>(table.updateSql(d));
  const remove = db.prepare<[string]>('DELETE FROM upstream_keys WHERE id = ?');
  // Every SET expression sees the row before the update, so both error columns test the same old time.
  // A failure at the same millisecond as the stored one replaces it: the later flush is the newer news.
  const addUsageToRow = db.prepare<UsageParams>(`
    UPDATE upstream_keys SET
      request_count = request_count + @requests,
      failure_count = failure_count + @failures,
      prompt_tokens = prompt_tokens + @promptTokens,
      completion_tokens = completion_tokens + @completionTokens,
      last_used_at = coalesce(max(last_used_at, @lastUsedAt), last_used_at, @lastUsedAt),
      last_error = CASE WHEN @errorAt IS NOT NULL AND (last_error_at IS NULL OR @errorAt >= last_error_at) THEN @errorCode ELSE last_error END,
      last_error_at = CASE WHEN @errorAt IS NOT NULL AND (last_error_at IS NULL OR @errorAt >= last_error_at) THEN @errorAt ELSE last_error_at END
    WHERE id = @keyId`);

  const updateTx = db.transaction((id: string, changes: UpstreamKeyChanges, now: number): UpstreamKeyRow | null => {
    const current = byId.get(id);
    if (!current) return null;
    const merged = { ...table.toRow(current), ...definedOnly(changes), updatedAt: now };
    try {
      return table.toRow(write.get(table.updateValues(merged, d))!);
    } catch (err) {
      throw upstreamKeyError(err, merged.label, merged.projectId);
    }
  });
  const addUsageTx = db.transaction((deltas: UpstreamKeyUsageDelta[]) => {
    for (const delta of deltas) addUsageToRow.run(usageParams(delta));
  });

  return {
    async create(key) {
      return insert(key);
    },
    async get(id) {
      const record = byId.get(id);
      return record ? table.toRow(record) : null;
    },
    async listForProject(projectId) {
      return ofProject.all(projectId).map(table.toRow);
    },
    async listAllByProject() {
      return groupByProject(all.all().map(table.toRow));
    },
    async update(id, changes, now) {
      // IMMEDIATE: read then write (see sqlite-tokens.ts).
      return updateTx.immediate(id, changes, now);
    },
    async remove(id) {
      return remove.run(id).changes > 0;
    },
    async addUsage(deltas) {
      if (deltas.length > 0) withoutFsync(db, () => addUsageTx.immediate(deltas));
    },
  };
}

type UsageParams = Omit<UpstreamKeyUsageDelta, 'lastError'> & { errorCode: string | null; errorAt: number | null };

function usageParams(d: UpstreamKeyUsageDelta): UsageParams {
  const { keyId, requests, failures, promptTokens, completionTokens, lastUsedAt } = d;
  return { keyId, requests, failures, promptTokens, completionTokens, lastUsedAt, errorCode: d.lastError?.code ?? null, errorAt: d.lastError?.at ?? null };
}
