// The request log's filters and paging as both databases run them, over the outbox columns generated
// from each event's payload (migration 0011): newest first, seq breaking ties, one count for the total.
import { pageWindow } from './audit-query.ts';
import type { Dialect } from './table-map.ts';
import type { RequestLogQuery } from './types.ts';

export interface RequestLogSelect {
  pageSql: string;
  pageParams: (string | number)[];
  countSql: string;
  params: (string | number)[];
}

export function requestLogSelect(query: RequestLogQuery, dialect: Dialect): RequestLogSelect {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: (p: string) => string, value: string | number | undefined) => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(sql(dialect.param(params.length)));
  };
  add((p) => `token_id = ${p}`, query.tokenId);
  add((p) => `project_id = ${p}`, query.projectId);
  add((p) => `model = ${p}`, query.model);
  add((p) => `status >= ${p}`, query.status?.min);
  add((p) => `status <= ${p}`, query.status?.max);
  // `time` holds toISOString() text, which orders like the instant it names.
  add((p) => `time >= ${p}`, query.from === undefined ? undefined : new Date(query.from).toISOString());
  add((p) => `time < ${p}`, query.to === undefined ? undefined : new Date(query.to).toISOString());
  if (query.projectIds) {
    const marks = query.projectIds.map((id) => {
      params.push(id);
      return dialect.param(params.length);
    });
    clauses.push(marks.length > 0 ? `project_id IN (${marks.join(', ')})` : '1 = 0');
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const { limit, offset } = pageWindow(query.page, query.pageSize);
  const n = params.length;
  return {
    pageSql: `SELECT seq, written_at, payload FROM events_outbox ${where} ORDER BY time DESC, seq DESC LIMIT ${dialect.param(n + 1)} OFFSET ${dialect.param(n + 2)}`,
    pageParams: [...params, limit, offset],
    countSql: `SELECT count(*) AS n FROM events_outbox ${where}`,
    params,
  };
}
