// Audit events as CSV (RFC 4180), built in the browser by paging through the current filter.
import type { AuditEventView, AuditPageView } from '../../../main/core/api/views.ts';

const COLUMNS = [
  'id',
  'time',
  'action',
  'outcome',
  'actor',
  'target_type',
  'target_id',
  'project_id',
  'token_id',
  'request_id',
  'client_ip',
  'details',
] as const;

/** Quotes when needed; defuses cells a spreadsheet would run as a formula (=, +, -, @, tab, CR). */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsv(events: AuditEventView[]): string {
  const lines = [COLUMNS.join(',')];
  for (const event of events) lines.push(COLUMNS.map((column) => csvCell(event[column])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export const EXPORT_PAGE_SIZE = 500;
/** A safety stop: an export of more than this many events should use the CLI or the REST API. */
export const EXPORT_MAX_EVENTS = 100_000;

/** Reads every page of a filter, in order. */
export async function collectAllPages(
  fetchPage: (page: number, pageSize: number) => Promise<AuditPageView>,
  onProgress?: (done: number, total: number) => void,
): Promise<AuditEventView[]> {
  const events: AuditEventView[] = [];
  for (let page = 1; ; page++) {
    const result = await fetchPage(page, EXPORT_PAGE_SIZE);
    events.push(...result.events);
    onProgress?.(events.length, result.pagination.total_count);
    if (!result.pagination.has_next || result.events.length === 0 || events.length >= EXPORT_MAX_EVENTS) return events;
  }
}

export function csvFileName(now: Date): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return `llm-proxy-audit-${stamp}.csv`;
}
