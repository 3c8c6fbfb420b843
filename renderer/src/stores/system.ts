// Read-only facts about the server (version, data folder, addresses, database) for Settings.
import { create } from 'zustand';
import type { SystemInfoView } from '../../../main/core/api/views.ts';
import { api, toApiError } from '../api/index.ts';
import type { Loadable } from './load-status.ts';

interface SystemState extends Loadable {
  info: SystemInfoView | null;
  load(): Promise<void>;
  /** Sign-in already fetched the facts; keep them instead of asking twice. */
  accept(info: SystemInfoView): void;
  reset(): void;
}

const initial = { info: null, status: 'idle' as const, error: null };

export const useSystem = create<SystemState>((set) => ({
  ...initial,
  async load() {
    set({ status: 'loading', error: null });
    try {
      set({ info: await api['system.info']({}), status: 'ready', error: null });
    } catch (err) {
      set({ status: 'error', error: toApiError(err) });
    }
  },
  accept(info) {
    set({ info, status: 'ready', error: null });
  },
  reset() {
    set(initial);
  },
}));
