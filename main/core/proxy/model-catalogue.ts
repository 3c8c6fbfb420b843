// A token's view of the provider's model catalogue (`GET /v1/models`): the upstream's list filtered to
// the token's model globs or, where the upstream cannot list (some OpenAI-compatible servers answer
// 404), the exact names the token allows, in the provider's own list shape.
import { modelAllowed } from '../tokens/models.ts';
import type { AnswerRewrite } from './answer.ts';
import type { UsageShape } from './providers.ts';

/** The statuses of a server that has no model listing at all. */
const CANNOT_LIST = new Set([404, 405, 501]);

type Entry = Record<string, unknown> & { id?: unknown };

/** The names of an allow-list that are not globs: what a token can name for sure. */
export function exactNames(allowed: readonly string[]): string[] {
  return allowed.filter((name) => !/[*?]/.test(name));
}

function anthropicList(data: Entry[], upstream: Record<string, unknown> = {}): Record<string, unknown> {
  const hasMore = upstream.has_more === true;
  const ids = data.map((entry) => entry.id);
  // While there are more pages, last_id stays the upstream's cursor so the SDK's paging goes on.
  return { ...upstream, data, has_more: hasMore, first_id: ids[0] ?? null, last_id: hasMore ? upstream.last_id : (ids.at(-1) ?? null) };
}

function listed(shape: UsageShape, names: string[]): Record<string, unknown> {
  if (shape === 'anthropic') {
    return anthropicList(names.map((id) => ({ type: 'model', id, display_name: id, created_at: '1970-01-01T00:00:00Z' })));
  }
  return { object: 'list', data: names.map((id) => ({ id, object: 'model', created: 0, owned_by: 'llm-proxy' })) };
}

function parseList(body: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && Array.isArray((value as { data?: unknown }).data)) return value as Record<string, unknown>;
  } catch {
    // Not a list: sent as it came.
  }
  return null;
}

const json = (status: number, value: unknown) => ({ status, body: Buffer.from(JSON.stringify(value)) });

/** Rewrites the upstream's answer to `GET /v1/models` for a token with these model globs. */
export function catalogueFor(shape: UsageShape, allowed: readonly string[]): AnswerRewrite {
  return ({ status, body }) => {
    if (CANNOT_LIST.has(status)) {
      const names = exactNames(allowed);
      return names.length > 0 ? json(200, listed(shape, names)) : null;
    }
    if (status !== 200) return null;
    const list = parseList(body);
    if (!list) return null;
    const data = (list.data as Entry[]).filter((entry) => typeof entry?.id === 'string' && modelAllowed(allowed, entry.id));
    return json(200, shape === 'anthropic' ? anthropicList(data, list) : { ...list, data });
  };
}
