// Projects: the list, and the changes made to it from the Projects screen.
import { create } from 'zustand';
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { ProjectView, RevokeResultView } from '../../../main/core/api/views.ts';
import { api } from '../api/index.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

interface ProjectsState extends Loadable {
  items: ProjectView[];
  load(opts?: LoadOptions): Promise<void>;
  create(input: InputOf<'projects.create'>): Promise<ProjectView>;
  update(input: InputOf<'projects.update'>): Promise<ProjectView>;
  revokeTokens(id: string): Promise<RevokeResultView>;
  reset(): void;
}

const initial = { items: [] as ProjectView[], status: 'idle' as const, error: null };

const byName = (a: ProjectView, b: ProjectView) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

export const useProjects = create<ProjectsState>((set, get) => ({
  ...initial,
  async load(opts = {}) {
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      const items = await api['projects.list']({});
      set({ items: [...items].sort(byName), status: 'ready', error: null });
    } catch (err) {
      set(failedLoad(had, err));
    }
  },
  async create(input) {
    const project = await api['projects.create'](input);
    set({ items: [...get().items, project].sort(byName) });
    return project;
  },
  async update(input) {
    const project = await api['projects.update'](input);
    set({
      items: get()
        .items.map((p) => (p.id === project.id ? project : p))
        .sort(byName),
    });
    return project;
  },
  async revokeTokens(id) {
    return api['projects.revokeTokens']({ id });
  },
  reset() {
    set(initial);
  },
}));

export function projectName(projects: ProjectView[], id: string | null): string | null {
  if (!id) return null;
  return projects.find((p) => p.id === id)?.name ?? null;
}
