// tokens.search: the Tokens screen's list at any size — search (name, id, masked value, project name or
// id), a state, a project, a sort and one page, with the count of each state for the same search.
// Tokens that still work come first by default. Done on the presented views, so the states are the
// ones every answer shows.
import type { TokenStatus, TokenView } from './views.ts';

export const tokenSorts = ['state', 'created', 'name', 'expires', 'last_used', 'requests'] as const;
export type TokenSort = (typeof tokenSorts)[number];

export interface TokenSearch {
  search?: string;
  status?: TokenStatus;
  sort?: TokenSort;
  order?: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export interface TokenSearchPage {
  items: TokenView[];
  /** Tokens that match the search, project and state (every page). */
  total: number;
  page: number;
  page_size: number;
  /** Matches of the search and project in each state (before the state filter), for the state buttons. */
  counts: Record<'all' | TokenStatus, number>;
}

/** Working tokens first, then those that may work again (a raised quota), then the finished ones. */
const STATE_ORDER: Record<TokenStatus, number> = { active: 0, exhausted: 1, expired: 2, revoked: 3 };

const compare: Record<TokenSort, (a: TokenView, b: TokenView) => number> = {
  state: (a, b) => STATE_ORDER[a.status] - STATE_ORDER[b.status],
  created: (a, b) => a.created_at.localeCompare(b.created_at),
  name: (a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'en', { sensitivity: 'base' }),
  expires: (a, b) => a.expires_at.localeCompare(b.expires_at),
  last_used: (a, b) => (a.last_used_at ?? '').localeCompare(b.last_used_at ?? ''),
  requests: (a, b) => a.request_count - b.request_count,
};

/** Every word of the query appears in the token's name, id, masked value or project (name or id), any case. */
function matches(token: TokenView, projectName: string, words: string[]): boolean {
  if (words.length === 0) return true;
  const haystack = [token.name ?? '', token.id, token.token, token.project_id, projectName].join(' ').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function searchTokens(tokens: TokenView[], projectName: (id: string) => string, query: TokenSearch): TokenSearchPage {
  const words = (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const found = tokens.filter((t) => matches(t, projectName(t.project_id), words));
  const counts = { all: found.length, active: 0, expired: 0, exhausted: 0, revoked: 0 };
  for (const t of found) counts[t.status]++;
  const sort = query.sort ?? 'state';
  // State: active first by default; every other sort: the largest (newest, most) first by default.
  const direction = (query.order ?? (sort === 'state' || sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  const shown = (query.status ? found.filter((t) => t.status === query.status) : found).sort(
    (a, b) => direction * compare[sort](a, b) || b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id),
  );
  const start = (query.page - 1) * query.pageSize;
  return { items: shown.slice(start, start + query.pageSize), total: shown.length, page: query.page, page_size: query.pageSize, counts };
}
