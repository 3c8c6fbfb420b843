// Upstream keys of the project whose "Keys" dialog is open (always masked). Each change also refreshes
// the project list quietly, since a project shows its key count and its oldest key.
import { create } from 'zustand';
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { UpstreamKeyView } from '../../../main/core/api/views.ts';
import { api, toApiError } from '../api/index.ts';
import type { Loadable, LoadOptions } from './load-status.ts';
import { useProjects } from './projects.ts';

interface KeysState extends Loadable {
  /** The project the list belongs to; null before the first load. */
  projectId: string | null;
  items: UpstreamKeyView[];
  load(projectId: string, opts?: LoadOptions): Promise<void>;
  add(input: InputOf<'keys.add'>): Promise<UpstreamKeyView>;
  /** Label, weight, enable/disable, or rotate (api_key). */
  update(input: InputOf<'keys.update'>): Promise<UpstreamKeyView>;
  remove(input: InputOf<'keys.remove'>): Promise<UpstreamKeyView>;
  reset(): void;
}

const initial = { projectId: null, items: [] as UpstreamKeyView[], status: 'idle' as const, error: null };

/** The store lists keys oldest first; so do we. */
const oldestFirst = (a: UpstreamKeyView, b: UpstreamKeyView) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id);

const refreshProjects = () => void useProjects.getState().load({ quiet: true });

export const useKeys = create<KeysState>((set, get) => ({
  ...initial,
  async load(projectId, opts = {}) {
    const other = get().projectId !== projectId;
    if (other) set({ ...initial, projectId });
    if (other || !opts.quiet || get().status !== 'ready') set({ status: 'loading', error: null });
    try {
      const items = await api['keys.list']({ project_id: projectId });
      // A slow answer for a project that is no longer shown is dropped.
      if (get().projectId === projectId) set({ items: [...items].sort(oldestFirst), status: 'ready', error: null });
    } catch (err) {
      if (get().projectId === projectId) set({ status: 'error', error: toApiError(err) });
    }
  },
  async add(input) {
    const key = await api['keys.add'](input);
    if (get().projectId === input.project_id) set({ items: [...get().items, key].sort(oldestFirst) });
    refreshProjects();
    return key;
  },
  async update(input) {
    const key = await api['keys.update'](input);
    set({ items: get().items.map((k) => (k.id === key.id ? key : k)) });
    refreshProjects();
    return key;
  },
  async remove(input) {
    const key = await api['keys.remove'](input);
    set({ items: get().items.filter((k) => k.id !== key.id) });
    refreshProjects();
    return key;
  },
  reset() {
    set(initial);
  },
}));
