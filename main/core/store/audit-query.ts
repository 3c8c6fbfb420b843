// The audit trail's filters and paging as both databases run them: one WHERE clause built from the
// query (placeholders and LIKE flavour from the dialect), newest first, with a stable order on ties.
import type { Dialect } from './table-map.ts';
import type { AuditQuery } from './types.ts';

const SEARCHED_COLUMNS = ['action', 'actor', 'target_id', 'request_id', 'details'];

export interface AuditSelect {
  /** `SELECT *` of one page, with `pageParams`. */
  pageSql: string;
  pageParams: (string | number)[];
  /** `count(*) AS n` of every match, with `params`. */
  countSql: string;
  params: (string | number)[];
}

/** `idOrder` is the id column as it sorts byte-wise in the dialect (PostgreSQL: `id COLLATE "C"`). */
export function auditSelect(query: AuditQuery, dialect: Dialect, idOrder: string): AuditSelect {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: (p: string) => string, value: string | number | undefined) => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(sql(dialect.param(params.length)));
  };
  add((p) => `action = ${p}`, query.action);
  add((p) => `outcome = ${p}`, query.outcome);
  add((p) => `project_id = ${p}`, query.projectId);
  add((p) => `token_id = ${p}`, query.tokenId);
  add((p) => `actor = ${p}`, query.actor);
  add((p) => `time >= ${p}`, query.from);
  add((p) => `time <= ${p}`, query.to);
  if (query.projectIds) {
    const marks = query.projectIds.map((id) => {
      params.push(id);
      return dialect.param(params.length);
    });
    clauses.push(marks.length > 0 ? `project_id IN (${marks.join(', ')})` : '1 = 0');
  }
  const search = query.search?.trim();
  if (search) add((p) => `(${SEARCHED_COLUMNS.map((c) => `${c} ${dialect.ilike} ${p} ESCAPE '\\'`).join(' OR ')})`, `%${escapeLike(search)}%`);
  // PostgreSQL reuses one $n for every searched column; SQLite's `?` needs the value once per use.
  if (search && dialect.name === 'sqlite') params.push(...Array<string>(SEARCHED_COLUMNS.length - 1).fill(params.at(-1) as string));
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const { limit, offset } = pageWindow(query.page, query.pageSize);
  const n = params.length;
  return {
    pageSql: `SELECT * FROM audit_events ${where} ORDER BY time DESC, ${idOrder} DESC LIMIT ${dialect.param(n + 1)} OFFSET ${dialect.param(n + 2)}`,
    pageParams: [...params, limit, offset],
    countSql: `SELECT count(*) AS n FROM audit_events ${where}`,
    params,
  };
}

/** LIMIT and OFFSET of a 1-based page (at least one row per page). */
export function pageWindow(page: number, pageSize: number): { limit: number; offset: number } {
  const limit = Math.max(1, Math.trunc(pageSize));
  return { limit, offset: (Math.max(1, Math.trunc(page)) - 1) * limit };
}

/** The user's text is matched literally: `%`, `_` and the escape character itself lose their LIKE meaning. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
