// The Tokens screen's list: which tokens a search and a state filter keep, and in what order (tokens that
// still work first). Client-side over tokens.list until the API pages and sorts on the server.
import type { TokenStatus, TokenView } from '../../../main/core/api/views.ts';

/** Working tokens first, then those that may work again (a raised quota), then the finished ones. */
const STATE_ORDER: Record<TokenStatus, number> = { active: 0, exhausted: 1, expired: 2, revoked: 3 };

export function activeFirst(a: TokenView, b: TokenView): number {
  return STATE_ORDER[a.status] - STATE_ORDER[b.status] || b.created_at.localeCompare(a.created_at);
}

/** Every word of the query appears in the token's name, id, masked value or project name (any case). */
export function matchesSearch(token: TokenView, projectName: string, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [token.name ?? '', token.id, token.token, projectName].join(' ').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export interface TokenListQuery {
  projectId: string;
  status: 'all' | TokenStatus;
  search: string;
}

export function tokensToShow(items: TokenView[], query: TokenListQuery, projectName: (id: string) => string): TokenView[] {
  return items
    .filter((t) => !query.projectId || t.project_id === query.projectId)
    .filter((t) => query.status === 'all' || t.status === query.status)
    .filter((t) => matchesSearch(t, projectName(t.project_id), query.search))
    .sort(activeFirst);
}

/** Revoking is offered while the token could still be used (an exhausted one can get a new quota). */
export function canRevoke(token: Pick<TokenView, 'is_active' | 'status'>): boolean {
  return token.is_active && (token.status === 'active' || token.status === 'exhausted');
}
