// The dashboard's summary: counts, today's requests, recent audit events.
import { create } from 'zustand';
import type { DashboardView } from '../../../main/core/api/views.ts';
import { api } from '../api/index.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

interface DashboardState extends Loadable {
  summary: DashboardView | null;
  load(opts?: LoadOptions): Promise<void>;
  reset(): void;
}

const initial = { summary: null, status: 'idle' as const, error: null };

export const useDashboard = create<DashboardState>((set, get) => ({
  ...initial,
  async load(opts = {}) {
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      set({ summary: await api['dashboard.summary']({}), status: 'ready', error: null });
    } catch (err) {
      set(failedLoad(had, err));
    }
  },
  reset() {
    set(initial);
  },
}));
