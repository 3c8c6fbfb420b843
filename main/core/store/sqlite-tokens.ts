// TokenRepository over SQLite: token policy, the hash used for lookup, accumulated usage, and the
// durable quota reservations (quota-reservations.ts).
import type { Database } from 'better-sqlite3';
import { grantRequests, type QuotaRecord, type Release } from './quota-reservations.ts';
import { definedOnly } from './row-changes.ts';
import { isForeignKeyViolation } from './sqlite-errors.ts';
import { projectNotFound } from './store-errors.ts';
import { sqliteDialect as d, type DbRecord } from './table-map.ts';
import { newTokenRow, tokensTable as table } from './tables.ts';
import type { NewToken, TokenChanges, TokenRepository, TokenRow, UsageDelta } from './types.ts';
import { withoutFsync } from './sqlite-no-fsync.ts';

interface ListParams {
  projectId?: string;
  activeOnly: number;
  now: number;
}

const ACTIVE = '(@activeOnly = 0 OR (is_active = 1 AND expires_at > @now))';
const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC';

const HOUR_MS = 3_600_000;

export function sqliteTokenRepository(db: Database): TokenRepository {
  const insert = db.prepare<unknown[], DbRecord>(table.insertSql(d));
  const byId = db.prepare<[string], DbRecord>('SELECT * FROM tokens WHERE id = ?');
  const byHash = db.prepare<[string], DbRecord>('SELECT * FROM tokens WHERE token_hash = ?');
  const listAll = db.prepare<ListParams, DbRecord>(`SELECT * FROM tokens WHERE ${ACTIVE} ${NEWEST_FIRST}`);
  const listOfProject = db.prepare<ListParams, DbRecord>(`SELECT * FROM tokens WHERE project_id = @projectId AND ${ACTIVE} ${NEWEST_FIRST}`);
  const write = db.prepare<unknown[], DbRecord>(table.updateSql(d));
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
  const addUsageToHour = db.prepare<UsageDelta & { hour: number }>(`
    INSERT INTO usage_hourly (hour, token_id, project_id, requests, prompt_tokens, completion_tokens, cache_hits)
    SELECT @hour, id, project_id, @requests, @promptTokens, @completionTokens, @cacheHits FROM tokens WHERE id = @tokenId
    ON CONFLICT (hour, token_id) DO UPDATE SET
      requests = requests + excluded.requests,
      prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      completion_tokens = completion_tokens + excluded.completion_tokens,
      cache_hits = cache_hits + excluded.cache_hits`);
  const quotaOf = db.prepare<[string], QuotaRecord>('SELECT max_requests, request_count, quota_reserved FROM tokens WHERE id = ?');
  const setReserved = db.prepare<[number, string]>('UPDATE tokens SET quota_reserved = ? WHERE id = ?');
  const giveBack = db.prepare<[number, string]>('UPDATE tokens SET quota_reserved = max(quota_reserved - ?, 0) WHERE id = ?');

  const updateTx = db.transaction((id: string, changes: TokenChanges, now: number): TokenRow | null => {
    const current = byId.get(id);
    if (!current) return null;
    const merged = { ...table.toRow(current), ...definedOnly(changes), updatedAt: now };
    return table.toRow(write.get(table.updateValues(merged, d))!);
  });
  const revokeAllTx = db.transaction((projectId: string, now: number) => {
    const total = countOfProject.get(projectId) ?? 0;
    const revoked = revokeActive.run({ projectId, now }).changes;
    return { revoked, alreadyRevoked: total - revoked, total };
  });
  const addUsageTx = db.transaction((deltas: UsageDelta[]) => {
    for (const delta of deltas) {
      addUsageToRow.run(delta);
      addUsageToHour.run({ ...delta, hour: Math.floor(delta.lastUsedAt / HOUR_MS) * HOUR_MS });
    }
  });
  const reserveTx = db.transaction((tokenId: string, want: number): number => {
    const quota = quotaOf.get(tokenId);
    if (!quota) return 0;
    const { granted, reserved } = grantRequests(quota, want);
    if (reserved !== null) setReserved.run(reserved, tokenId);
    return granted;
  });
  const releaseTx = db.transaction((releases: Release[]) => {
    for (const r of releases) giveBack.run(r.amount, r.tokenId);
  });

  return {
    async create(token: NewToken) {
      try {
        return table.toRow(insert.get(table.values(newTokenRow(token), d))!);
      } catch (err) {
        if (isForeignKeyViolation(err)) throw projectNotFound(token.projectId);
        throw err;
      }
    },
    async get(id) {
      const record = byId.get(id);
      return record ? table.toRow(record) : null;
    },
    async getByHash(tokenHash) {
      const record = byHash.get(tokenHash);
      return record ? table.toRow(record) : null;
    },
    async list({ projectId, activeOnly = false, now }) {
      const params: ListParams = { activeOnly: activeOnly ? 1 : 0, now };
      const records = projectId === undefined ? listAll.all(params) : listOfProject.all({ ...params, projectId });
      return records.map(table.toRow);
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
      if (deltas.length > 0) withoutFsync(db, () => addUsageTx(deltas));
    },
    async reserveRequests(tokenId, want) {
      // Committed (synchronous = FULL) before any of it is handed out: that is what makes it survive a crash.
      return reserveTx.immediate(tokenId, want);
    },
    async releaseRequests(releases) {
      if (releases.length > 0) releaseTx.immediate(releases);
    },
  };
}
