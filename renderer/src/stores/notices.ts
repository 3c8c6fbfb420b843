// Short messages after an action: successes fade on their own, errors stay until dismissed.
import { create } from 'zustand';

export interface Notice {
  id: number;
  kind: 'success' | 'error';
  text: string;
}

interface NoticesState {
  items: Notice[];
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
  reset(): void;
}

const SUCCESS_MS = 4000;
let nextId = 1;

export const useNotices = create<NoticesState>((set, get) => ({
  items: [],
  notify(kind, text) {
    const id = nextId++;
    set({ items: [...get().items.slice(-3), { id, kind, text }] });
    if (kind === 'success') setTimeout(() => get().dismiss(id), SUCCESS_MS);
  },
  dismiss(id) {
    set({ items: get().items.filter((n) => n.id !== id) });
  },
  reset() {
    set({ items: [] });
  },
}));

export const notify = (kind: Notice['kind'], text: string) => useNotices.getState().notify(kind, text);
