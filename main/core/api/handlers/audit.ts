// audit.*: the audit trail, filtered and paged, and one event.
import { AppError } from '../../errors.ts';
import type { HandlerDeps, HandlersOf } from '../handler-types.ts';
import { withKeyLabels } from '../audit-key-labels.ts';
import { presentAudit } from '../present.ts';

export function createAuditHandlers({ store }: Pick<HandlerDeps, 'store'>): HandlersOf<'audit.list' | 'audit.get'> {
  return {
    async 'audit.list'(input) {
      const page = input.page ?? 1;
      const pageSize = input.page_size ?? 50;
      const result = await store.audit.query({
        action: input.action,
        outcome: input.outcome,
        projectId: input.project_id,
        tokenId: input.token_id,
        projectIds: input.project_ids,
        actor: input.actor,
        from: input.from,
        to: input.to,
        search: input.search,
        page,
        pageSize,
      });
      const totalPages = Math.max(1, Math.ceil(result.totalCount / pageSize));
      return {
        events: await withKeyLabels(result.items.map(presentAudit), store.upstreamKeys),
        pagination: { page, page_size: pageSize, total_count: result.totalCount, total_pages: totalPages, has_next: page < totalPages, has_prev: page > 1 },
      };
    },
    async 'audit.get'({ id }) {
      const row = await store.audit.get(id);
      if (!row) throw new AppError('audit_event_not_found', `No audit event with id ${id}`);
      return (await withKeyLabels([presentAudit(row)], store.upstreamKeys))[0]!;
    },
  };
}
