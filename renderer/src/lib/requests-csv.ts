// The request log as CSV (same cells and safety as the audit export, ./audit-csv.ts), built in the
// browser by paging through the current filter.
import type { RequestLogItemView, RequestLogPageView } from '../../../main/core/api/request-views.ts';
import { csvCell, EXPORT_MAX_EVENTS, EXPORT_PAGE_SIZE } from './audit-csv.ts';

const COLUMNS = [
  'request_id',
  'time',
  'token_id',
  'project_id',
  'method',
  'path',
  'model',
  'status',
  'error_code',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'latency_ms',
  'upstream_ms',
  'cache',
  'upstream_key',
  'streamed',
  'aborted',
  'attempts',
  'id',
] as const satisfies readonly (keyof RequestLogItemView)[];

export function requestsCsv(items: RequestLogItemView[]): string {
  const lines = [COLUMNS.join(',')];
  for (const item of items) lines.push(COLUMNS.map((column) => csvCell(item[column])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** Reads every page of a filter, newest first. */
export async function collectAllRequests(
  fetchPage: (page: number, pageSize: number) => Promise<RequestLogPageView>,
  onProgress?: (done: number, total: number) => void,
): Promise<RequestLogItemView[]> {
  const items: RequestLogItemView[] = [];
  for (let page = 1; ; page++) {
    const result = await fetchPage(page, EXPORT_PAGE_SIZE);
    items.push(...result.items);
    onProgress?.(items.length, result.total);
    if (result.items.length < EXPORT_PAGE_SIZE || items.length >= result.total || items.length >= EXPORT_MAX_EVENTS) return items;
  }
}

export function requestsCsvFileName(now: Date): string {
  return `llm-proxy-requests-${now.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
}
