// Tokens: the list (always masked) and the one freshly minted token, held only until its dialog closes.
import { create } from 'zustand';
import type { InputOf } from '../../../main/core/api/contract.ts';
import type { CreatedTokenView, TokenView } from '../../../main/core/api/views.ts';
import { api } from '../api/index.ts';
import { failedLoad, type Loadable, type LoadOptions } from './load-status.ts';

interface TokensState extends Loadable {
  items: TokenView[];
  /** The full token, shown once. Cleared by dismissCreated(); never copied into `items`. */
  created: CreatedTokenView | null;
  load(opts?: LoadOptions): Promise<void>;
  mint(input: InputOf<'tokens.create'>): Promise<CreatedTokenView>;
  dismissCreated(): void;
  revoke(id: string): Promise<TokenView>;
  /** Changes a token's policy (its limits, from the "Edit limits" dialog) and puts the answer in the list. */
  update(input: InputOf<'tokens.update'>): Promise<TokenView>;
  reset(): void;
}

const initial = { items: [] as TokenView[], created: null, status: 'idle' as const, error: null };

const newestFirst = (a: TokenView, b: TokenView) => b.created_at.localeCompare(a.created_at);

export const useTokens = create<TokensState>((set, get) => ({
  ...initial,
  async load(opts = {}) {
    const had = get().status === 'ready';
    if (!opts.quiet || !had) set({ status: 'loading', error: null });
    try {
      const items = await api['tokens.list']({});
      set({ items: [...items].sort(newestFirst), status: 'ready', error: null });
    } catch (err) {
      set(failedLoad(had, err));
    }
  },
  async mint(input) {
    const created = await api['tokens.create'](input);
    // The list gets the server's masked view of the new token, never the full one.
    try {
      const masked = await api['tokens.get']({ id: created.id });
      set({ created, items: [masked, ...get().items.filter((t) => t.id !== masked.id)].sort(newestFirst) });
    } catch {
      set({ created });
      void get().load({ quiet: true });
    }
    return created;
  },
  dismissCreated() {
    set({ created: null });
  },
  async revoke(id) {
    const token = await api['tokens.revoke']({ id });
    set({ items: get().items.map((t) => (t.id === token.id ? token : t)) });
    return token;
  },
  async update(input) {
    const token = await api['tokens.update'](input);
    set({ items: get().items.map((t) => (t.id === token.id ? token : t)) });
    return token;
  },
  reset() {
    set(initial);
  },
}));
