// system.info (version, addresses, database, HTTPS, Redis) and dashboard.summary (counts, today's
// requests and rate-limit refusals, recent audit events).
import type { HandlerDeps, HandlersOf } from '../handler-types.ts';
import { withKeyLabels } from '../audit-key-labels.ts';
import { presentAudit, presentToken } from '../present.ts';

export function createSystemHandlers(
  deps: Pick<HandlerDeps, 'store' | 'clock' | 'systemInfo' | 'requestsSince'>,
): HandlersOf<'system.info' | 'dashboard.summary'> {
  const { store, clock } = deps;
  return {
    async 'system.info'() {
      const info = store.info();
      return { ...deps.systemInfo(), database: { kind: info.kind, location: info.location, schema_version: info.schemaVersion } };
    },
    async 'dashboard.summary'() {
      const now = clock.now();
      const [projects, tokens, recent] = await Promise.all([store.projects.list(), store.tokens.list({ now }), store.audit.query({ page: 1, pageSize: 10 })]);
      const startOfDay = new Date(now);
      startOfDay.setHours(0, 0, 0, 0);
      // Every rate-limit refusal is audited as proxy.refused with reason rate_limited.
      const rateLimited = await store.audit.query({
        action: 'proxy.refused',
        from: startOfDay.getTime(),
        search: '"reason":"rate_limited"',
        page: 1,
        pageSize: 1,
      });
      return {
        projects: { total: projects.length, active: projects.filter((p) => p.isActive).length },
        tokens: { total: tokens.length, active: tokens.filter((t) => presentToken(t, now).status === 'active').length },
        requests_today: await deps.requestsSince(startOfDay.getTime()),
        rate_limited_today: rateLimited.totalCount,
        recent_audit: await withKeyLabels(recent.items.map(presentAudit), store.upstreamKeys),
      };
    },
  };
}
