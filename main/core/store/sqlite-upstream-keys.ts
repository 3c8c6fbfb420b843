// UpstreamKeyRepository over SQLite: a project's real provider keys (sealed), their weights and the
// traffic each one carried. Statements are prepared once; usage is added, never assigned.
import type { Database } from 'better-sqlite3';
import { AppError } from '../errors.ts';
import { definedOnly } from './row-changes.ts';
import { isForeignKeyViolation, isUniqueViolation } from './sqlite-errors.ts';
import type { NewUpstreamKey, UpstreamKeyChanges, UpstreamKeyRepository, UpstreamKeyRow, UpstreamKeyUsageDelta } from './types.ts';
import {
  duplicateLabel,
  newUpstreamKeyRow,
  sqliteFlag,
  toUpstreamKeyRecord,
  toUpstreamKeyRow,
  UPSTREAM_KEY_COLUMNS,
  type UpstreamKeyRecord,
} from './upstream-key-records.ts';

type KeyRecord = UpstreamKeyRecord<number>;

interface UsageParams {
  keyId: string;
  requests: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  lastUsedAt: number | null;
  errorCode: string | null;
  errorAt: number | null;
}

/**
 * Inserts one key (used by the project repository too, inside its create transaction). Throws
 * AppError('duplicate_name') on a taken label and AppError('project_not_found') for an unknown project.
 */
export function prepareUpstreamKeyInsert(db: Database): (key: NewUpstreamKey) => UpstreamKeyRow {
  const insert = db.prepare<KeyRecord, KeyRecord>(
    `INSERT INTO upstream_keys (${UPSTREAM_KEY_COLUMNS.join(', ')}) VALUES (${UPSTREAM_KEY_COLUMNS.map((c) => `@${c}`).join(', ')}) RETURNING *`,
  );
  return (key) => {
    try {
      return toUpstreamKeyRow(insert.get(toUpstreamKeyRecord(newUpstreamKeyRow(key), sqliteFlag)) as KeyRecord);
    } catch (err) {
      throw upstreamKeyError(err, key.label, key.projectId);
    }
  };
}

function upstreamKeyError(err: unknown, label: string, projectId: string): unknown {
  if (isUniqueViolation(err, 'upstream_keys.label')) return new AppError('duplicate_name', duplicateLabel(label));
  if (isForeignKeyViolation(err)) return new AppError('project_not_found', `Project ${projectId} does not exist`);
  return err;
}

export function sqliteUpstreamKeyRepository(db: Database): UpstreamKeyRepository {
  const insert = prepareUpstreamKeyInsert(db);
  const byId = db.prepare<[string], KeyRecord>('SELECT * FROM upstream_keys WHERE id = ?');
  const ofProject = db.prepare<[string], KeyRecord>('SELECT * FROM upstream_keys WHERE project_id = ? ORDER BY created_at, id');
  const write = db.prepare<KeyRecord, KeyRecord>(`
    UPDATE upstream_keys SET label = @label, key_sealed = @key_sealed, key_last4 = @key_last4, weight = @weight,
      is_enabled = @is_enabled, updated_at = @updated_at
    WHERE id = @id
    RETURNING *`);
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
    const merged = { ...toUpstreamKeyRow(current), ...definedOnly(changes), updatedAt: now };
    try {
      return toUpstreamKeyRow(write.get(toUpstreamKeyRecord(merged, sqliteFlag)) as KeyRecord);
    } catch (err) {
      throw upstreamKeyError(err, merged.label, merged.projectId);
    }
  });
  const addUsageTx = db.transaction((deltas: UpstreamKeyUsageDelta[]) => {
    for (const d of deltas) addUsageToRow.run(usageParams(d));
  });

  return {
    async create(key) {
      return insert(key);
    },
    async get(id) {
      const record = byId.get(id);
      return record ? toUpstreamKeyRow(record) : null;
    },
    async listForProject(projectId) {
      return ofProject.all(projectId).map(toUpstreamKeyRow);
    },
    async update(id, changes, now) {
      // IMMEDIATE: read then write (see sqlite-tokens.ts).
      return updateTx.immediate(id, changes, now);
    },
    async remove(id) {
      return remove.run(id).changes > 0;
    },
    async addUsage(deltas) {
      if (deltas.length > 0) addUsageTx.immediate(deltas);
    },
  };
}

function usageParams(d: UpstreamKeyUsageDelta): UsageParams {
  return {
    keyId: d.keyId,
    requests: d.requests,
    failures: d.failures,
    promptTokens: d.promptTokens,
    completionTokens: d.completionTokens,
    lastUsedAt: d.lastUsedAt,
    errorCode: d.lastError?.code ?? null,
    errorAt: d.lastError?.at ?? null,
  };
}
