// The named admins (owners only): the list, and the changes made from the Admins screen. A new admin's
// token is kept here until its copy-once dialog is closed.
import { create } from 'zustand';
import type { AdminView, CreatedAdminView } from '../../../main/core/api/admin-schemas.ts';
import type { InputOf } from '../../../main/core/api/contract.ts';
import { api } from '../api/index.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

interface AdminsState extends Loadable {
  items: AdminView[];
  /** The admin just created, with its token, until the copy-once dialog is closed. */
  created: CreatedAdminView | null;
  load(opts?: LoadOptions): Promise<void>;
  create(input: InputOf<'admins.create'>): Promise<CreatedAdminView>;
  update(input: InputOf<'admins.update'>): Promise<AdminView>;
  remove(id: string): Promise<AdminView>;
  dismissCreated(): void;
  reset(): void;
}

const initial = { items: [] as AdminView[], created: null, status: 'idle' as const, error: null };
const byName = (a: AdminView, b: AdminView) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
/** The list never holds a token: only the copy-once dialog does. */
const withoutSecret = ({ token: _token, ...admin }: CreatedAdminView): AdminView => ({ ...admin, token: `llmp_admin_…${_token.slice(-4)}` });

export const useAdmins = create<AdminsState>((set, get) => ({
  ...initial,
  async load(opts = {}) {
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      const items = await api['admins.list']({});
      set({ items: [...items].sort(byName), status: 'ready', error: null });
    } catch (err) {
      set(failedLoad(had, err));
    }
  },
  async create(input) {
    const created = await api['admins.create'](input);
    set({ items: [...get().items, withoutSecret(created)].sort(byName), created });
    return created;
  },
  async update(input) {
    const admin = await api['admins.update'](input);
    set({
      items: get()
        .items.map((a) => (a.id === admin.id ? admin : a))
        .sort(byName),
    });
    return admin;
  },
  async remove(id) {
    const removed = await api['admins.remove']({ id });
    set({ items: get().items.filter((a) => a.id !== id) });
    return removed;
  },
  dismissCreated() {
    set({ created: null });
  },
  reset() {
    set(initial);
  },
}));
