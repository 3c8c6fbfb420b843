// EventRepository over PostgreSQL (same behaviour as sqlite-events.ts, checked by the same suites): the
// outbox with seqs from a sequence, appends serialised so seqs commit in order, cursor leases in one
// statement each, dead letters and the cursor move in one transaction.
import type pg from 'pg';
import { pageWindow } from './audit-query.ts';
import { READ_SNAPSHOT, withTransaction, type Queryable } from './postgres-client.ts';
import { requestLogSelect } from './request-log-query.ts';
import { postgresDialect, type DbRecord } from './table-map.ts';
import { cursorsTable, deadLettersTable } from './tables.ts';
import type { EventRepository, OutboxEvent } from './types.ts';

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
      const res = await pool.query<DbRecord>('SELECT * FROM event_cursors ORDER BY dispatcher COLLATE "C"');
      return res.rows.map(cursorsTable.toRow);
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
        if (advance && ((await client.query(ADVANCE_CURSOR_SQL, [advance.dispatcher, advance.owner, advance.position, advance.now])).rowCount ?? 0) === 0)
          return false;
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
      const { limit, offset } = pageWindow(page, pageSize);
      const where = dispatcher === undefined ? '' : 'WHERE dispatcher = $1';
      const params = dispatcher === undefined ? [] : [dispatcher];
      return withTransaction(
        pool,
        async (client) => {
          const items = await client.query<DbRecord>(`SELECT * FROM events_dead_letters ${where} ORDER BY id DESC LIMIT ${limit} OFFSET ${offset}`, params);
          const count = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM events_dead_letters ${where}`, params);
          return { items: items.rows.map(deadLettersTable.toRow), totalCount: count.rows[0]!.n };
        },
        READ_SNAPSHOT,
      );
    },
    async requestLog(query) {
      const select = requestLogSelect(query, postgresDialect);
      return withTransaction(
        pool,
        async (client) => {
          const items = await client.query<{ seq: number; written_at: number; payload: string }>(select.pageSql, select.pageParams);
          const count = await client.query<{ n: number }>(select.countSql.replace('count(*)', 'count(*)::int'), select.params);
          return { items: items.rows.map((r): OutboxEvent => ({ seq: r.seq, writtenAt: r.written_at, payload: r.payload })), totalCount: count.rows[0]!.n };
        },
        READ_SNAPSHOT,
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
