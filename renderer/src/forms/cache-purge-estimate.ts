// How many cached answers each purge choice would delete, from what cache.stats tells: the total, and the
// entries of its top endpoints (all projects together). A project's own count is not in the answer, so
// for a choice narrowed to a project the estimate says it cannot tell instead of guessing.
import type { CacheStatsView } from '../../../main/core/api/views.ts';
import type { PurgeScope, PurgeValues } from './cache-purge.ts';

export interface PurgeEstimate {
  /** "3 entries", "at least 2 entries", or why there is no number. */
  text: string;
  /** Exact (true), a lower bound (false), or unknown (null). */
  exact: boolean | null;
}

const entries = (n: number) => `${n.toLocaleString('en')} entr${n === 1 ? 'y' : 'ies'}`;
const UNKNOWN_FOR_PROJECT: PurgeEstimate = { text: 'count per project not available', exact: null };

export function purgeEstimate(
  scope: PurgeScope,
  values: Pick<PurgeValues, 'projectId' | 'prefix' | 'method' | 'url'>,
  stats: CacheStatsView | null,
): PurgeEstimate {
  if (!stats) return { text: 'count not loaded', exact: null };
  // Redis may count only part of its keys when there are many.
  const total: PurgeEstimate = { text: stats.partial ? `at least ${entries(stats.entries)}` : entries(stats.entries), exact: !stats.partial };
  switch (scope) {
    case 'all':
      return total;
    case 'project':
      return UNKNOWN_FOR_PROJECT;
    case 'prefix': {
      if (values.projectId) return UNKNOWN_FOR_PROJECT;
      const prefix = values.prefix.trim();
      if (!prefix) return { text: 'type a prefix to see a count', exact: null };
      return fromEndpoints(stats, (e) => e.path.startsWith(prefix), prefix === '/');
    }
    case 'url': {
      if (values.projectId) return UNKNOWN_FOR_PROJECT;
      const url = values.url.trim();
      if (!url) return { text: 'type a URL to see a count', exact: null };
      // Endpoints are counted by path; one query string's share of them is not known.
      if (url.includes('?')) return { text: 'count not available for a URL with a query', exact: null };
      return fromEndpoints(stats, (e) => e.method === values.method && e.path === url, false);
    }
  }
}

/** Top endpoints are only the ten largest: a match is exact when every cached entry is among them. */
function fromEndpoints(stats: CacheStatsView, matches: (e: CacheStatsView['top_endpoints'][number]) => boolean, everything: boolean): PurgeEstimate {
  const listed = stats.top_endpoints.reduce((sum, e) => sum + e.entries, 0);
  const complete = !stats.partial && listed === stats.entries;
  if (everything) return { text: entries(stats.entries), exact: complete };
  const found = stats.top_endpoints.filter(matches).reduce((sum, e) => sum + e.entries, 0);
  if (complete) return { text: entries(found), exact: true };
  return { text: found > 0 ? `at least ${entries(found)}` : 'not among the top endpoints', exact: false };
}
