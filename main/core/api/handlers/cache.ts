// cache.*: the response cache's statistics, and purge (everything, a project, a path prefix or one URL),
// audited with what was deleted, and how many answers a purge would delete (cache.count, deleting nothing).
import type { PurgeSelector } from '../../cache/keys.ts';
import { definedOnly } from '../../store/row-changes.ts';
import { auditBase, lookups, type HandlerDeps, type HandlersOf } from '../handler-types.ts';

export function createCacheHandlers(deps: Pick<HandlerDeps, 'store' | 'cache' | 'audit'>): HandlersOf<'cache.stats' | 'cache.purge' | 'cache.count'> {
  const { audit } = deps;
  const { projectOrThrow } = lookups(deps.store);
  return {
    async 'cache.stats'() {
      const stats = await deps.cache.stats();
      const cacheable = stats.hits + stats.misses;
      return {
        store: stats.store,
        entries: stats.entries,
        bytes: stats.bytes,
        max_bytes: stats.maxBytes,
        max_object_bytes: stats.maxObjectBytes,
        default_ttl_seconds: stats.defaultTtlSeconds,
        hits: stats.hits,
        misses: stats.misses,
        bypasses: stats.bypasses,
        stored: stats.stored,
        hit_rate: cacheable ? stats.hits / cacheable : null,
        since: new Date(stats.since).toISOString(),
        partial: stats.partial,
        top_endpoints: stats.endpoints.map(({ endpoint, entries, bytes, hits }) => {
          const space = endpoint.indexOf(' ');
          return { method: endpoint.slice(0, space), path: endpoint.slice(space + 1), entries, bytes, hits };
        }),
      };
    },
    async 'cache.count'(input) {
      if (input.project_id) await projectOrThrow(input.project_id);
      return { entries: await deps.cache.count(selectorOf(input)) };
    },
    async 'cache.purge'(input, ctx) {
      if (input.project_id) await projectOrThrow(input.project_id);
      const selector = selectorOf(input);
      const scope = input.all ? 'all' : input.url !== undefined ? 'url' : input.prefix !== undefined ? 'prefix' : 'project';
      const deleted = await deps.cache.purge(selector);
      await audit.record({
        ...auditBase(ctx),
        action: 'cache.purge',
        outcome: 'success',
        targetType: 'cache',
        targetId: (input.url !== undefined ? `${input.method} ${input.url}` : (input.prefix ?? input.project_id ?? 'all')).slice(0, 200),
        projectId: input.project_id ?? null,
        details: definedOnly({ scope, project_id: input.project_id, prefix: input.prefix, method: input.method, url: input.url, deleted }),
      });
      return { deleted };
    },
  };
}

function selectorOf(input: { all?: true; project_id?: string; prefix?: string; method?: 'GET' | 'POST'; url?: string }): PurgeSelector {
  return input.all ? { all: true } : { projectId: input.project_id, prefix: input.prefix, method: input.method, url: input.url };
}
