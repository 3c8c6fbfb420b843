// AuditRepository over SQLite: append-only (triggers refuse UPDATE and DELETE), queried newest first.
import type { Database, Statement } from 'better-sqlite3';
import { toAuditRecord, toAuditRow, type AuditRecord } from './audit-records.ts';
import type { AuditQuery, AuditRepository, AuditRow, Page } from './types.ts';


type QueryParams = Record<string, string | number>;

const SEARCHED_COLUMNS = ['action', 'actor', 'target_id', 'request_id', 'details'];

export function sqliteAuditRepository(db: Database): AuditRepository {
  const insert = db.prepare<AuditRecord>(`
    INSERT INTO audit_events (id, time, actor, action, outcome, target_type, target_id, project_id, token_id,
      request_id, client_ip, details)
    VALUES (@id, @time, @actor, @action, @outcome, @target_type, @target_id, @project_id, @token_id,
      @request_id, @client_ip, @details)`);
  const byId = db.prepare<[string], AuditRecord>('SELECT * FROM audit_events WHERE id = ?');
  const appendTx = db.transaction((events: AuditRow[]) => {
    for (const event of events) insert.run(toAuditRecord(event));
  });

  // Both reads in one transaction so the total matches the page it came with.
  const readPage = db.transaction(
    (
      page: Statement<QueryParams, AuditRecord>,
      count: Statement<QueryParams, number>,
      params: QueryParams,
      limit: number,
      offset: number,
    ): Page<AuditRow> => ({
      items: page.all({ ...params, limit, offset }).map(toAuditRow),
      totalCount: count.get(params) ?? 0,
    }),
  );

  // A query's WHERE clause depends on which filters are set; each shape is prepared once and reused.
  const pages = new Map<string, Statement<QueryParams, AuditRecord>>();
  const counts = new Map<string, Statement<QueryParams, number>>();
  const prepared = <T>(cache: Map<string, T>, sql: string, prepare: () => T): T => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = prepare()));
    return statement;
  };

  return {
    async append(events) {
      if (events.length > 0) appendTx(events);
    },
    async get(id) {
      const record = byId.get(id);
      return record ? toAuditRow(record) : null;
    },
    async query(query) {
      const { where, params } = buildWhere(query);
      const pageSize = Math.max(1, Math.trunc(query.pageSize));
      const offset = (Math.max(1, Math.trunc(query.page)) - 1) * pageSize;
      const pageSql = `SELECT * FROM audit_events ${where} ORDER BY time DESC, id DESC LIMIT @limit OFFSET @offset`;
      const countSql = `SELECT count(*) FROM audit_events ${where}`;
      const page = prepared(pages, pageSql, () => db.prepare<QueryParams, AuditRecord>(pageSql));
      const count = prepared(counts, countSql, () => db.prepare<QueryParams, number>(countSql).pluck());
      return readPage(page, count, params, pageSize, offset);
    },
  };
}

function buildWhere(query: AuditQuery): { where: string; params: QueryParams } {
  const clauses: string[] = [];
  const params: QueryParams = {};
  const equal = (column: string, name: string, value: string | number | undefined) => {
    if (value === undefined) return;
    clauses.push(`${column} = @${name}`);
    params[name] = value;
  };
  equal('action', 'action', query.action);
  equal('outcome', 'outcome', query.outcome);
  equal('project_id', 'projectId', query.projectId);
  equal('token_id', 'tokenId', query.tokenId);
  if (query.from !== undefined) {
    clauses.push('time >= @from');
    params.from = query.from;
  }
  if (query.to !== undefined) {
    clauses.push('time <= @to');
    params.to = query.to;
  }
  const search = query.search?.trim();
  if (search) {
    clauses.push(`(${SEARCHED_COLUMNS.map((c) => `${c} LIKE @search ESCAPE '\\'`).join(' OR ')})`);
    params.search = `%${escapeLike(search)}%`;
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** The user's text is matched literally: `%`, `_` and the escape character itself lose their LIKE meaning. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}


