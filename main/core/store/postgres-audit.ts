// AuditRepository over PostgreSQL (same behaviour as sqlite-audit.ts). A batch is one
// `INSERT … SELECT * FROM unnest(…)` statement: one round trip, all-or-nothing.
import type pg from 'pg';
import { auditSelect } from './audit-query.ts';
import { READ_SNAPSHOT, withTransaction } from './postgres-client.ts';
import { postgresDialect as d, type DbRecord } from './table-map.ts';
import { auditTable as table } from './tables.ts';
import type { AuditRepository } from './types.ts';

const COLUMN_TYPES = ['text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];
const APPEND_SQL = `INSERT INTO audit_events (${table.columns.join(', ')}) SELECT * FROM unnest(${COLUMN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;

export function postgresAuditRepository(pool: pg.Pool): AuditRepository {
  return {
    async append(events) {
      if (events.length === 0) return;
      const rows = events.map((e) => table.values(e, d));
      await pool.query(
        APPEND_SQL,
        table.columns.map((_, i) => rows.map((r) => r[i])),
      );
    },
    async get(id) {
      const res = await pool.query<DbRecord>('SELECT * FROM audit_events WHERE id = $1', [id]);
      return res.rows[0] ? table.toRow(res.rows[0]) : null;
    },
    async query(query) {
      const select = auditSelect(query, d, 'id COLLATE "C"');
      return withTransaction(
        pool,
        async (client) => {
          const page = await client.query<DbRecord>(select.pageSql, select.pageParams);
          const count = await client.query<{ n: number }>(select.countSql, select.params);
          return { items: page.rows.map(table.toRow), totalCount: count.rows[0]!.n };
        },
        READ_SNAPSHOT,
      );
    },
  };
}
