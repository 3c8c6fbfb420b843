// Settings that change while the server runs (settings.get / settings.update): the values, where each
// comes from, which are locked; a change answers the new view and refreshes the server facts.
import { create } from 'zustand';
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { RuntimeSettingsView } from '../../../main/core/api/settings-schemas.ts';
import { api, toApiError } from '../api/index.ts';
import type { Loadable } from './load-status.ts';
import { useSystem } from './system.ts';

interface RuntimeSettingsState extends Loadable {
  view: RuntimeSettingsView | null;
  load(): Promise<void>;
  /** Applies at once on the server (a Redis URL is tested first) and is kept across restarts. */
  update(input: InputOf<'settings.update'>): Promise<RuntimeSettingsView>;
  reset(): void;
}

const initial = { view: null, status: 'idle' as const, error: null };

export const useRuntimeSettings = create<RuntimeSettingsState>((set) => ({
  ...initial,
  async load() {
    set({ status: 'loading', error: null });
    try {
      set({ view: await api['settings.get']({}), status: 'ready', error: null });
    } catch (err) {
      set({ status: 'error', error: toApiError(err) });
    }
  },
  async update(input) {
    const view = await api['settings.update'](input);
    set({ view, status: 'ready', error: null });
    void useSystem.getState().load();
    return view;
  },
  reset() {
    set(initial);
  },
}));
