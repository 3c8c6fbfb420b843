// The cache store and the purge form against a fake server behind the real HTTP door.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CacheStatsView } from '../../../main/core/api/views.ts';
import { HttpTransport, setTransport } from '../api/index.ts';
import { checkPurge, describePurge, emptyPurge, purgeInput } from '../forms/cache-purge.ts';
import { actionLabel } from '../lib/audit-labels.ts';
import { fakeFetch, RpcFailure, type Handler } from '../testing/fake-server.ts';
import { useCache } from './cache.ts';

const PROJECT = '0190a000-0000-7000-8000-000000000001';
const stats = (over: Partial<CacheStatsView> = {}): CacheStatsView => ({
  store: 'memory',
  entries: 2,
  bytes: 2048,
  max_bytes: 67_108_864,
  max_object_bytes: 1_048_576,
  default_ttl_seconds: 0,
  hits: 3,
  misses: 1,
  bypasses: 0,
  stored: 2,
  hit_rate: 0.75,
  since: '2025-01-01T00:00:00.000Z',
  partial: false,
  top_endpoints: [{ method: 'POST', path: '/v1/embeddings', entries: 2, bytes: 2048, hits: 3 }],
  ...over,
});

function serve(handlers: Parameters<typeof fakeFetch>[0]) {
  const server = fakeFetch(handlers);
  const transport = new HttpTransport({ origin: 'http://127.0.0.1:8484', fetch: server.fetch });
  transport.setToken('t');
  setTransport(transport);
  return server;
}

beforeEach(() => useCache.getState().reset());

describe('cache store', () => {
  it('loads the figures and refreshes them after a purge', async () => {
    let entries = 2;
    const server = serve({ 'cache.stats': () => stats({ entries }), 'cache.purge': (() => ((entries = 0), { deleted: 2 })) as Handler });
    await useCache.getState().load();
    expect(useCache.getState()).toMatchObject({ status: 'ready', stats: { entries: 2 } });
    expect(await useCache.getState().purge({ all: true })).toEqual({ deleted: 2 });
    expect(server.calls.find((c) => c.url.endsWith('/cache.purge'))?.body).toEqual({ all: true });
    await expect.poll(() => useCache.getState().stats?.entries).toBe(0);
  });

  it("keeps the server's error for the screen, and throws a purge's to its dialog", async () => {
    serve({
      'cache.stats': () => {
        throw new RpcFailure(503, { error: 'store unavailable', code: 'store_unavailable' });
      },
      'cache.purge': () => {
        throw new RpcFailure(404, { error: 'No project with that id', code: 'project_not_found' });
      },
    });
    await useCache.getState().load();
    expect(useCache.getState()).toMatchObject({ status: 'error', error: { code: 'store_unavailable' } });
    await expect(useCache.getState().purge({ project_id: PROJECT })).rejects.toMatchObject({ code: 'project_not_found' });
  });
});

describe('purge form', () => {
  it('turns each choice into the contract input', () => {
    expect(purgeInput({ ...emptyPurge, scope: 'all', projectId: PROJECT })).toEqual({ all: true });
    expect(purgeInput({ ...emptyPurge, scope: 'project', projectId: PROJECT })).toEqual({ project_id: PROJECT });
    expect(purgeInput({ ...emptyPurge, scope: 'prefix', prefix: ' /v1/chat ' })).toEqual({ prefix: '/v1/chat' });
    expect(purgeInput({ ...emptyPurge, scope: 'url', method: 'GET', url: '/v1/models', projectId: PROJECT })).toEqual({
      project_id: PROJECT,
      method: 'GET',
      url: '/v1/models',
    });
  });

  it('says what is missing next to the field', () => {
    expect(checkPurge({ ...emptyPurge, scope: 'project' })).toEqual({ ok: false, errors: { projectId: 'Choose a project.' } });
    const prefix = checkPurge({ ...emptyPurge, scope: 'prefix', prefix: 'v1' });
    expect(prefix.ok ? null : prefix.errors.prefix).toMatch(/must start with \//i);
    const url = checkPurge({ ...emptyPurge, scope: 'url', url: '' });
    expect(url.ok ? null : Object.keys(url.errors)).toEqual(['url']);
    expect(checkPurge({ ...emptyPurge, scope: 'url', url: '/v1/embeddings' }).ok).toBe(true);
  });

  it('describes a purge in words', () => {
    const name = () => 'research';
    expect(describePurge({ all: true }, name)).toBe('everything');
    expect(describePurge({ project_id: PROJECT }, name)).toBe('everything of “research”');
    expect(describePurge({ prefix: '/v1/chat', project_id: PROJECT }, name)).toBe('URLs starting with /v1/chat in “research”');
    expect(describePurge({ method: 'POST', url: '/v1/embeddings' }, name)).toBe('POST /v1/embeddings');
    expect(actionLabel('cache.purge')).toBe('Cache purged');
  });
});
