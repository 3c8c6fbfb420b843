// Who is signed in (admins.me): the header shows it and the screens offer only what the role allows.
// The desktop window is the local owner from the start; a browser tab learns it at sign-in.
import { create } from 'zustand';
import type { CallerView } from '../../../main/core/api/admin-schemas.ts';
import { api, currentTransport } from '../api/index.ts';

interface MeState {
  me: CallerView | null;
  /** Asks the server who this is (the desktop does it once at start; sign-in does it over HTTP). */
  load(): Promise<CallerView>;
  accept(me: CallerView): void;
  reset(): void;
}

const DESKTOP_OWNER: CallerView = { actor: 'desktop', name: 'desktop', role: 'owner', project_ids: null, admin_id: null };
const initialMe = (): CallerView | null => (currentTransport().needsSignIn ? null : DESKTOP_OWNER);

export const useMe = create<MeState>((set) => ({
  me: initialMe(),
  async load() {
    const me = await api['admins.me']({});
    set({ me });
    return me;
  },
  accept(me) {
    set({ me });
  },
  reset() {
    set({ me: initialMe() });
  },
}));
