// Daily usage for the last seven days, per token and per project, in the viewer's days: the small
// charts on the Tokens and Projects screens.
import { create } from 'zustand';
import type { UsageDailyRowView, UsageDailyView } from '../../../main/core/api/event-views.ts';
import { api, toApiError } from '../api/index.ts';
import type { Loadable, LoadOptions } from './load-status.ts';

export const USAGE_DAYS = 7;

interface UsageState {
  token: UsageDailyView | null;
  project: UsageDailyView | null;
  status: Record<'token' | 'project', Loadable['status']>;
  load(groupBy: 'token' | 'project', opts?: LoadOptions): Promise<void>;
  reset(): void;
}

const initial = { token: null, project: null, status: { token: 'idle' as const, project: 'idle' as const } };

export const useUsage = create<UsageState>((set, get) => ({
  ...initial,
  async load(groupBy, opts = {}) {
    if (!opts.quiet || get().status[groupBy] !== 'ready') set({ status: { ...get().status, [groupBy]: 'loading' } });
    try {
      const view = await api['usage.daily']({ group_by: groupBy, days: USAGE_DAYS, utc_offset_minutes: -new Date().getTimezoneOffset() });
      set({ [groupBy]: view, status: { ...get().status, [groupBy]: 'ready' } });
    } catch (err) {
      // The small charts are extras: a failure leaves them empty, the screen itself still works.
      void toApiError(err);
      set({ status: { ...get().status, [groupBy]: 'error' } });
    }
  },
  reset() {
    set(initial);
  },
}));

/** The row of one token or project; zeros for the days when it had no usage. */
export function usageRow(view: UsageDailyView | null, id: string): UsageDailyRowView {
  const found = view?.rows.find((r) => r.id === id);
  if (found) return found;
  const days = view?.days.length ?? USAGE_DAYS;
  const zeros = () => Array<number>(days).fill(0);
  return {
    id,
    requests: zeros(),
    prompt_tokens: zeros(),
    completion_tokens: zeros(),
    cache_hits: zeros(),
    spend_usd: zeros(),
    unpriced_requests: zeros(),
    models: [],
    total: { requests: 0, prompt_tokens: 0, completion_tokens: 0, cache_hits: 0, spend_usd: 0, unpriced_requests: 0 },
  };
}
