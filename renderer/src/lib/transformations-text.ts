// A project's transformations in one short line for its row: "default gpt-4o-mini · 2 aliases · max 4000 tokens".
import type { TransformationsView } from '../../../main/core/api/views.ts';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function transformationsLine(t: TransformationsView): string {
  const parts = [
    t.default_model !== undefined ? `default ${t.default_model}` : '',
    t.model_aliases ? count(Object.keys(t.model_aliases).length, 'alias', 'aliases') : '',
    t.max_tokens_ceiling !== undefined ? `max ${t.max_tokens_ceiling} tokens` : '',
    t.set_headers ? count(Object.keys(t.set_headers).length, 'header set', 'headers set') : '',
    t.remove_headers ? count(t.remove_headers.length, 'header removed', 'headers removed') : '',
    t.system_prompt_prefix !== undefined ? 'system prompt prefix' : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'none';
}
