// AuditRepository over SQLite: append-only (triggers refuse UPDATE and DELETE), queried newest first.
import type { Database, Statement } from 'better-sqlite3';
import { auditSelect } from './audit-query.ts';
import { sqliteDialect as d, type DbRecord } from './table-map.ts';
import { auditTable as table } from './tables.ts';
import type { AuditRepository, AuditRow, Page } from './types.ts';

export { escapeLike } from './audit-query.ts';

type Params = (string | number)[];

export function sqliteAuditRepository(db: Database): AuditRepository {
  // The audit table declares no updatable columns; only its insert is used (RETURNING nothing needed).
  const insert = db.prepare<unknown[]>(table.insertSql(d).replace(/ RETURNING \*$/, ''));
  const byId = db.prepare<[string], DbRecord>('SELECT * FROM audit_events WHERE id = ?');
  const appendTx = db.transaction((events: AuditRow[]) => {
    for (const event of events) insert.run(table.values(event, d));
  });

  // Both reads in one transaction so the total matches the page it came with.
  const readPage = db.transaction(
    (page: Statement<Params, DbRecord>, count: Statement<Params, number>, pageParams: Params, params: Params): Page<AuditRow> => ({
      items: page.all(...pageParams).map(table.toRow),
      totalCount: count.get(...params) ?? 0,
    }),
  );

  // A query's WHERE clause depends on which filters are set; each shape is prepared once and reused.
  const statements = new Map<string, Statement<Params, DbRecord> | Statement<Params, number>>();
  const prepared = <S>(sql: string, prepare: () => S): S => {
    let statement = statements.get(sql) as S | undefined;
    if (!statement) statements.set(sql, (statement = prepare()) as Statement<Params, DbRecord>);
    return statement;
  };

  return {
    async append(events) {
      if (events.length > 0) appendTx(events);
    },
    async get(id) {
      const record = byId.get(id);
      return record ? table.toRow(record) : null;
    },
    async query(query) {
      const select = auditSelect(query, d, 'id');
      const page = prepared(select.pageSql, () => db.prepare<Params, DbRecord>(select.pageSql));
      const count = prepared(select.countSql, () => db.prepare<Params, number>(select.countSql).pluck());
      return readPage(page, count, select.pageParams, select.params);
    },
  };
}
