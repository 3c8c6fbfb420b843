// A project's transformations between the wire (snake_case, TransformationsView) and the store
// (camelCase ProjectTransformations). Empty maps and lists are dropped, so `{}` means "none" everywhere.
import type { ProjectTransformations } from '../store/types.ts';
import type { ProjectTransformationsParsed } from './transformations-schema.ts';
import type { TransformationsView } from './views.ts';

const hasEntries = (value: object | undefined): value is object => value !== undefined && Object.keys(value).length > 0;

/** Parsed input → what the store keeps; null (clear) and undefined both give `{}`. */
export function transformationsFromInput(input: ProjectTransformationsParsed | null | undefined): ProjectTransformations {
  if (!input) return {};
  const out: ProjectTransformations = {};
  if (input.default_model !== undefined) out.defaultModel = input.default_model;
  if (hasEntries(input.model_aliases)) out.modelAliases = { ...input.model_aliases };
  if (input.max_tokens_ceiling !== undefined) out.maxTokensCeiling = input.max_tokens_ceiling;
  if (hasEntries(input.set_headers)) out.setHeaders = { ...input.set_headers };
  if (input.remove_headers !== undefined && input.remove_headers.length > 0) out.removeHeaders = [...input.remove_headers];
  if (input.system_prompt_prefix !== undefined) out.systemPromptPrefix = input.system_prompt_prefix;
  return out;
}

/** What the store keeps → the view (only the fields that are set). */
export function presentTransformations(t: ProjectTransformations | null | undefined): TransformationsView {
  if (!t) return {};
  const view: TransformationsView = {};
  if (t.defaultModel !== undefined) view.default_model = t.defaultModel;
  if (hasEntries(t.modelAliases)) view.model_aliases = { ...t.modelAliases };
  if (t.maxTokensCeiling !== undefined) view.max_tokens_ceiling = t.maxTokensCeiling;
  if (hasEntries(t.setHeaders)) view.set_headers = { ...t.setHeaders };
  if (t.removeHeaders !== undefined && t.removeHeaders.length > 0) view.remove_headers = [...t.removeHeaders];
  if (t.systemPromptPrefix !== undefined) view.system_prompt_prefix = t.systemPromptPrefix;
  return view;
}

/** Which transformations are set, by wire name: what audit rows record (header values may be private). */
export function transformationFields(t: ProjectTransformations): string[] {
  return Object.keys(presentTransformations(t));
}
