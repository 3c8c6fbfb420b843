// requests.*: the request log — stored request events (metadata only), filtered and paged, with each
// answering upstream key named by its label.
import type { OutboxEvent, Store } from '../../store/types.ts';
import type { HandlerDeps, HandlersOf } from '../handler-types.ts';
import type { RequestLogItemView } from '../request-views.ts';

export function createRequestHandlers({ store }: Pick<HandlerDeps, 'store'>): HandlersOf<'requests.list'> {
  return {
    async 'requests.list'(input) {
      const page = input.page ?? 1;
      const pageSize = input.page_size ?? 50;
      const result = await store.events.requestLog({
        tokenId: input.token_id,
        projectId: input.project_id,
        projectIds: input.project_ids,
        model: input.model,
        status: input.status,
        from: input.from,
        to: input.to,
        page,
        pageSize,
      });
      const items = result.items.map(presentRequest).filter((item) => item !== null);
      const labels = await keyLabels(store, items);
      return {
        items: items.map((item) => ({ ...item, upstream_key: item.upstream_key_id === null ? null : (labels.get(item.upstream_key_id) ?? null) })),
        total: result.totalCount,
        page,
        page_size: pageSize,
      };
    },
  };
}

/** The labels of the keys on this page (one read per project that has any). */
async function keyLabels(store: Store, items: RequestLogItemView[]): Promise<Map<string, string>> {
  const projects = new Set(items.filter((item) => item.upstream_key_id !== null && item.project_id !== null).map((item) => item.project_id!));
  const lists = await Promise.all([...projects].map((projectId) => store.upstreamKeys.listForProject(projectId)));
  return new Map(lists.flat().map((key) => [key.id, key.label]));
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One stored payload as a log item: only the known metadata fields are read, whatever else it holds. */
export function presentRequest(event: OutboxEvent): RequestLogItemView | null {
  let raw: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(event.payload);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    raw = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const cache = raw.cache === 'hit' || raw.cache === 'miss' || raw.cache === 'bypass' ? raw.cache : null;
  return {
    id: str(raw.id) ?? String(event.seq),
    request_id: str(raw.request_id) ?? '',
    time: str(raw.time) ?? new Date(event.writtenAt).toISOString(),
    token_id: str(raw.token_id),
    project_id: str(raw.project_id),
    method: str(raw.method) ?? '',
    path: str(raw.path) ?? '',
    model: str(raw.model),
    status: num(raw.status) ?? 0,
    error_code: str(raw.error),
    prompt_tokens: num(raw.prompt_tokens),
    completion_tokens: num(raw.completion_tokens),
    cost_usd: num(raw.cost_usd),
    latency_ms: num(raw.latency_ms) ?? 0,
    upstream_ms: num(raw.upstream_ms),
    cache,
    upstream_key: null,
    upstream_key_id: str(raw.upstream_key_id),
    streamed: raw.streamed === true,
    aborted: raw.aborted === true,
    attempts: num(raw.attempts) ?? 0,
  };
}
