// The Dashboard's spend: usage.daily per project since the 1st of this month (the viewer's days), folded
// into today, this month and per model (lib/money.ts).
import { create } from 'zustand';
import type { UsageDailyView } from '../../../main/core/api/event-views.ts';
import { api } from '../api/index.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

interface SpendState extends Loadable {
  view: UsageDailyView | null;
  load(opts?: LoadOptions): Promise<void>;
  reset(): void;
}

const initial = { view: null, status: 'idle' as const, error: null };

export const useSpend = create<SpendState>((set, get) => ({
  ...initial,
  async load(opts = {}) {
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      const now = new Date();
      const view = await api['usage.daily']({ group_by: 'project', days: now.getDate(), utc_offset_minutes: -now.getTimezoneOffset() });
      set({ view, status: 'ready', error: null });
    } catch (err) {
      set(failedLoad(had, err));
    }
  },
  reset() {
    set(initial);
  },
}));
