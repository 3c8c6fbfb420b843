// The response cache: its figures for the Cache screen, and purges (which refresh the figures).
import { create } from 'zustand';
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { CachePurgeResultView, CacheStatsView } from '../../../main/core/api/views.ts';
import { api } from '../api/index.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

interface CacheState extends Loadable {
  stats: CacheStatsView | null;
  load(opts?: LoadOptions): Promise<void>;
  /** Throws the ApiError to the dialog that asked. */
  purge(input: InputOf<'cache.purge'>): Promise<CachePurgeResultView>;
  reset(): void;
}

const initial = { stats: null, status: 'idle' as const, error: null };

export const useCache = create<CacheState>((set, get) => ({
  ...initial,
  async load(opts = {}) {
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      set({ stats: await api['cache.stats']({}), status: 'ready', error: null });
    } catch (err) {
      set(failedLoad(had, err));
    }
  },
  async purge(input) {
    const result = await api['cache.purge'](input);
    void get().load({ quiet: true });
    return result;
  },
  reset() {
    set(initial);
  },
}));
