// The request log: the applied filter, the page on screen, the request opened, and CSV export.
import { create } from 'zustand';
import type { RequestLogItemView, RequestLogPageView } from '../../../main/core/api/request-views.ts';
import { api } from '../api/index.ts';
import type { RequestQuery } from '../forms/requests-filter.ts';
import { collectAllRequests, requestsCsv } from '../lib/requests-csv.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

export const REQUESTS_PAGE_SIZE = 50;

interface RequestsState extends Loadable {
  query: RequestQuery;
  page: number;
  result: RequestLogPageView | null;
  opened: RequestLogItemView | null;
  load(opts?: LoadOptions): Promise<void>;
  applyFilter(query: RequestQuery): Promise<void>;
  goToPage(page: number): Promise<void>;
  open(item: RequestLogItemView): void;
  close(): void;
  /** Every request matching the current filter (up to now), as CSV. */
  exportCsv(onProgress?: (done: number, total: number) => void): Promise<{ csv: string; count: number }>;
}

export const useRequests = create<RequestsState>((set, get) => ({
  query: {},
  page: 1,
  result: null,
  opened: null,
  status: 'idle',
  error: null,
  async load(opts = {}) {
    const { query, page } = get();
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      const result = await api['requests.list']({ ...query, page, page_size: REQUESTS_PAGE_SIZE });
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
  open(item) {
    set({ opened: item });
  },
  close() {
    set({ opened: null });
  },
  async exportCsv(onProgress) {
    // Pin the end of the range so requests answered while paging do not shift the pages.
    const query: RequestQuery = { ...get().query, to: get().query.to ?? new Date().toISOString() };
    const items = await collectAllRequests((page, pageSize) => api['requests.list']({ ...query, page, page_size: pageSize }), onProgress);
    const unique = [...new Map(items.map((i) => [i.id, i])).values()];
    return { csv: requestsCsv(unique), count: unique.length };
  },
}));
