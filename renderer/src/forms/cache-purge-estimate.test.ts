// What each purge choice says it would delete, from cache.stats: exact when the figures cover it, a
// lower bound when only the top endpoints do, and "not available" where the answer has no such count.
import { describe, expect, it } from 'vitest';
import type { CacheStatsView } from '../../../main/core/api/views.ts';
import { purgeEstimate } from './cache-purge-estimate.ts';
import { emptyPurge } from './cache-purge.ts';

const stats = (over: Partial<CacheStatsView> = {}): CacheStatsView => ({
  store: 'memory',
  entries: 3,
  bytes: 3000,
  max_bytes: 1_000_000,
  max_object_bytes: 100_000,
  default_ttl_seconds: 300,
  hits: 1,
  misses: 3,
  bypasses: 0,
  stored: 3,
  hit_rate: 0.25,
  since: '2025-01-01T00:00:00Z',
  partial: false,
  top_endpoints: [
    { method: 'POST', path: '/v1/embeddings', entries: 2, bytes: 2000, hits: 1 },
    { method: 'POST', path: '/v1/chat/completions', entries: 1, bytes: 1000, hits: 0 },
  ],
  ...over,
});

describe('purge estimate', () => {
  it('starts on the narrowest choice', () => {
    expect(emptyPurge.scope).toBe('url');
  });

  it('counts exactly when the top endpoints hold every entry', () => {
    expect(purgeEstimate('all', emptyPurge, stats())).toEqual({ text: '3 entries', exact: true });
    expect(purgeEstimate('prefix', { ...emptyPurge, prefix: '/v1/emb' }, stats())).toEqual({ text: '2 entries', exact: true });
    expect(purgeEstimate('url', { ...emptyPurge, method: 'POST', url: '/v1/chat/completions' }, stats())).toEqual({ text: '1 entry', exact: true });
    expect(purgeEstimate('url', { ...emptyPurge, method: 'GET', url: '/v1/chat/completions' }, stats())).toEqual({ text: '0 entries', exact: true });
  });

  it('gives a lower bound when more endpoints exist than the ten listed', () => {
    const many = stats({ entries: 40 });
    expect(purgeEstimate('prefix', { ...emptyPurge, prefix: '/v1/' }, many)).toEqual({ text: 'at least 3 entries', exact: false });
    expect(purgeEstimate('prefix', { ...emptyPurge, prefix: '/v1/models' }, many)).toEqual({ text: 'not among the top endpoints', exact: false });
    expect(purgeEstimate('all', emptyPurge, stats({ partial: true }))).toEqual({ text: 'at least 3 entries', exact: false });
  });

  it('says so where cache.stats has no count (a project, a query string, nothing typed yet)', () => {
    expect(purgeEstimate('project', { ...emptyPurge, projectId: 'p' }, stats()).exact).toBeNull();
    expect(purgeEstimate('prefix', { ...emptyPurge, prefix: '/v1/', projectId: 'p' }, stats()).text).toBe('count per project not available');
    expect(purgeEstimate('url', { ...emptyPurge, url: '/v1/embeddings?x=1' }, stats()).exact).toBeNull();
    expect(purgeEstimate('url', emptyPurge, stats()).text).toBe('type a URL to see a count');
    expect(purgeEstimate('all', emptyPurge, null).text).toBe('count not loaded');
  });
});
