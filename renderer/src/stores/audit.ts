// The audit trail: the applied filter, the page on screen, the event opened, and CSV export.
import { create } from 'zustand';
import type { AuditEventView, AuditPageView } from '../../../main/core/api/views.ts';
import { api, toApiError, type ApiError } from '../api/index.ts';
import { auditCsv, collectAllPages } from '../lib/audit-csv.ts';
import type { AuditQuery } from '../forms/audit-filter.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

export const AUDIT_PAGE_SIZE = 50;

interface AuditState extends Loadable {
  query: AuditQuery;
  page: number;
  result: AuditPageView | null;
  opened: { status: 'loading' | 'ready' | 'error'; event: AuditEventView | null; error: ApiError | null } | null;
  load(opts?: LoadOptions): Promise<void>;
  applyFilter(query: AuditQuery): Promise<void>;
  goToPage(page: number): Promise<void>;
  open(id: string): Promise<void>;
  close(): void;
  /** Every event matching the current filter (up to now), as CSV. */
  exportCsv(onProgress?: (done: number, total: number) => void): Promise<{ csv: string; count: number }>;
  reset(): void;
}

const initial = { query: {} as AuditQuery, page: 1, result: null, opened: null, status: 'idle' as const, error: null };

export const useAudit = create<AuditState>((set, get) => ({
  ...initial,
  async load(opts = {}) {
    const { query, page } = get();
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      const result = await api['audit.list']({ ...query, page, page_size: AUDIT_PAGE_SIZE });
      // A newer request (another page or filter) may have finished first; keep the latest.
      if (get().query !== query || get().page !== page) return;
      set({ result, status: 'ready', error: null });
    } catch (err) {
      if (get().query !== query || get().page !== page) return;
      set(failedLoad(had, err));
    }
  },
  async applyFilter(query) {
    set({ query, page: 1 });
    await get().load();
  },
  async goToPage(page) {
    set({ page: Math.max(1, page) });
    await get().load();
  },
  async open(id) {
    const cached = get().result?.events.find((e) => e.id === id) ?? null;
    set({ opened: { status: cached ? 'ready' : 'loading', event: cached, error: null } });
    try {
      const event = await api['audit.get']({ id });
      if (get().opened) set({ opened: { status: 'ready', event, error: null } });
    } catch (err) {
      if (get().opened) set({ opened: { status: 'error', event: cached, error: toApiError(err) } });
    }
  },
  close() {
    set({ opened: null });
  },
  async exportCsv(onProgress) {
    // Pin the end of the range so events written while paging do not shift the pages.
    const query: AuditQuery = { ...get().query, to: get().query.to ?? new Date().toISOString() };
    const events = await collectAllPages((page, pageSize) => api['audit.list']({ ...query, page, page_size: pageSize }), onProgress);
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    return { csv: auditCsv(unique), count: unique.length };
  },
  reset() {
    set(initial);
  },
}));
